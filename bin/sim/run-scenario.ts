import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { EventBridgeClient, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateHostedZoneCommand,
  ListHostedZonesCommand,
  Route53Client,
  type VPCRegion,
} from '@aws-sdk/client-route-53';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AlertNotification } from '#core/alerts/alert-lifecycle.ts';
import { motoClientConfig, seedMoto } from '#local/moto-server.ts';
import {
  type AccountView,
  accountView,
  compareViews,
  ledgerView,
  type TruthComparison,
} from './account-truth.ts';
import { SimCluster } from './cluster.ts';
import { EventDelivery } from './delivery.ts';
import { EventBus } from './event-bus.ts';
import { reseedBeforeEachMutation } from './moto-ids.ts';
import type { Scenario } from './scenario.ts';
import { SeededRandom } from './seeded-random.ts';
import { SimClock } from './sim-clock.ts';
import type { SimContext } from './sim-context.ts';
import { simHandlers } from './sim-handlers.ts';
import { SubnetPool } from './subnet-pool.ts';

export interface RunOptions {
  readonly scenario: Scenario;
  /** moto's endpoint; the account is wiped and seeded first. */
  readonly endpoint: string;
  readonly resetAccount: () => Promise<void>;
  readonly ledger: { readonly db: DynamoDBDocumentClient; readonly tableName: string };
  readonly chaos: { readonly enabled: boolean; readonly seed: number };
  /** Overrides the node count of the first launch-nodes step. */
  readonly nodes?: number | undefined;
  readonly out: (line: string) => void;
  /** One line per delivered event, too. */
  readonly verbose?: boolean;
}

export interface RunResult {
  readonly truth: TruthComparison;
  readonly ledger: AccountView;
  /** Every alert notification, in the order the handlers published them. */
  readonly alerts: readonly AlertNotification[];
  /** What the alert topic delivered to its subscribed queue. */
  readonly published: ReadonlyArray<Record<string, unknown>>;
  readonly counts: Readonly<Record<string, number>>;
  readonly failures: readonly string[];
  readonly vpcId: string;
  readonly zoneId?: string | undefined;
}

/**
 * Fixed, so the same scenario makes the same account (ids, ARNs, records) on every run,
 * whatever the chaos seed: the n-th mutating actor call runs on moto seeded ACCOUNT_SEED + n.
 */
const ACCOUNT_SEED = 42;

/**
 * Plays a scenario against moto: builds the account (VPC, subnets, zone, rules, queues,
 * topic), runs each step's actors, delivers their events through EventBridge and SQS to the
 * real handlers, then runs one sweep and compares the ledger with the account.
 */
export async function runScenario(o: RunOptions): Promise<RunResult> {
  const s = o.scenario;
  await o.resetAccount();
  const config = motoClientConfig(o.endpoint, s.region);
  const ec2 = new EC2Client({ ...config, maxAttempts: 5 });
  const elbv2 = new ElasticLoadBalancingV2Client({ ...config, maxAttempts: 5 });
  const route53 = new Route53Client({
    ...motoClientConfig(o.endpoint, 'us-east-1'),
    maxAttempts: 5,
  });
  const events = new EventBridgeClient({ ...config, maxAttempts: 5 });
  const sqs = new SQSClient({ ...config, maxAttempts: 5 });
  const sns = new SNSClient({ ...config, maxAttempts: 5 });
  let handlers: ReturnType<typeof simHandlers> | undefined;
  try {
    await startFromTheSameDraws(o.endpoint, { ec2, elbv2, route53, events, sqs, sns });
    reseedBeforeEachMutation([ec2, elbv2, route53], (n) => seedMoto(o.endpoint, ACCOUNT_SEED + n));
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: s.vpcCidr }))).Vpc?.VpcId;
    if (!vpcId) throw new Error('moto created no VPC');
    const pools = new Map<string, SubnetPool>();
    for (const subnet of s.subnets) {
      const id = (
        await ec2.send(
          new CreateSubnetCommand({
            VpcId: vpcId,
            CidrBlock: subnet.cidr,
            AvailabilityZone: subnet.az,
          }),
        )
      ).Subnet?.SubnetId;
      if (!id) throw new Error('moto created no subnet');
      pools.set(subnet.name, new SubnetPool(subnet.name, id, subnet.az, subnet.cidr));
    }
    const sg = (
      await ec2.send(
        new CreateSecurityGroupCommand({
          GroupName: `eks-cluster-sg-${s.cluster}`,
          Description: `EKS created security group for ${s.cluster}`,
          VpcId: vpcId,
        }),
      )
    ).GroupId;
    if (!sg) throw new Error('moto created no security group');
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: sg,
        IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: s.vpcCidr }] }],
      }),
    );
    let zone: { id: string; name: string } | undefined;
    if (s.zone) {
      const created = await route53.send(
        new CreateHostedZoneCommand({
          Name: s.zone,
          CallerReference: `netledger-${s.name}`,
          VPC: { VPCId: vpcId, VPCRegion: s.region as VPCRegion },
          HostedZoneConfig: { PrivateZone: true, Comment: 'netledger simulation' },
        }),
      );
      const id = created.HostedZone?.Id?.replace('/hostedzone/', '');
      if (!id) throw new Error('moto created no hosted zone');
      zone = { id, name: s.zone };
    }
    const bus = await EventBus.create({ events, sqs, sns });

    const clock = new SimClock(s.start);
    let handlerNow = clock.now();
    const alerts: AlertNotification[] = [];
    const say = (line: string) => o.out(`[${clock.short()}] ${line}`);
    handlers = simHandlers({
      db: o.ledger.db,
      tableName: o.ledger.tableName,
      endpoint: o.endpoint,
      region: s.region,
      cluster: s.cluster,
      vpcId,
      topicArn: bus.topicArn,
      zone,
      env: s.env,
      clock: () => new Date(handlerNow),
      onAlert: (n) => {
        alerts.push(n);
        o.out(
          `           alert ${n.type.padEnd(8)} ${n.kind} ${n.subject} [${n.severity}] ${n.summary}`,
        );
      },
    });
    const delivery = new EventDelivery(
      bus,
      handlers.rules,
      o.chaos,
      (iso) => {
        handlerNow = iso;
      },
      o.verbose ? (line) => o.out(`           ${line}`) : undefined,
      (line) => o.out(`           ${line}`),
    );
    const ctx: SimContext = {
      ec2,
      elbv2,
      region: s.region,
      cluster: s.cluster,
      vpcId,
      securityGroupId: sg,
      clock,
      ids: new SeededRandom(ACCOUNT_SEED),
      emit: (e) => delivery.emit(e),
      say,
    };
    const spent = { actors: 0, delivery: 0, sweep: 0 };
    const timed = async (part: keyof typeof spent, run: () => Promise<unknown>) => {
      const t0 = performance.now();
      await run();
      spent[part] += performance.now() - t0;
    };
    const sweep = async () => {
      await delivery.flush();
      handlerNow = clock.now();
      await timed('sweep', () => handlers?.sweep() ?? Promise.resolve());
    };
    const cluster = new SimCluster(ctx, s, pools, sweep);
    let first = true;
    for (const step of s.steps) {
      const played =
        first && step.do === 'launch-nodes' && o.nodes !== undefined
          ? { ...step, count: o.nodes }
          : step;
      if (step.do === 'launch-nodes') first = false;
      await timed('actors', () => cluster.play(played));
      await timed('delivery', () => delivery.endStep());
      clock.tick(30);
    }
    clock.tick(60);
    say('the scheduled sweep re-reads the account and repairs the ledger');
    await sweep();
    if (o.verbose) {
      o.out(
        `           time spent: actors ${secs(spent.actors)}, delivery ${secs(spent.delivery)}, sweep ${secs(spent.sweep)}`,
      );
    }
    const published = await bus.receivedAlerts();
    const account = await accountView({ ec2, elbv2, route53 }, vpcId, zone?.id);
    const ledger = await ledgerView(o.ledger.db, o.ledger.tableName, zone?.id);
    return {
      truth: compareViews(ledger, account),
      ledger,
      alerts,
      published,
      counts: delivery.counts,
      failures: delivery.failures,
      vpcId,
      zoneId: zone?.id,
    };
  } finally {
    handlers?.destroy();
    for (const c of [ec2, elbv2, route53, events, sqs, sns]) c.destroy();
  }
}

/**
 * moto makes a region's backends on their first call after a reset, and making them draws
 * from its random generator (the default VPC's ids, for one): on a fresh server that happens
 * after the reset's seed, on one reused since before it. One read per service first, then the
 * seed, so a run starts from the same draws either way (see moto-ids.ts).
 */
async function startFromTheSameDraws(
  endpoint: string,
  c: {
    ec2: EC2Client;
    elbv2: ElasticLoadBalancingV2Client;
    route53: Route53Client;
    events: EventBridgeClient;
    sqs: SQSClient;
    sns: SNSClient;
  },
): Promise<void> {
  await c.ec2.send(new DescribeVpcsCommand({}));
  await c.elbv2.send(new DescribeLoadBalancersCommand({}));
  await c.route53.send(new ListHostedZonesCommand({}));
  await c.events.send(new ListRulesCommand({}));
  await c.sqs.send(new ListQueuesCommand({}));
  await c.sns.send(new ListTopicsCommand({}));
  await seedMoto(endpoint, ACCOUNT_SEED);
}

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
