import { compareStamps, type EventStamp } from '#core/events/event-envelope.ts';
import { parseEc2Event } from '#core/network/ec2-event.ts';
import type { EniFacts, InstanceFacts, InstanceState, SubnetFacts } from '#core/network/network.ts';
import type { Ec2Reader, NetworkLedger } from '#core/network/network-ports.ts';
import { Ec2EventBuilder } from '#test/helpers/ec2-events.ts';
import type { SampleEvent } from '#test/helpers/samples.ts';

/**
 * A small model of the VPC CNI and the node group, for property tests: nodes launch and
 * terminate; ipamd creates ENIs for a node, attaches them, assigns and unassigns explicit
 * addresses, detaches and deletes them, within a t3.medium's limits (3 ENIs, 6 IPv4 each).
 * It emits the real-shaped CloudTrail and state-change events AWS would, in order, and keeps
 * the final state the ledger must end in.
 */

const VPC = 'vpc-0a1b2c3d4e5f60718';
const SUBNET = 'subnet-0aa1111111111111a';
const CLUSTER = 'myeks';
const MAX_ENIS = 3;
const MAX_IPS = 6;

export interface ModelEni {
  readonly eniId: string;
  readonly node: string;
  readonly primaryIp: string;
  readonly ips: Set<string>;
  attachedTo?: string;
  attachmentId?: string;
  deviceIndex?: number;
  /** Was detached at least once (a re-used ENI). */
  detachedOnce: boolean;
  deleted: boolean;
}

export interface ModelNode {
  readonly instanceId: string;
  readonly privateIp: string;
  state: InstanceState;
}

export interface CniWorkload {
  readonly events: SampleEvent[];
  readonly nodes: ReadonlyMap<string, ModelNode>;
  readonly enis: ReadonlyMap<string, ModelEni>;
}

/** A deterministic PRNG (mulberry32), so a failing seed replays exactly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One of the items, each as likely as its weight. */
export function weighted<T extends { readonly weight: number }>(
  items: readonly T[],
  rnd: () => number,
): T {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  let left = rnd() * total;
  for (const item of items) {
    left -= item.weight;
    if (left < 0) return item;
  }
  return items[items.length - 1] as T;
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** Generates a workload of at least `minEvents` events from `seed`. */
export function cniWorkload(seed: number, minEvents: number): CniWorkload {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const b = new Ec2EventBuilder();
  const events: SampleEvent[] = [];
  const nodes = new Map<string, ModelNode>();
  const enis = new Map<string, ModelEni>();
  const tag = hex(seed % 0xfff, 3);
  let nodeN = 0;
  let eniN = 0;
  let attachN = 0;
  let ipN = 0;
  const nextIp = () => {
    ipN++;
    return `192.168.${Math.floor(ipN / 250)}.${(ipN % 250) + 1}`;
  };
  const emitNow = (make: () => SampleEvent) => {
    b.after(1);
    events.push(make());
  };
  const running = () => [...nodes.values()].filter((n) => n.state === 'running');
  const liveEnis = (node?: string) =>
    [...enis.values()].filter((e) => !e.deleted && (!node || e.node === node));
  const secondaryAttached = () =>
    liveEnis().filter(
      (e) => e.attachedTo && (e.deviceIndex ?? 0) > 0 && nodes.get(e.node)?.state === 'running',
    );

  const actions: Record<string, { weight: number; can: () => boolean; run: () => void }> = {
    launch: {
      weight: 2,
      can: () => running().length < 4,
      run: () => {
        nodeN++;
        const instanceId = `i-0${tag}${hex(nodeN, 13)}`;
        const eniId = `eni-0${tag}${hex(++eniN, 13)}`;
        const privateIp = nextIp();
        emitNow(() =>
          b.runInstances({
            instanceId,
            instanceType: 't3.medium',
            subnetId: SUBNET,
            eniId,
            privateIp,
          }),
        );
        // AWS notifies pending, then running; each may overtake the RunInstances record.
        emitNow(() => b.instanceState(instanceId, 'pending'));
        emitNow(() => b.instanceState(instanceId, 'running'));
        nodes.set(instanceId, { instanceId, privateIp, state: 'running' });
        enis.set(eniId, {
          eniId,
          node: instanceId,
          primaryIp: privateIp,
          ips: new Set([privateIp]),
          attachedTo: instanceId,
          attachmentId: `eni-attach-${eniId.slice(4)}`,
          deviceIndex: 0,
          detachedOnce: false,
          deleted: false,
        });
      },
    },
    create: {
      weight: 3,
      can: () => running().some((n) => liveEnis(n.instanceId).length < MAX_ENIS),
      run: () => {
        const node = pick(running().filter((n) => liveEnis(n.instanceId).length < MAX_ENIS));
        const eniId = `eni-0${tag}${hex(++eniN, 13)}`;
        const primaryIp = nextIp();
        const secondaryIps = Array.from({ length: int(0, 2) }, nextIp);
        emitNow(() =>
          b.createNetworkInterface({
            eniId,
            instanceId: node.instanceId,
            subnetId: SUBNET,
            primaryIp,
            secondaryIps,
          }),
        );
        enis.set(eniId, {
          eniId,
          node: node.instanceId,
          primaryIp,
          ips: new Set([primaryIp, ...secondaryIps]),
          detachedOnce: false,
          deleted: false,
        });
      },
    },
    attach: {
      weight: 3,
      can: () => attachable().length > 0,
      run: () => {
        const eni = pick(attachable());
        const used = new Set(
          liveEnis(eni.node)
            .filter((e) => e.attachedTo)
            .map((e) => e.deviceIndex),
        );
        const deviceIndex = [1, 2].find((d) => !used.has(d)) ?? 1;
        const attachmentId = `eni-attach-1${tag}${hex(++attachN, 13)}`;
        emitNow(() => b.attachNetworkInterfaceAs(eni.eniId, eni.node, deviceIndex, attachmentId));
        eni.attachedTo = eni.node;
        eni.attachmentId = attachmentId;
        eni.deviceIndex = deviceIndex;
      },
    },
    assign: {
      weight: 6,
      can: () => assignable().length > 0,
      run: () => {
        const eni = pick(assignable());
        const ips = Array.from({ length: int(1, Math.min(3, MAX_IPS - eni.ips.size)) }, nextIp);
        emitNow(() => b.assignPrivateIpAddresses(eni.eniId, ips));
        for (const ip of ips) eni.ips.add(ip);
      },
    },
    unassign: {
      weight: 4,
      can: () => unassignable().length > 0,
      run: () => {
        const eni = pick(unassignable());
        const secondaries = [...eni.ips].filter((ip) => ip !== eni.primaryIp);
        const ips = secondaries.slice(0, int(1, Math.min(2, secondaries.length)));
        emitNow(() => b.unassignPrivateIpAddresses(eni.eniId, ips));
        for (const ip of ips) eni.ips.delete(ip);
      },
    },
    detach: {
      weight: 2,
      can: () => secondaryAttached().length > 0,
      run: () => {
        const eni = pick(secondaryAttached());
        emitNow(() => b.detachNetworkInterface(eni.attachmentId as string));
        delete eni.attachedTo;
        delete eni.attachmentId;
        delete eni.deviceIndex;
        eni.detachedOnce = true;
      },
    },
    delete: {
      weight: 2,
      can: () => liveEnis().some((e) => !e.attachedTo),
      run: () => {
        const eni = pick(liveEnis().filter((e) => !e.attachedTo));
        emitNow(() => b.deleteNetworkInterface(eni.eniId));
        eni.deleted = true;
      },
    },
    terminate: {
      weight: 1,
      // ipamd deletes what it detached before the node goes: a detached ENI outliving its
      // node is a leak the sweep handles, not part of this model.
      can: () => running().some((n) => !liveEnis(n.instanceId).some((e) => e.detachedOnce)),
      run: () => {
        const node = pick(
          running().filter((n) => !liveEnis(n.instanceId).some((e) => e.detachedOnce)),
        );
        emitNow(() => b.instanceState(node.instanceId, 'shutting-down'));
        emitNow(() => b.instanceState(node.instanceId, 'terminated'));
        node.state = 'terminated';
        // DeleteOnTermination: the ENIs attached to it go with it.
        for (const e of liveEnis(node.instanceId)) if (e.attachedTo) e.deleted = true;
      },
    },
  };
  function attachable() {
    return liveEnis().filter(
      (e) =>
        !e.attachedTo &&
        nodes.get(e.node)?.state === 'running' &&
        liveEnis(e.node).filter((x) => x.attachedTo).length < MAX_ENIS,
    );
  }
  function assignable() {
    return liveEnis().filter(
      (e) => e.attachedTo && e.ips.size < MAX_IPS && nodes.get(e.node)?.state === 'running',
    );
  }
  function unassignable() {
    return liveEnis().filter(
      (e) => e.attachedTo && e.ips.size > 1 && nodes.get(e.node)?.state === 'running',
    );
  }

  while (events.length < minEvents) {
    const feasible = Object.values(actions).filter((a) => a.can());
    weighted(feasible, rnd).run();
  }
  return { events, nodes, enis };
}

/** Every event `min` to `max` times, in a random order. */
export function deliveries<T>(events: readonly T[], seed: number, min: number, max: number): T[] {
  const rnd = prng(seed ^ 0x5eed);
  const out: T[] = [];
  for (const e of events) {
    const times = min + Math.floor(rnd() * (max - min + 1));
    for (let i = 0; i < times; i++) out.push(structuredClone(e));
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * State-change notifications arrive in seconds, CloudTrail records minutes later. For about
 * half the nodes (chosen by `seed`), every copy of the RunInstances record is moved to a random
 * place after the last state-change notification of its instance: the node's states, its
 * termination too, are delivered before its type, VPC and cluster.
 */
export function notificationsFirst(delivered: readonly SampleEvent[], seed: number): SampleEvent[] {
  const rnd = prng(seed ^ 0x0dd5);
  const changes = new Map(delivered.map((e) => [e, parseEc2Event(e)]));
  const changeOf = (e: SampleEvent) => {
    const parsed = changes.get(e);
    return parsed?.ok ? parsed.value.change : undefined;
  };
  const launchedBy = (e: SampleEvent) => {
    const change = changeOf(e);
    return change?.type === 'instances-launched' ? change.instances.map((i) => i.instanceId) : [];
  };
  const stateOf = (e: SampleEvent) => {
    const change = changeOf(e);
    return change?.type === 'instance-state' ? change.instanceId : undefined;
  };
  const late = new Set<string>();
  for (const e of delivered) {
    for (const id of launchedBy(e)) if (!late.has(id) && rnd() < 0.5) late.add(id);
  }
  const moved = delivered.filter((e) => launchedBy(e).some((id) => late.has(id)));
  const out = delivered.filter((e) => !moved.includes(e));
  for (const e of moved) {
    const ids = new Set(launchedBy(e));
    const last = out.findLastIndex((x) => ids.has(stateOf(x) ?? ''));
    out.splice(last + 1 + Math.floor(rnd() * (out.length - last)), 0, e);
  }
  return out;
}

/**
 * The state each node should show after a delivery: that of the newest (by stamp) delivered
 * event naming its state (RunInstances or a state-change notification). A notification must
 * show at once, whether or not the node's RunInstances has arrived.
 */
export class DeliveredStates {
  readonly #newest = new Map<string, { stamp: EventStamp; state: InstanceState }>();

  /** Notes one delivered event; answers the nodes whose expected state it may have moved. */
  note(raw: SampleEvent): string[] {
    const parsed = parseEc2Event(raw);
    if (!parsed.ok) return [];
    const { stamp, change } = parsed.value;
    const states =
      change.type === 'instance-state'
        ? [{ id: change.instanceId, state: change.state }]
        : change.type === 'instances-launched'
          ? change.instances.map((i) => ({ id: i.instanceId, state: i.state }))
          : [];
    for (const { id, state } of states) {
      const was = this.#newest.get(id);
      if (!was || compareStamps(stamp, was.stamp) > 0) this.#newest.set(id, { stamp, state });
    }
    return states.map((s) => s.id);
  }

  stateOf(instanceId: string): InstanceState | undefined {
    return this.#newest.get(instanceId)?.state;
  }
}

/** EC2 as it answers after the workload: read-back sees the final state, as in production. */
export function finalStateEc2(w: CniWorkload): Ec2Reader {
  const empty = async function* <T>(): AsyncIterable<T> {};
  return {
    describeInstance: async (id) => {
      const n = w.nodes.get(id);
      if (!n) return undefined;
      const facts: InstanceFacts = {
        instanceId: id,
        instanceType: 't3.medium',
        vpcId: VPC,
        subnetId: SUBNET,
        availabilityZone: 'ap-northeast-2a',
        privateIp: n.privateIp,
        state: n.state,
        cluster: CLUSTER,
        tags: { 'eks:cluster-name': CLUSTER },
      };
      return facts;
    },
    describeNetworkInterface: async (id) => {
      const e = w.enis.get(id);
      if (!e || e.deleted) return undefined;
      const primary = e.deviceIndex === 0;
      const facts: EniFacts = {
        eniId: id,
        vpcId: VPC,
        subnetId: SUBNET,
        availabilityZone: 'ap-northeast-2a',
        description: primary ? '' : `aws-K8S-${e.node}`,
        interfaceType: 'interface',
        tags: primary
          ? {}
          : {
              'node.k8s.amazonaws.com/instance_id': e.node,
              'cluster.k8s.amazonaws.com/name': CLUSTER,
            },
        primaryIp: e.primaryIp,
        secondaryIps: [...e.ips].filter((ip) => ip !== e.primaryIp),
        prefixes: [],
        ...(e.attachedTo
          ? {
              attachment: {
                instanceId: e.attachedTo,
                ...(e.attachmentId ? { attachmentId: e.attachmentId } : {}),
                ...(e.deviceIndex !== undefined ? { deviceIndex: e.deviceIndex } : {}),
              },
            }
          : {}),
      };
      return facts;
    },
    describeSubnet: async (id) => {
      const subnet: SubnetFacts = {
        subnetId: id,
        vpcId: VPC,
        cidr: '192.168.0.0/16',
        reservations: [],
      };
      return id === SUBNET ? subnet : undefined;
    },
    listInstances: () => empty<InstanceFacts>(),
    listNetworkInterfaces: () => empty<EniFacts>(),
    listSubnets: () => empty<SubnetFacts>(),
  };
}

/** What a node looks like, from the model or from the ledger: comparable as plain data. */
export interface NodeShape {
  readonly state: string;
  /** Type, VPC and cluster: a node filed from its state alone must be completed. */
  readonly facts: string;
  readonly enis: readonly string[];
  readonly addresses: readonly string[];
}

export function modelNodes(w: CniWorkload): Map<string, NodeShape> {
  const out = new Map<string, NodeShape>();
  for (const n of w.nodes.values()) {
    const enis = [...w.enis.values()].filter((e) => e.node === n.instanceId && !e.deleted);
    out.set(n.instanceId, {
      state: n.state,
      facts: `t3.medium ${VPC} ${CLUSTER}`,
      enis: enis.map((e) => `${e.eniId}>${e.attachedTo ?? '-'}`).sort(),
      addresses: enis.flatMap((e) => [...e.ips].map((ip) => `${e.eniId}:${ip}`)).sort(),
    });
  }
  return out;
}

export async function ledgerNodes(
  ledger: NetworkLedger,
  ids: Iterable<string>,
): Promise<Map<string, NodeShape>> {
  const out = new Map<string, NodeShape>();
  for (const id of ids) {
    const view = await ledger.nodeView(id);
    const n = view.node;
    out.set(id, {
      state: n?.state ?? '(not filed)',
      facts: [n?.instanceType, n?.vpcId, n?.cluster].map((f) => f ?? '?').join(' '),
      enis: view.enis.map((e) => `${e.eniId}>${e.attachment?.instanceId ?? '-'}`).sort(),
      addresses: view.addresses.map((a) => `${a.eniId}:${a.address}`).sort(),
    });
  }
  return out;
}

/** One line per node that differs, naming what differs. */
export function differences(
  model: ReadonlyMap<string, NodeShape>,
  ledger: ReadonlyMap<string, NodeShape>,
): string[] {
  const out: string[] = [];
  for (const [id, want] of model) {
    const got = ledger.get(id);
    if (!got) {
      out.push(`${id}: not in the ledger`);
      continue;
    }
    if (got.state !== want.state) out.push(`${id}: state ${got.state}, model ${want.state}`);
    if (got.facts !== want.facts) out.push(`${id}: facts ${got.facts}, model ${want.facts}`);
    const diff = (what: string, a: readonly string[], b: readonly string[]) => {
      const extra = a.filter((x) => !b.includes(x));
      const missing = b.filter((x) => !a.includes(x));
      if (extra.length || missing.length) {
        out.push(`${id}: ${what} extra [${extra.join(' ')}] missing [${missing.join(' ')}]`);
      }
    };
    diff('ENIs', got.enis, want.enis);
    diff('addresses', got.addresses, want.addresses);
  }
  return out;
}
