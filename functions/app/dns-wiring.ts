import { domainToASCII } from 'node:url';
import type { Route53Client } from '@aws-sdk/client-route-53';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SnsNotifier } from '#adapters/notify/sns-notifier.ts';
import { Route53Applier } from '#adapters/route53/route53-applier.ts';
import { Route53Caller } from '#adapters/route53/route53-call.ts';
import { Route53ZoneReader } from '#adapters/route53/route53-zone-reader.ts';
import { dynamoLedger } from '#app/composition.ts';
import type { Notifier } from '#core/alerts/notifier.ts';
import { TargetLedgerLoadBalancers } from '#core/dns/dns-load-balancers.ts';
import type { RefreshZonesDeps } from '#core/dns/sync-dns.ts';
import type { Config } from '#shared/config.ts';
import { logger } from '#shared/powertools.ts';

/** DNS ports for one run, given the time it runs at; undefined while DNS is disabled. */
export type DnsWiring = (now: string) => RefreshZonesDeps;

/** Without an alert topic, DNS conflicts and failures still reach the log. */
const logNotifier: Notifier = {
  notify: async (n) => {
    logger.warn(`alert ${n.type}: ${n.title}`, {
      kind: n.kind,
      subject: n.subject,
      summary: n.summary,
    });
  },
};

/** Route53 sync's ports (part of the composition root): the ledger's, Route53's and a notifier. */
export function dnsWiring(
  config: Config,
  clients: { db: DynamoDBDocumentClient; route53: Route53Client; sns: () => SNSClient },
): DnsWiring | undefined {
  const dns = config.dns;
  if (!dns.enabled) return undefined;
  const ledger = dynamoLedger(clients.db, config.tableName);
  // One caller per execution environment: reads and writes share the account's 5 requests/s.
  const caller = new Route53Caller(clients.route53);
  const log = (message: string, data?: Readonly<Record<string, unknown>>) =>
    logger.info(message, { ...data });
  const notifier = config.alertTopicArn
    ? new SnsNotifier(clients.sns(), config.alertTopicArn)
    : logNotifier;
  const base = {
    lbs: new TargetLedgerLoadBalancers(ledger.targets),
    cache: ledger.dnsRecords,
    applier: new Route53Applier(clients.route53, { caller, dryRun: dns.dryRun, log }),
    reader: new Route53ZoneReader(clients.route53, { caller }),
    alerts: ledger.alerts,
    notifier,
    config: {
      ownerId: dns.ownerId,
      zones: dns.zones,
      policy: dns.policy,
      txtPrefix: dns.txtPrefix,
      statics: dns.statics,
      dryRun: dns.dryRun,
      alertPolicy: config.capacity.alertPolicy,
      toAscii: domainToASCII,
    },
    log,
  };
  return (now) => ({ ...base, now });
}
