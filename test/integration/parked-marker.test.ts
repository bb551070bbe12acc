import { DeleteCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { expect, test } from 'vitest';
import { expiresAt, keys, RETENTION_SECONDS } from '#adapters/dynamodb/ledger-keys.ts';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { dynamoUnitOfWork } from '#adapters/dynamodb/ledger-unit-of-work.ts';
import type { EventStamp } from '#core/events/event-envelope.ts';
import { subject } from '#core/events/parking.ts';
import type { Ec2Change } from '#core/network/ec2-event.ts';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';
import { watchRequests } from '#test/helpers/request-log.ts';

/**
 * A subject's parked changes are marked by one item (PARKED#<subject> / #PARKED) that an
 * event's unit of work reads ahead with the event's other items: filing a subject with nothing
 * parked sends no query of its own (DynamoDB Local, requests counted at the client).
 */
const ENI = 'eni-0a1b2c3d4e5f60001';
const at = (m: number): EventStamp => ({
  eventTime: `2026-11-21T10:${String(m).padStart(2, '0')}:00.000Z`,
  eventId: `ev-${m}`,
});
const assign: Ec2Change = {
  type: 'addresses-assigned',
  eniId: ENI,
  ips: ['10.0.0.5'],
  prefixes: [],
  complete: true,
};

async function table() {
  const { client, tableName } = await freshLedgerTable();
  const sent: string[] = [];
  watchRequests(client, (command) => sent.push(command));
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { db, tableName, sent, plain: new DynamoNetworkLedger(db, tableName) };
}

test('a unit that looks under a subject with nothing parked sends nothing after its read-ahead', async () => {
  const { db, tableName, sent } = await table();
  const unit = dynamoUnitOfWork(db, tableName);
  await unit.prepare('ev-9', assign);

  const parked = await unit.ports.network.parkedFor(subject.eni(ENI));

  expect(parked).toEqual([]);
  expect(sent).toEqual(['BatchGetItem']);
});

test('what is parked is found through its marker, which is never listed as parked itself', async () => {
  const { db, tableName, plain } = await table();
  await plain.park({ subject: subject.eni(ENI), stamp: at(5), name: 'Assign', change: assign });
  const unit = dynamoUnitOfWork(db, tableName);
  await unit.prepare('ev-9', assign);

  const parked = await unit.ports.network.parkedFor(subject.eni(ENI));

  expect(parked.map((p) => p.stamp.eventId)).toEqual(['ev-5']);
  expect((await plain.listParked()).map((p) => p.stamp.eventId)).toEqual(['ev-5']);
});

test('the marker expires with the latest of its parked changes, whatever order they came in', async () => {
  const { db, tableName, plain } = await table();
  const eni = subject.eni(ENI);
  await plain.park({ subject: eni, stamp: at(7), name: 'Assign', change: assign });
  await plain.park({ subject: eni, stamp: at(3), name: 'Assign', change: assign });

  const marker = await db.send(
    new GetCommand({ TableName: tableName, Key: keys.parkedMarker(eni) }),
  );

  expect(marker.Item?.expiresAt).toBe(expiresAt(at(7).eventTime, RETENTION_SECONDS.parked));
  expect((await plain.parkedFor(eni)).map((p) => p.stamp.eventId)).toEqual(['ev-3', 'ev-7']);
});

test('a change parked before markers existed is still found outside a unit (the sweep, item by item)', async () => {
  const { db, tableName, plain } = await table();
  const eni = subject.eni(ENI);
  await plain.park({ subject: eni, stamp: at(4), name: 'Assign', change: assign });
  // As an older version parked it: no marker.
  await db.send(new DeleteCommand({ TableName: tableName, Key: keys.parkedMarker(eni) }));

  expect((await plain.parkedFor(eni)).map((p) => p.stamp.eventId)).toEqual(['ev-4']);
});
