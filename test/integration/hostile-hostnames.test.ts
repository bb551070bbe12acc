import {
  DescribeTagsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  ChangeResourceRecordSetsCommand,
  type ChangeResourceRecordSetsCommandInput,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { PublishCommand, type PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, test } from 'vitest';
import { dnsWiring } from '#app/dns-wiring.ts';
import { elbEventHandler } from '#app/elb-handler.ts';
import { elbHandlerDeps } from '#app/wiring.ts';
import { HOSTNAME_TAG } from '#core/dns/dns-desired.ts';
import { refreshZonesAndSync } from '#core/dns/sync-dns.ts';
import { loadConfig } from '#shared/config.ts';
import { type Json, sample } from '#test/helpers/hostile-events.ts';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';

const OWNER = 'netledger-test';
const TOPIC = 'arn:aws:sns:ap-northeast-2:111122223333:netledger-alerts';

const r53 = mockClient(Route53Client);
const sns = mockClient(SNSClient);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);

/**
 * Hostname tags a person or a broken controller could write. Each bad entry must give a
 * `dns-invalid` alert naming the load balancer and the tag and never reach Route53; the good
 * entry beside it (`ok-<n>.example.com`) still does, which shows Route53 was reachable.
 */
const HOSTILE_HOSTNAMES: readonly { name: string; value: string; problem: RegExp }[] = [
  {
    name: 'a label over 63 characters',
    value: `${'l'.repeat(64)}.example.com`,
    problem: /label of 64 characters/,
  },
  {
    name: 'a 300-character label',
    value: `${'x'.repeat(300)}.example.com`,
    problem: /label of 300 characters/,
  },
  {
    name: 'a name over 253 characters',
    value: `${Array.from({ length: 30 }, () => 'abcdefgh').join('.')}.example.com`,
    problem: /the limit is 253/,
  },
  { name: 'an empty label', value: 'web..example.com', problem: /empty label/ },
  { name: 'a leading hyphen', value: '-web.example.com', problem: /hyphen/ },
  { name: 'a trailing hyphen', value: 'web-.example.com', problem: /hyphen/ },
  { name: 'a space', value: 'my web.example.com', problem: /contains a space/ },
  { name: 'a double quote', value: 'we"b.example.com', problem: /quote/ },
  { name: 'SQL in a label', value: '"; DROP TABLE ledger; --.example.com', problem: /space|quote/ },
  { name: 'a newline', value: 'web\n.example.com', problem: /control character U\+000A/ },
  { name: 'a NUL byte', value: 'web\u0000.example.com', problem: /control character U\+0000/ },
  { name: 'a wildcard not leftmost', value: 'api.*.example.com', problem: /wildcard/ },
  { name: 'a partial wildcard', value: 'web*.example.com', problem: /wildcard/ },
  { name: 'a backslash escape', value: 'web\\056evil.example.com', problem: /cannot hold/ },
  { name: 'broken punycode', value: 'xn--zz.example.com', problem: /punycode/ },
];

const lbArnOf = (n: number) =>
  `arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:loadbalancer/net/hostile-${n}/0123456789abcdef`;

function createLb(n: number): Json {
  const e = sample('elb/create-load-balancer.json');
  e.id = `create-${n}`;
  e.detail.eventID = `create-${n}`;
  const lb = e.detail.responseElements.loadBalancers[0];
  lb.loadBalancerArn = lbArnOf(n);
  lb.loadBalancerName = `hostile-${n}`;
  lb.dNSName = `hostile-${n}-0123456789abcdef.elb.ap-northeast-2.amazonaws.com`;
  e.detail.requestParameters = { ...e.detail.requestParameters, tags: [] };
  return e;
}

function addTags(n: number, tags: Record<string, string>): Json {
  const e = sample('elb/add-tags.json');
  e.id = `tags-${n}`;
  e.detail.eventID = `tags-${n}`;
  e.detail.requestParameters = {
    resourceArns: [lbArnOf(n)],
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
  };
  return e;
}

const context = {
  functionName: 'netledger-test-elbActivity',
  awsRequestId: 'hostile',
  getRemainingTimeInMillis: () => 30_000,
} as never;

let handler: ReturnType<typeof elbEventHandler>;
let changes: ChangeResourceRecordSetsCommandInput[] = [];
let published: PublishCommandInput[] = [];

beforeAll(async () => {
  const { client, tableName } = await freshLedgerTable();
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  r53
    .on(ListResourceRecordSetsCommand)
    .resolves({ ResourceRecordSets: [], IsTruncated: false, MaxItems: 300 });
  r53.on(ChangeResourceRecordSetsCommand).callsFake((input) => {
    changes.push(input);
    return {
      ChangeInfo: { Id: `/change/C${changes.length}`, Status: 'PENDING', SubmittedAt: new Date() },
    };
  });
  sns.on(PublishCommand).callsFake((input) => {
    published.push(input);
    return { MessageId: `m${published.length}` };
  });
  elbv2.on(DescribeTagsCommand).resolves({ TagDescriptions: [] });
  const config = loadConfig({
    TABLE_NAME: tableName,
    CLUSTERS: 'all',
    VPC_IDS: 'all',
    ALERT_TOPIC_ARN: TOPIC,
    DNS_ZONES: 'Z0EXAMPLE1=example.com',
    DNS_OWNER_ID: OWNER,
  });
  const clients = {
    db,
    elbv2: new ElasticLoadBalancingV2Client({ region: 'ap-northeast-2' }),
    sns: () => new SNSClient({ region: 'ap-northeast-2' }),
  };
  const dns = dnsWiring(config, {
    ...clients,
    route53: new Route53Client({ region: 'us-east-1' }),
  });
  if (!dns) throw new Error('DNS wiring is off');
  // The sweep reads the zone first, as after every deployment: from then on events sync.
  await refreshZonesAndSync(dns(new Date().toISOString()));
  handler = elbEventHandler({ ...elbHandlerDeps(config, clients), dns });
}, 60_000);

async function tagLb(n: number, tags: Record<string, string>) {
  changes = [];
  published = [];
  await handler(createLb(n), context);
  await handler(addTags(n, tags), context);
  const sent = changes.flatMap((c) => c.ChangeBatch?.Changes ?? []);
  const alerts = published.map((p) => JSON.parse(p.Message ?? '{}'));
  return { sent, alerts };
}

describe('hostile hostname tags through the elb-activity handler', () => {
  test.each(HOSTILE_HOSTNAMES.map((c, i) => ({ ...c, n: i + 1 })))(
    '$name: a dns-invalid alert names the LB and the tag; no Route53 change for it',
    async ({ n, value, problem }) => {
      // Act
      const { sent, alerts } = await tagLb(n, { [HOSTNAME_TAG]: `ok-${n}.example.com,${value}` });
      // Assess: the good name went to Route53, nothing else did.
      expect([...new Set(sent.map((c) => c.ResourceRecordSet?.Name))].sort()).toEqual([
        `a-ok-${n}.example.com`,
        `ok-${n}.example.com`,
      ]);
      const invalid = alerts.filter((a) => a.kind === 'dns-invalid');
      expect(invalid).toHaveLength(1);
      expect(invalid[0].facts.loadBalancer).toBe(lbArnOf(n));
      expect(invalid[0].facts.tag).toBe(HOSTNAME_TAG);
      expect(invalid[0].summary).toMatch(problem);
      expect(invalid[0].title).toContain(`hostile-${n}`);
    },
  );

  test('an internationalised name goes to Route53 as punycode, never as raw or escaped bytes', async () => {
    const { sent, alerts } = await tagLb(100, {
      [HOSTNAME_TAG]: '日本.example.com,Müller.example.com',
    });
    const names = [...new Set(sent.map((c) => c.ResourceRecordSet?.Name ?? ''))].sort();
    expect(names).toEqual([
      'a-xn--mller-kva.example.com',
      'a-xn--wgv71a.example.com',
      'xn--mller-kva.example.com',
      'xn--wgv71a.example.com',
    ]);
    for (const name of names) expect(name).toMatch(/^[a-z0-9.-]+$/);
    expect(alerts.filter((a) => a.kind === 'dns-invalid')).toEqual([]);
  });

  test('a name outside every configured zone: a dns-conflict alert, no Route53 change', async () => {
    const { sent, alerts } = await tagLb(101, { [HOSTNAME_TAG]: 'web.example.org' });
    expect(sent).toEqual([]);
    expect(alerts.map((a) => [a.kind, a.facts.reason])).toEqual([['dns-conflict', 'no-zone']]);
  });

  test.each([
    ['a newline', 'default/web\nexternal-dns/owner=evil', 111],
    ['a comma', 'default/web,external-dns/owner=evil', 112],
    ['a quote', 'default/web"x', 113],
  ] as const)(
    'a stack tag with %s never reaches the ExternalDNS TXT fields',
    async (_, stack, n) => {
      const { sent } = await tagLb(n, {
        [HOSTNAME_TAG]: `txt-${n}.example.com`,
        'service.k8s.aws/stack': stack,
      });
      const txt = sent.filter((c) => c.ResourceRecordSet?.Type === 'TXT');
      expect(txt).toHaveLength(1);
      expect(txt[0]?.ResourceRecordSet?.ResourceRecords).toEqual([
        {
          Value: `"heritage=external-dns,external-dns/owner=${OWNER},external-dns/resource=loadbalancer/hostile-${n}"`,
        },
      ]);
    },
  );
});
