import { unavailableElbv2 } from '#adapters/elbv2/elbv2-unavailable.ts';
import type { Elbv2Port } from '#core/targets/elbv2-port.ts';
import type { TargetLedger } from '#core/targets/target-ports.ts';
import { prng, weighted } from '#test/helpers/cni-workload.ts';
import { type SampleEvent, sample } from '#test/helpers/samples.ts';

/**
 * A small model of the AWS Load Balancer Controller in IP mode, for property tests: target
 * groups are created (with the controller's tags), pod IPs registered and deregistered, the
 * deregistration delay changed, groups deleted. It emits real-shaped CloudTrail events made
 * from the samples in events/samples/elb, in order, and keeps the final state.
 */

const DELAY = 'deregistration_delay.timeout_seconds';
const VPC = 'vpc-0a1b2c3d4e5f60718';
const PORT = 8080;

export interface ModelTargetGroup {
  readonly arn: string;
  readonly name: string;
  readonly registered: Set<string>;
  delay?: string;
  deleted: boolean;
}

export interface LbWorkload {
  readonly events: SampleEvent[];
  readonly groups: ReadonlyMap<string, ModelTargetGroup>;
  /** After the last event: the clock of the run, and the stamp of any read-back. */
  readonly end: string;
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

export function lbWorkload(seed: number, minEvents: number): LbWorkload {
  const rnd = prng(seed ^ 0x1b);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const events: SampleEvent[] = [];
  const groups = new Map<string, ModelTargetGroup>();
  const tag = hex(seed % 0xfff, 3);
  let ms = Date.parse('2026-11-21T10:00:00Z');
  let seq = 0;
  let tgN = 0;

  const event = (file: string): SampleEvent => {
    const e = sample(`elb/${file}`);
    ms += 1000;
    seq++;
    const time = new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    e.id = `${hex(seq, 8)}-${tag}0-4f6a-b1c2-${hex(seed, 12)}`;
    e.time = time;
    e.detail.eventTime = time;
    e.detail.eventID = `${hex(seq, 8)}-${tag}1-4c1a-9a6b-${hex(seed, 12)}`;
    events.push(e);
    return e;
  };
  const live = () => [...groups.values()].filter((g) => !g.deleted);
  // One of POD_IPS.
  const podIp = () => `192.168.${int(1, 3)}.${int(10, 40)}`;

  const actions = [
    {
      weight: 2,
      can: () => live().length < 3,
      run: () => {
        tgN++;
        const name = `k8s-default-svc${tgN}-${tag}${hex(seed % 0xffff, 4)}`.slice(0, 32);
        const arn = `arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:targetgroup/${name}/${tag}${hex(tgN, 13)}`;
        const e = event('create-target-group.json');
        e.detail.requestParameters.name = name;
        e.detail.requestParameters.tags = [
          { key: 'elbv2.k8s.aws/cluster', value: 'myeks' },
          { key: 'service.k8s.aws/stack', value: `default/svc${tgN}` },
        ];
        Object.assign(e.detail.responseElements.targetGroups[0], {
          targetGroupArn: arn,
          targetGroupName: name,
          loadBalancerArns: [],
        });
        groups.set(arn, { arn, name, registered: new Set(), deleted: false });
      },
    },
    {
      weight: 6,
      can: () => live().length > 0,
      run: () => {
        const g = pick(live());
        const ips = [...new Set(Array.from({ length: int(1, 3) }, podIp))];
        const e = event('register-targets.json');
        e.detail.requestParameters = {
          targetGroupArn: g.arn,
          targets: ips.map((id) => ({ id, port: PORT })),
        };
        for (const ip of ips) g.registered.add(ip);
      },
    },
    {
      weight: 4,
      can: () => live().some((g) => g.registered.size > 0),
      run: () => {
        const g = pick(live().filter((x) => x.registered.size > 0));
        const ips = [...g.registered].slice(0, int(1, 2));
        const e = event('deregister-targets.json');
        e.detail.requestParameters = {
          targetGroupArn: g.arn,
          targets: ips.map((id) => ({ id, port: PORT })),
        };
        for (const ip of ips) g.registered.delete(ip);
      },
    },
    {
      weight: 2,
      can: () => live().length > 0,
      run: () => {
        const g = pick(live());
        const value = pick(['0', '30', '60', '120', '300']);
        const e = event('modify-target-group-attributes.json');
        e.detail.requestParameters = { targetGroupArn: g.arn, attributes: [{ key: DELAY, value }] };
        e.detail.responseElements = { attributes: [{ key: DELAY, value }] };
        g.delay = value;
      },
    },
    {
      weight: 1,
      can: () => live().length > 1,
      run: () => {
        const g = pick(live());
        const e = event('delete-target-group.json');
        e.detail.requestParameters = { targetGroupArn: g.arn };
        g.deleted = true;
        g.registered.clear();
      },
    },
  ];
  while (events.length < minEvents) {
    const feasible = actions.filter((a) => a.can());
    weighted(feasible, rnd).run();
  }
  return { events, groups, end: new Date(ms + 60_000).toISOString() };
}

/** ELBv2 as it answers after the workload: read-back sees the final state. */
export function finalStateElbv2(w: LbWorkload): Elbv2Port {
  return {
    ...unavailableElbv2,
    describeTargetGroup: async (arn) => {
      const g = w.groups.get(arn);
      if (!g || g.deleted) return undefined;
      return {
        arn,
        name: g.name,
        targetType: 'ip',
        protocol: 'TCP',
        port: PORT,
        vpcId: VPC,
        loadBalancerArns: [],
      };
    },
    describeTargetGroupAttributes: async (arn) => {
      const g = w.groups.get(arn);
      if (!g || g.deleted) return undefined;
      const attributes: Record<string, string> = {};
      if (g.delay !== undefined) attributes[DELAY] = g.delay;
      return attributes;
    },
  };
}

export interface GroupShape {
  readonly deleted: boolean;
  readonly registered: readonly string[];
  readonly delay: string | undefined;
}

export function modelGroups(w: LbWorkload): Map<string, GroupShape> {
  return new Map(
    [...w.groups.values()].map((g) => [
      g.arn,
      {
        deleted: g.deleted,
        registered: [...g.registered].map((ip) => `${ip}:${PORT}`).sort(),
        // A deleted group's attributes no longer matter.
        delay: g.deleted ? undefined : g.delay,
      },
    ]),
  );
}

export async function ledgerGroups(
  ledger: TargetLedger,
  arns: Iterable<string>,
): Promise<Map<string, GroupShape>> {
  const out = new Map<string, GroupShape>();
  for (const arn of arns) {
    const tg = await ledger.getTargetGroup(arn);
    const targets = await ledger.targetsOf(arn);
    const deleted = tg?.deleted ?? false;
    const delay = tg?.attributes[DELAY];
    out.set(arn, {
      deleted,
      registered: targets.map((t) => `${t.id}:${t.port}`).sort(),
      delay: deleted || delay === '' ? undefined : delay,
    });
  }
  return out;
}

/** Every IP the workload's pods take (see `podIp`). */
const POD_IPS = [1, 2, 3].flatMap((c) =>
  Array.from({ length: 31 }, (_, i) => `192.168.${c}.${10 + i}`),
);

/**
 * Registered targets the model has and the ledger does not find by IP (`targetsByIps`, asked
 * for every pod IP at once), and ones it finds that the model has not.
 */
export async function atIpDifferences(
  model: ReadonlyMap<string, GroupShape>,
  ledger: TargetLedger,
): Promise<string[]> {
  const want = [...model].flatMap(([arn, g]) => g.registered.map((t) => `${arn} ${t}`)).sort();
  const found = (await ledger.targetsByIps(VPC, POD_IPS)).map(
    (t) => `${t.tgArn} ${t.id}:${t.port}`,
  );
  return [
    ...want.filter((t) => !found.includes(t)).map((t) => `not found by IP: ${t}`),
    ...found.filter((t) => !want.includes(t)).map((t) => `found by IP, not registered: ${t}`),
  ];
}

export function groupDifferences(
  model: ReadonlyMap<string, GroupShape>,
  ledger: ReadonlyMap<string, GroupShape>,
): string[] {
  const out: string[] = [];
  for (const [arn, want] of model) {
    const got = ledger.get(arn);
    const short = arn.slice(arn.indexOf('targetgroup/'));
    if (got?.deleted !== want.deleted)
      out.push(`${short}: deleted ${got?.deleted}, model ${want.deleted}`);
    if (got?.delay !== want.delay) out.push(`${short}: delay ${got?.delay}, model ${want.delay}`);
    const extra = got?.registered.filter((t) => !want.registered.includes(t)) ?? [];
    const missing = want.registered.filter((t) => !got?.registered.includes(t));
    if (extra.length || missing.length) {
      out.push(`${short}: targets extra [${extra.join(' ')}] missing [${missing.join(' ')}]`);
    }
  }
  return out;
}
