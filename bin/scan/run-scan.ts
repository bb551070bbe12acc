import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { Route53Client } from '@aws-sdk/client-route-53';
import { DynamoInstanceTypeCache } from '#adapters/dynamodb/ledger-instance-types.ts';
import { Ec2InstanceTypeReader } from '#adapters/ec2/ec2-instance-types.ts';
import { SdkEc2Reader } from '#adapters/ec2/ec2-reader.ts';
import { createElbv2Reader, elbv2ClientConfig } from '#adapters/elbv2/elbv2-reader.ts';
import { Route53ZoneReader } from '#adapters/route53/route53-zone-reader.ts';
import { composeEc2, composeElb, dynamoLedger } from '#app/composition.ts';
import { sweepHandler } from '#app/sweep-handler.ts';
import { CachedInstanceTypeCatalog } from '#core/capacity/instance-type-catalog.ts';
import { TargetLedgerLoadBalancers } from '#core/dns/dns-load-balancers.ts';
import { DEFAULT_INSTANCE_TYPES, PrintingNotifier } from '#local/local-capacity.ts';
import { openLocalLedger } from '#local/local-ledger.ts';
import type { Output } from '#local/output.ts';
import {
  alertsSection,
  nodesSection,
  subnetsSection,
  targetsSection,
} from '#local/report-sections.ts';
import { loadConfig } from '#shared/config.ts';
import { PlanOnlyApplier, readOnlyElbv2 } from './read-only-ports.ts';

export interface ScanOptions {
  readonly profile?: string;
  readonly region?: string;
  readonly clusters: string;
  readonly vpcIds: string;
  readonly zone: string[];
}

/** The read-only sweep behind `netledger scan` (loaded only when scan runs: it needs every SDK client). */
export async function runScan(opts: ScanOptions, io: Output): Promise<void> {
  if (opts.profile) process.env.AWS_PROFILE = opts.profile;
  const zones = opts.zone.length > 0 ? opts.zone.join(',') : process.env.DNS_ZONES;
  const config = loadConfig({
    ...process.env,
    TABLE_NAME: 'local',
    CLUSTERS: opts.clusters,
    VPC_IDS: opts.vpcIds,
    // Remediation off and DNS as a dry run, whatever the environment says.
    DRIFT_REMEDIATE: 'false',
    DNS_DRY_RUN: 'true',
    DNS_ZONES: zones,
    DNS_OWNER_ID: process.env.DNS_OWNER_ID ?? 'netledger',
  });
  const region = opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const ec2Client = new EC2Client({ maxAttempts: 5, ...(region ? { region } : {}) });
  const missing = await missingAccess(ec2Client);
  if (missing) {
    ec2Client.destroy();
    io.err(`netledger scan: ${missing}`);
    process.exitCode = 1;
    return;
  }
  const resolvedRegion = await ec2Client.config.region();
  const elbv2Client = new ElasticLoadBalancingV2Client(
    elbv2ClientConfig({ region: resolvedRegion }),
  );
  const route53Client = new Route53Client({ region: 'us-east-1', maxAttempts: 1 });
  const ledger = await openLocalLedger({ reset: true });
  try {
    const print = new PrintingNotifier((line) => io.out(`would ${line}`));
    const ports = dynamoLedger(ledger.db, ledger.tableName);
    const now = () => new Date().toISOString();
    // The composition root with read-only adapters: nothing here can write to AWS.
    const adapters = {
      ledger: ports,
      ec2: new SdkEc2Reader(ec2Client),
      elbv2: readOnlyElbv2(createElbv2Reader(elbv2Client)),
      alerting: {
        notifier: print,
        catalog: new CachedInstanceTypeCatalog(
          new DynamoInstanceTypeCache(ledger.db, ledger.tableName),
          new Ec2InstanceTypeReader(ec2Client),
        ),
      },
      clock: now,
    };
    const settings = {
      scope: config.scope,
      capacity: config.capacity,
      targets: { ...config.targets, remediate: false },
    };
    const dnsSettings = config.dns;
    const dns = dnsSettings.enabled
      ? (at: string) => ({
          lbs: new TargetLedgerLoadBalancers(ports.targets),
          cache: ports.dnsRecords,
          applier: new PlanOnlyApplier(),
          reader: new Route53ZoneReader(route53Client),
          alerts: ports.alerts,
          notifier: print,
          config: {
            ownerId: dnsSettings.ownerId,
            zones: dnsSettings.zones,
            policy: dnsSettings.policy,
            txtPrefix: dnsSettings.txtPrefix,
            statics: dnsSettings.statics,
            dryRun: true,
            alertPolicy: config.capacity.alertPolicy,
          },
          log: () => undefined,
          now: at,
        })
      : undefined;
    const sweep = sweepHandler({
      network: composeEc2(settings, adapters),
      elb: composeElb(settings, adapters),
      ...(dns ? { dns } : {}),
    });
    io.out(
      `netledger scan: ${resolvedRegion}, clusters ${opts.clusters}, VPCs ${opts.vpcIds} (read-only)`,
    );
    let failed: string | undefined;
    try {
      await sweep({}, scanContext());
    } catch (error) {
      failed = (error as Error).message;
    }
    for (const [name, section] of [
      ['nodes', nodesSection],
      ['subnets', subnetsSection],
      ['targets', targetsSection],
      ['alerts', alertsSection],
    ] as const) {
      io.out(
        `${name}\n${(await section(ledger, { instanceTypes: DEFAULT_INSTANCE_TYPES })).text}\n`,
      );
    }
    if (failed) {
      io.err(`netledger scan: ${failed}`);
      process.exitCode = 1;
    }
  } finally {
    await ledger.close();
    for (const c of [ec2Client, elbv2Client, route53Client]) c.destroy();
  }
}

/** One line saying what is missing, or undefined when a region and credentials resolve. */
async function missingAccess(client: EC2Client): Promise<string | undefined> {
  try {
    await client.config.region();
  } catch {
    return 'no AWS region: pass --region or set AWS_REGION (or a region in the profile)';
  }
  try {
    await client.config.credentials();
  } catch {
    return 'no AWS credentials: pass --profile, set AWS_PROFILE, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
  }
  return undefined;
}

function scanContext() {
  return {
    functionName: 'netledger-scan',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:netledger-scan',
    memoryLimitInMB: '512',
    awsRequestId: 'scan',
    logGroupName: '/aws/lambda/netledger-scan',
    logStreamName: 'scan',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 300_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
