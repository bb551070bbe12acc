import { MemoryAlertStore } from '#adapters/memory/memory-alert-store.ts';
import { MemoryElbv2 } from '#adapters/memory/memory-elbv2.ts';
import { MemoryEventLog } from '#adapters/memory/memory-event-log.ts';
import { MemoryNetworkLedger } from '#adapters/memory/memory-network-ledger.ts';
import { MemoryNotifier } from '#adapters/memory/memory-notifier.ts';
import { MemoryTargetLedger } from '#adapters/memory/memory-target-ledger.ts';
import type { EventStamp } from '#core/events/event-envelope.ts';
import type { AddressFacts, EniFacts } from '#core/network/network.ts';
import { applyElbEvent } from '#core/targets/apply-elb-event.ts';
import { DEREGISTRATION_DELAY_ATTRIBUTE } from '#core/targets/deregistration-delay.ts';
import type {
  ElbChange,
  ElbChangeMeta,
  LoadBalancerCreated,
  TargetGroupCreated,
} from '#core/targets/elb-event.ts';
import type { TargetReviewDeps } from '#core/targets/review-targets.ts';
import {
  LBC_TAGS,
  type LoadBalancer,
  type TargetGroup,
  type TargetHealthDescription,
} from '#core/targets/target-group.ts';

/**
 * Data for the target use-case tests: one VPC and cluster, a load balancer and an IP target
 * group of the AWS Load Balancer Controller, ELB changes at minute `m`, and the memory
 * adapters (both ledgers sharing one event log, as they share one table) to run them on.
 */
export const VPC = 'vpc-1';
export const CLUSTER = 'c1';
export const NODE = 'i-0000000000000000a';
export const NODE_B = 'i-0000000000000000b';
export const LB = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/web/1';
export const TG = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/1';
export const DELAY = DEREGISTRATION_DELAY_ATTRIBUTE;
export const LBC = { [LBC_TAGS.cluster]: CLUSTER, [LBC_TAGS.serviceStack]: 'default/web' };

export const time = (m: number) => `2026-11-21T10:${String(m).padStart(2, '0')}:00Z`;
export const at = (m: number, id = `ev-${m}`): EventStamp => ({ eventTime: time(m), eventId: id });

export function meta(m: number, id = `ev-${m}`): ElbChangeMeta {
  return {
    eventId: id,
    eventTime: time(m),
    region: 'us-east-1',
    account: '111122223333',
    actor: { type: 'AssumedRole', via: 'api', label: 'alice (AssumedRole, api)' },
  };
}

export function lbCreated(m: number, extra: Partial<LoadBalancerCreated> = {}): ElbChange {
  return {
    ...meta(m),
    kind: 'load-balancer-created',
    arn: LB,
    name: 'web',
    type: 'network',
    dnsName: 'web-1.elb.amazonaws.com',
    canonicalHostedZoneId: 'ZELB',
    vpcId: VPC,
    scheme: 'internet-facing',
    createdAt: time(m),
    availabilityZones: [],
    tags: LBC,
    ...extra,
  };
}

export function tgCreated(m: number, extra: Partial<TargetGroupCreated> = {}): ElbChange {
  return {
    ...meta(m),
    kind: 'target-group-created',
    arn: TG,
    name: 'web',
    targetType: 'ip',
    protocol: 'TCP',
    port: 80,
    vpcId: VPC,
    tags: LBC,
    ...extra,
  };
}

/** A Lambda target group of the cluster: no protocol, port or VPC. */
export const lambdaTgCreated = (m: number): ElbChange => ({
  ...meta(m),
  kind: 'target-group-created',
  arn: TG,
  name: 'fn',
  targetType: 'lambda',
  tags: { [LBC_TAGS.cluster]: CLUSTER },
});

export const registered = (m: number, ...ips: string[]): ElbChange => ({
  ...meta(m),
  kind: 'targets-registered',
  tgArn: TG,
  targets: ips.map((ip) => ({ type: 'ip', ip, port: 80 })),
});

export const deregistered = (m: number, ...ips: string[]): ElbChange => ({
  ...meta(m),
  kind: 'targets-deregistered',
  tgArn: TG,
  targets: ips.map((ip) => ({ type: 'ip', ip, port: 80 })),
});

export const delaySet = (m: number, seconds: number): ElbChange => ({
  ...meta(m),
  kind: 'target-group-attributes-modified',
  arn: TG,
  attributes: { [DELAY]: String(seconds) },
});

export const tgDeleted = (m: number, arn = TG): ElbChange => ({
  ...meta(m),
  kind: 'target-group-deleted',
  arn,
});

export const lbDeleted = (m: number, arn = LB): ElbChange => ({
  ...meta(m),
  kind: 'load-balancer-deleted',
  arn,
});

export const tagsAdded = (m: number, arns: string[], tags: Record<string, string>): ElbChange => ({
  ...meta(m),
  kind: 'tags-added',
  arns,
  tags,
});

export const tagsRemoved = (m: number, arns: string[], keys: string[]): ElbChange => ({
  ...meta(m),
  kind: 'tags-removed',
  arns,
  keys,
});

/** The target group as ELBv2 describes it. */
export const TG_FACTS: TargetGroup = {
  arn: TG,
  name: 'web',
  targetType: 'ip',
  protocol: 'TCP',
  port: 80,
  vpcId: VPC,
  loadBalancerArns: [LB],
};

export const LB_FACTS: LoadBalancer = {
  arn: LB,
  name: 'web',
  type: 'network',
  scheme: 'internet-facing',
  dnsName: 'web-1.elb.amazonaws.com',
  canonicalHostedZoneId: 'ZELB',
  vpcId: VPC,
  availabilityZones: [],
};

export function targetWorld(options: { remediate?: boolean; defaultDelay?: number } = {}) {
  const events = new MemoryEventLog();
  const targets = new MemoryTargetLedger(events);
  const network = new MemoryNetworkLedger(events);
  const elbv2 = new MemoryElbv2();
  const alerts = new MemoryAlertStore();
  const notifier = new MemoryNotifier();
  const deps: TargetReviewDeps = {
    targets,
    network,
    elbv2,
    scope: { clusters: [CLUSTER], vpcIds: [VPC] },
    settings: {
      delayPolicy: { default: options.defaultDelay ?? 60, perCluster: {}, perStack: {} },
      remediate: options.remediate ?? false,
    },
    alerting: { alerts, notifier, policy: { remindAfterSeconds: 3600 } },
  };
  /** Puts pod IPs on a node's ENI in the IP ledger, as the EC2 events would. */
  const holdIps = async (node: string, eniId: string, ips: string[], m: number) => {
    const eni: EniFacts = {
      eniId,
      vpcId: VPC,
      subnetId: 'subnet-a',
      description: `aws-K8S-${node}`,
      tags: {},
      attachment: { instanceId: node, deviceIndex: 1 },
      secondaryIps: [],
      prefixes: [],
    };
    const addresses: AddressFacts[] = ips.map((address) => ({
      address,
      kind: 'secondary',
      consumer: 'vpc-cni',
    }));
    await network.putEni({ facts: eni, kind: 'vpc-cni', instanceId: node, addresses }, at(m));
  };
  return { events, targets, network, elbv2, alerts, notifier, deps, holdIps };
}

/** Applies changes in order, each at its own event time, as the elb-activity function would. */
export async function applyAll(
  w: ReturnType<typeof targetWorld>,
  changes: readonly ElbChange[],
): Promise<void> {
  for (const change of changes) await applyElbEvent(change, w.deps, change.eventTime);
}

/** An IP target on port 80 as DescribeTargetHealth reports it. */
export const healthy = (ip: string, state: TargetHealthDescription['state'] = 'healthy') => ({
  target: { type: 'ip' as const, ip, port: 80 },
  state,
});

/** ELBv2 holds the load balancer and target group with the controller's tags and a 60 s delay. */
export function awsHas(w: ReturnType<typeof targetWorld>, targets: TargetHealthDescription[] = []) {
  w.elbv2.loadBalancers.set(LB, LB_FACTS);
  w.elbv2.targetGroups.set(TG, TG_FACTS);
  w.elbv2.tags.set(LB, LBC);
  w.elbv2.tags.set(TG, LBC);
  w.elbv2.attributes.set(TG, { [DELAY]: '60' });
  w.elbv2.health.set(TG, targets);
}

/** The ledger as complete events would have left it (the same as awsHas, as of minutes 1-3). */
export async function ledgerHas(w: ReturnType<typeof targetWorld>, ips: string[] = []) {
  await w.targets.putLoadBalancer(LB_FACTS, at(1));
  await w.targets.setTags('load-balancer', LB, LBC, at(1));
  await w.targets.putTargetGroup(TG_FACTS, at(1));
  await w.targets.setTags('target-group', TG, LBC, at(1));
  await w.targets.setAttributes(TG, { [DELAY]: '60' }, at(2));
  await w.targets.registerTargets(
    TG,
    ips.map((ip) => ({ id: ip, port: 80, kind: 'ip' as const, vpcId: VPC })),
    at(3),
  );
}

export const TG_B = TG.replace('/web/1', '/api/2');

/** ELBv2 holds one load balancer with two target groups of one target each; the ledger nothing. */
export function twoTargetGroupsInAws() {
  const w = targetWorld();
  w.elbv2.loadBalancers.set(LB, LB_FACTS);
  w.elbv2.tags.set(LB, LBC);
  for (const [arn, name] of [
    [TG, 'web'],
    [TG_B, 'api'],
  ] as const) {
    w.elbv2.targetGroups.set(arn, { ...TG_FACTS, arn, name });
    w.elbv2.tags.set(arn, LBC);
    w.elbv2.attributes.set(arn, { [DELAY]: '60' });
    w.elbv2.health.set(arn, [
      { target: { type: 'ip', ip: '10.0.0.20', port: 80 }, state: 'healthy' },
    ]);
  }
  return w;
}
