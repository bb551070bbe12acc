import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AssignPrivateIpAddressesCommand,
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openLocalLedger } from '#local/local-ledger.ts';
import { type MotoServer, motoClientConfig, startMoto } from '#local/moto-server.ts';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';
import { requireMoto } from '#test/helpers/moto.ts';
import { type RecordingProxy, recordingProxy } from '#test/helpers/recording-proxy.ts';
import { ledgerView } from '../../bin/sim/account-truth.ts';
import { simHandlers } from '../../bin/sim/sim-handlers.ts';

requireMoto();
const REGION = 'ap-northeast-2';
const BIN = fileURLToPath(new URL('../../bin/netledger.mjs', import.meta.url));

/** The real CLI in a child process; a scan starts DynamoDB Local, so it gets more time than most. */
function runCli(args: readonly string[], env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, ...env }, timeout: 170_000 },
      (error, stdout, stderr) => {
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          stdout,
          stderr,
        });
      },
    );
  });
}

const READ_ONLY = /^(Describe|List|Get)[A-Za-z]+$|^GET \//;

/** A small account: one node with a CNI ENI, an NLB whose target group drifted, a zone. */
async function seedAccount(endpoint: string) {
  const config = motoClientConfig(endpoint, REGION);
  const ec2 = new EC2Client(config);
  const elbv2 = new ElasticLoadBalancingV2Client(config);
  const route53 = new Route53Client(motoClientConfig(endpoint, 'us-east-1'));
  const sns = new SNSClient(config);
  try {
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }))).Vpc
      ?.VpcId as string;
    const subnetId = (
      await ec2.send(
        new CreateSubnetCommand({
          VpcId: vpcId,
          CidrBlock: '10.20.1.0/24',
          AvailabilityZone: `${REGION}a`,
        }),
      )
    ).Subnet?.SubnetId as string;
    const imageId = (await ec2.send(new DescribeImagesCommand({}))).Images?.[0]?.ImageId;
    const instanceId = (
      await ec2.send(
        new RunInstancesCommand({
          ImageId: imageId,
          InstanceType: 't3.medium',
          MinCount: 1,
          MaxCount: 1,
          SubnetId: subnetId,
          PrivateIpAddress: '10.20.1.10',
          TagSpecifications: [
            { ResourceType: 'instance', Tags: [{ Key: 'eks:cluster-name', Value: 'myeks' }] },
          ],
        }),
      )
    ).Instances?.[0]?.InstanceId as string;
    const eniId = (
      await ec2.send(
        new CreateNetworkInterfaceCommand({
          SubnetId: subnetId,
          Description: `aws-K8S-${instanceId}`,
          PrivateIpAddress: '10.20.1.20',
          TagSpecifications: [
            {
              ResourceType: 'network-interface',
              Tags: [
                { Key: 'cluster.k8s.amazonaws.com/name', Value: 'myeks' },
                { Key: 'node.k8s.amazonaws.com/instance_id', Value: instanceId },
              ],
            },
          ],
        }),
      )
    ).NetworkInterface?.NetworkInterfaceId as string;
    await ec2.send(
      new AttachNetworkInterfaceCommand({
        NetworkInterfaceId: eniId,
        InstanceId: instanceId,
        DeviceIndex: 1,
      }),
    );
    const podIps = ['10.20.1.21', '10.20.1.22', '10.20.1.23'];
    await ec2.send(
      new AssignPrivateIpAddressesCommand({
        NetworkInterfaceId: eniId,
        PrivateIpAddresses: podIps,
      }),
    );
    const lbArn = (
      await elbv2.send(
        new CreateLoadBalancerCommand({
          Name: 'k8s-default-web',
          Type: 'network',
          Scheme: 'internal',
          Subnets: [subnetId],
          Tags: [
            { Key: 'elbv2.k8s.aws/cluster', Value: 'myeks' },
            { Key: 'service.k8s.aws/stack', Value: 'default/web' },
            { Key: 'netledger/hostname', Value: 'web.example.internal' },
          ],
        }),
      )
    ).LoadBalancers?.[0]?.LoadBalancerArn as string;
    const tgArn = (
      await elbv2.send(
        new CreateTargetGroupCommand({
          Name: 'k8s-default-web-tg',
          Protocol: 'TCP',
          Port: 8080,
          VpcId: vpcId,
          TargetType: 'ip',
          Tags: [
            { Key: 'elbv2.k8s.aws/cluster', Value: 'myeks' },
            { Key: 'service.k8s.aws/stack', Value: 'default/web' },
          ],
        }),
      )
    ).TargetGroups?.[0]?.TargetGroupArn as string;
    await elbv2.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: tgArn,
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '300' }],
      }),
    );
    await elbv2.send(
      new RegisterTargetsCommand({
        TargetGroupArn: tgArn,
        Targets: podIps.map((Id) => ({ Id, Port: 8080 })),
      }),
    );
    const zoneId = (
      await route53.send(
        new CreateHostedZoneCommand({
          Name: 'example.internal',
          CallerReference: 'scan-test',
          VPC: { VPCId: vpcId, VPCRegion: REGION },
          HostedZoneConfig: { PrivateZone: true },
        }),
      )
    ).HostedZone?.Id?.replace('/hostedzone/', '') as string;
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'alerts' })))
      .TopicArn as string;
    return { vpcId, subnetId, instanceId, eniId, podIps, lbArn, tgArn, zoneId, topicArn };
  } finally {
    for (const c of [ec2, elbv2, route53, sns]) c.destroy();
  }
}

describe('netledger scan', () => {
  let moto: MotoServer;
  let proxy: RecordingProxy;
  let home: string;
  let account: Awaited<ReturnType<typeof seedAccount>>;
  const env = () => ({
    NETLEDGER_HOME: home,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_ENDPOINT_URL_EC2: proxy.endpoint,
    AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: proxy.endpoint,
    AWS_ENDPOINT_URL_ROUTE_53: proxy.endpoint,
    // Everything that would make the sweep Lambda write: scan must ignore it.
    DEREGISTRATION_DELAY_DEFAULT: '60',
    DRIFT_REMEDIATE: 'true',
    DNS_ZONES: `${account.zoneId}=example.internal`,
    DNS_OWNER_ID: 'netledger',
    DNS_POLICY: 'sync',
  });

  beforeAll(async () => {
    moto = await startMoto();
    await moto.reset();
    account = await seedAccount(moto.endpoint);
    proxy = await recordingProxy(moto.endpoint);
    home = mkdtempSync(join(tmpdir(), 'netledger-scan-'));
  }, 120_000);

  afterAll(async () => {
    await proxy?.close();
    await moto?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  test('reads the account into the local ledger with Describe/List/Get calls only, and says what it would alert', async () => {
    const result = await runCli(['scan', '--clusters', 'myeks', '--vpc-ids', account.vpcId], env());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(account.instanceId);
    expect(result.stdout).toContain(account.subnetId);
    expect(result.stdout).toMatch(/would alert open +deregistration-delay-drift/);
    const operations = [...proxy.operations];
    expect(operations).toEqual(
      expect.arrayContaining([
        'DescribeInstances',
        'DescribeNetworkInterfaces',
        'DescribeTargetHealth',
      ]),
    );
    expect(operations.some((op) => op.startsWith('GET /2013-04-01/hostedzone/'))).toBe(true);
    expect(operations.filter((op) => !READ_ONLY.test(op))).toEqual([]);

    // The sweep Lambda, wired as deployed, records the same nodes, ENIs, addresses and targets;
    // it also writes (remediation and DNS sync are on), which the same log catches.
    proxy.operations.length = 0;
    const { client, tableName } = await freshLedgerTable();
    const db = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    const lambda = simHandlers({
      db,
      tableName,
      endpoint: proxy.endpoint,
      region: REGION,
      cluster: 'myeks',
      vpcId: account.vpcId,
      topicArn: account.topicArn,
      zone: { id: account.zoneId, name: 'example.internal' },
      env: { DEREGISTRATION_DELAY_DEFAULT: '60', DRIFT_REMEDIATE: 'true' },
      clock: () => new Date(),
      onAlert: () => undefined,
    });
    try {
      await lambda.sweep();
    } finally {
      lambda.destroy();
    }
    expect(proxy.operations).toContain('ModifyTargetGroupAttributes');
    expect(proxy.operations.filter((op) => !READ_ONLY.test(op)).length).toBeGreaterThan(0);

    const scanned = await openLocalLedger({ home });
    try {
      const [mine, theirs] = await Promise.all([
        ledgerView(scanned.db, scanned.tableName),
        ledgerView(db, tableName),
      ]);
      expect(mine.nodes).toEqual([account.instanceId]);
      expect(mine.targets).toHaveLength(3);
      expect(mine).toEqual(theirs);
    } finally {
      await scanned.close();
    }
  }, 400_000);

  test('without credentials it says what is missing in one line and changes nothing', async () => {
    proxy.operations.length = 0;
    const result = await runCli(['scan'], {
      ...env(),
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: 'netledger-no-such-profile',
      AWS_CONFIG_FILE: join(home, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^netledger scan: no AWS credentials/);
    expect(proxy.operations).toEqual([]);
  }, 60_000);
});
