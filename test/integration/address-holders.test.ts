import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { expect, test } from 'vitest';
import { keys } from '#adapters/dynamodb/ledger-keys.ts';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import type { EniEntry } from '#core/network/network-ports.ts';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';
import { recordReads } from '#test/helpers/request-log.ts';

/**
 * Who holds some addresses, asked of DynamoDB: one lookup query per address and per second
 * place, and every claiming ENI in one BatchGetItem whichever round found it.
 */
const VPC = 'vpc-1';
const stamp = (minute: number) => ({
  eventTime: `2026-11-21T08:${String(minute).padStart(2, '0')}:00Z`,
  eventId: `e${minute}`,
});
/** The /28 an address of 10.0.0.0/24 falls in. */
const inPrefix = (address: string) => `10.0.0.${Number(address.split('.')[3]) & 0xf0}/28`;

function eniEntry(eniId: string, instanceId: string, address: string, kind: string): EniEntry {
  return {
    facts: {
      eniId,
      vpcId: VPC,
      subnetId: 'subnet-a',
      description: `aws-K8S-${instanceId}`,
      tags: {},
      attachment: { instanceId, attachmentId: `attach-${eniId}` },
      secondaryIps: kind === 'secondary' ? [address] : [],
      prefixes: kind === 'prefix' ? [address] : [],
    },
    kind: 'vpc-cni',
    instanceId,
    addresses: [{ address, kind, consumer: 'vpc-cni' }],
  } as EniEntry;
}

async function ledgerWithPrefix() {
  const { client, tableName } = await freshLedgerTable();
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const ledger = new DynamoNetworkLedger(db, tableName);
  await ledger.putEni(eniEntry('eni-p', 'i-p', '10.0.0.16/28', 'prefix'), stamp(1));
  await ledger.putEni(eniEntry('eni-b', 'i-b', '10.0.0.40', 'secondary'), stamp(2));
  return { client, db, tableName, ledger };
}

test('addresses held directly and through their prefix: the ENIs of both come in one BatchGetItem', async () => {
  // Prepare
  const { client, ledger } = await ledgerWithPrefix();
  const reads = recordReads(client);

  // Act
  const held = await ledger.holdersOf(VPC, ['10.0.0.40', '10.0.0.21', '10.0.0.22'], inPrefix);

  // Assess: .40's own /28 is not asked, the one /28 of .21 and .22 once
  expect([...held].map(([a, h]) => `${a} ${h.eniId} ${h.instanceId}`)).toEqual([
    '10.0.0.40 eni-b i-b',
    '10.0.0.21 eni-p i-p',
    '10.0.0.22 eni-p i-p',
  ]);
  expect(reads).toEqual([
    'Query GSI3 IP',
    'Query GSI3 IP',
    'Query GSI3 IP',
    'Query GSI3 IP',
    'BatchGetItem',
  ]);
});

test('an address whose claiming ENI was deleted after its entry was read is answered by its prefix', async () => {
  // Prepare: eni-b's address entry still says assigned, its ENI item says deleted (the delete
  // landed between the two reads)
  const { db, tableName, ledger } = await ledgerWithPrefix();
  await db.send(
    new UpdateCommand({
      TableName: tableName,
      Key: keys.eni('eni-b'),
      UpdateExpression: 'SET deleted = :t',
      ExpressionAttributeValues: { ':t': true },
    }),
  );

  // Act
  const held = await ledger.holdersOf(VPC, ['10.0.0.40'], () => '10.0.0.16/28');

  // Assess
  expect(held.get('10.0.0.40')?.eniId).toBe('eni-p');
});
