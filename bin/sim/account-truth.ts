import {
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import {
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ListResourceRecordSetsCommand, type Route53Client } from '@aws-sdk/client-route-53';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDnsRecordCache } from '#adapters/dynamodb/ledger-dns.ts';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { DynamoTargetLedger } from '#adapters/dynamodb/ledger-targets.ts';
import { normalizeDnsName } from '#core/dns/dns-zone.ts';

/** One comparable view of the network, targets and records: from the account or the ledger. */
export interface AccountView {
  /** Instance ids of the nodes that are not terminated. */
  readonly nodes: string[];
  /** `eni-id attached-instance-or-dash`. */
  readonly enis: string[];
  /** `eni-id address`, the primary and every secondary address. */
  readonly addresses: string[];
  /** `target-group-arn ip:port`. */
  readonly targets: string[];
  /** `name type` of the records in the zone (NS and SOA aside). */
  readonly records: string[];
}

export interface TruthComparison {
  readonly matches: boolean;
  readonly account: AccountView;
  /** `- ledger only ...` / `+ account only ...` lines. */
  readonly diff: string[];
}

/** What moto says the account holds, read with the same Describe/List calls as the sweep. */
export async function accountView(
  clients: { ec2: EC2Client; elbv2: ElasticLoadBalancingV2Client; route53: Route53Client },
  vpcId: string,
  zoneId?: string,
): Promise<AccountView> {
  const vpc = [{ Name: 'vpc-id', Values: [vpcId] }];
  const reservations = (await clients.ec2.send(new DescribeInstancesCommand({ Filters: vpc })))
    .Reservations;
  const nodes = (reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .filter((i) => !['terminated', 'shutting-down'].includes(i.State?.Name ?? ''))
    .map((i) => i.InstanceId ?? '');
  const interfaces =
    (await clients.ec2.send(new DescribeNetworkInterfacesCommand({ Filters: vpc })))
      .NetworkInterfaces ?? [];
  const enis = interfaces.map((e) => `${e.NetworkInterfaceId} ${e.Attachment?.InstanceId ?? '-'}`);
  const addresses = interfaces.flatMap((e) =>
    (e.PrivateIpAddresses ?? []).map((a) => `${e.NetworkInterfaceId} ${a.PrivateIpAddress}`),
  );
  const groups = (await clients.elbv2.send(new DescribeTargetGroupsCommand({}))).TargetGroups ?? [];
  const targets: string[] = [];
  for (const tg of groups) {
    const health = await clients.elbv2.send(
      new DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn }),
    );
    for (const d of health.TargetHealthDescriptions ?? []) {
      targets.push(`${tg.TargetGroupArn} ${d.Target?.Id}:${d.Target?.Port}`);
    }
  }
  const records: string[] = [];
  if (zoneId) {
    const sets = await clients.route53.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }),
    );
    for (const r of sets.ResourceRecordSets ?? []) {
      if (r.Type !== 'NS' && r.Type !== 'SOA') records.push(recordLine(r.Name, r.Type));
    }
  }
  return sorted({ nodes, enis, addresses, targets, records });
}

/** The same view from the ledger: nodes, live ENIs and their addresses, registered targets, cached records. */
export async function ledgerView(
  db: DynamoDBDocumentClient,
  tableName: string,
  zoneId?: string,
): Promise<AccountView> {
  const network = new DynamoNetworkLedger(db, tableName);
  const nodes = (await network.listNodes())
    .filter((n) => !['terminated', 'shutting-down'].includes(n.state ?? ''))
    .map((n) => n.instanceId);
  const enis: string[] = [];
  const addresses: string[] = [];
  for (const subnet of await network.listSubnets()) {
    const view = await network.subnetView(subnet.subnetId);
    for (const e of view.enis) {
      if (!e.deleted) enis.push(`${e.eniId} ${e.attachment?.instanceId || '-'}`);
    }
    for (const a of view.addresses) addresses.push(`${a.eniId} ${a.address}`);
  }
  const targetLedger = new DynamoTargetLedger(db, tableName);
  const targets: string[] = [];
  for (const tg of await targetLedger.listTargetGroups()) {
    for (const t of await targetLedger.targetsOf(tg.arn)) {
      targets.push(`${tg.arn} ${t.id}:${t.port}`);
    }
  }
  const records: string[] = [];
  if (zoneId) {
    const cached = await new DynamoDnsRecordCache(db, tableName).readZone(zoneId);
    for (const r of cached.recordSets) {
      if (r.Type !== 'NS' && r.Type !== 'SOA') records.push(recordLine(r.Name, r.Type));
    }
  }
  return sorted({ nodes, enis, addresses, targets, records });
}

/**
 * A record as `name type`, the name as DNS compares it (no final dot, lower case): Route53
 * lists `tetris.example.internal.`, while the ledger caches a record it wrote itself under the
 * name its plan used, until the next full read of the zone replaces it.
 */
function recordLine(name: string | undefined, type: string | undefined): string {
  return `${normalizeDnsName(name ?? '')} ${type}`;
}

export function compareViews(ledger: AccountView, account: AccountView): TruthComparison {
  const diff: string[] = [];
  for (const key of ['nodes', 'enis', 'addresses', 'targets', 'records'] as const) {
    const mine = new Set(ledger[key]);
    const theirs = new Set(account[key]);
    for (const x of mine) if (!theirs.has(x)) diff.push(`- ${key}: ledger only: ${x}`);
    for (const x of theirs) if (!mine.has(x)) diff.push(`+ ${key}: account only: ${x}`);
  }
  return { matches: diff.length === 0, account, diff };
}

export function truthLine(view: AccountView): string {
  return `${view.nodes.length} nodes, ${view.enis.length} ENIs, ${view.addresses.length} addresses, ${view.targets.length} targets, ${view.records.length} records`;
}

function sorted(view: AccountView): AccountView {
  return {
    nodes: [...view.nodes].sort(),
    enis: [...view.enis].sort(),
    addresses: [...view.addresses].sort(),
    targets: [...view.targets].sort(),
    records: [...view.records].sort(),
  };
}
