import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  DynamoAlertStore,
  RESOLVED_ALERT_RETENTION_SECONDS,
} from '#adapters/dynamodb/ledger-alerts.ts';
import {
  DynamoInstanceTypeCache,
  INSTANCE_TYPE_CACHE_SECONDS,
} from '#adapters/dynamodb/ledger-instance-types.ts';
import type { AlertRecord } from '#core/alerts/alert-lifecycle.ts';
import { AlertWriteConflictError } from '#core/alerts/alert-store.ts';
import { rawInstanceType } from '#test/helpers/instance-types.ts';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';

let db: DynamoDBDocumentClient;
let tableName: string;
beforeAll(async () => {
  const fresh = await freshLedgerTable();
  db = DynamoDBDocumentClient.from(fresh.client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  tableName = fresh.tableName;
});

function open(subject: string, overrides: Partial<AlertRecord> = {}): AlertRecord {
  return {
    kind: 'node-pod-capacity',
    subject,
    cluster: 'myeks',
    status: 'open',
    severity: 'warning',
    title: `Node ${subject} near its pod ceiling`,
    summary: 't3.medium: 3/3 ENIs, 13/15 secondary IPs; pods beyond 17 will stay Pending',
    facts: { instanceType: 't3.medium', freeSlots: 2, thresholdSlots: 1.5, allAttached: true },
    openedAt: '2026-11-21T10:00:00.000Z',
    lastNotifiedAt: '2026-11-21T10:00:00.000Z',
    notifyCount: 1,
    ...overrides,
  };
}

function resolved(record: AlertRecord, at: string): AlertRecord {
  return {
    ...record,
    status: 'resolved',
    resolvedAt: at,
    lastNotifiedAt: at,
    notifyCount: record.notifyCount + 1,
  };
}

async function rawItem(kind: string, subject: string) {
  const { Item } = await db.send(
    new GetCommand({ TableName: tableName, Key: { PK: `ALERT#${kind}#${subject}`, SK: '#ALERT' } }),
  );
  return Item;
}

describe('DynamoAlertStore', () => {
  test.each([
    { case: 'without an announced severity', subject: 'i-read', overrides: {} },
    {
      case: 'with the announced severity apart from the current one',
      subject: 'i-read-escalated',
      overrides: { severity: 'warning', notifiedSeverity: 'critical' } as const,
    },
  ])('a record $case reads back as stored', async ({ subject, overrides }) => {
    // Prepare
    const store = new DynamoAlertStore(db, tableName);
    const record = open(subject, overrides);

    // Act
    await store.put(record);

    // Assess
    expect(await store.get('node-pod-capacity', subject)).toEqual(record);
    expect(await store.get('subnet-exhaustion', subject)).toBeUndefined();
  });

  test('open alerts are listed in one query; a resolve drops them from the list and sets a TTL', async () => {
    // Prepare
    const store = new DynamoAlertStore(db, tableName);
    const a = open('i-list-a');
    const b = open('subnet-list-b', { kind: 'subnet-exhaustion' });
    await store.put(a);
    await store.put(b);
    const before = (await store.listOpen()).map((r) => r.subject);

    // Act
    const at = '2026-11-21T12:00:00.000Z';
    await store.put(resolved(a, at), a);

    // Assess
    expect(before).toEqual(expect.arrayContaining(['i-list-a', 'subnet-list-b']));
    const after = (await store.listOpen()).map((r) => r.subject);
    expect(after).toContain('subnet-list-b');
    expect(after).not.toContain('i-list-a');
    const item = await rawItem('node-pod-capacity', 'i-list-a');
    expect(item?.GSI1PK).toBeUndefined();
    expect(item?.expiresAt).toBe(Date.parse(at) / 1000 + RESOLVED_ALERT_RETENTION_SECONDS);
    expect((await rawItem('subnet-exhaustion', 'subnet-list-b'))?.GSI1PK).toBe('ALERTS#open');
  });

  test('a re-open puts the alert back on the open list without a TTL', async () => {
    // Prepare
    const store = new DynamoAlertStore(db, tableName);
    const first = open('i-reopen');
    await store.put(first);
    const gone = resolved(first, '2026-11-21T11:00:00.000Z');
    await store.put(gone, first);

    // Act
    await store.put(
      open('i-reopen', {
        openedAt: '2026-11-21T12:00:00.000Z',
        lastNotifiedAt: '2026-11-21T12:00:00.000Z',
      }),
      gone,
    );

    // Assess
    expect((await store.listOpen()).map((r) => r.subject)).toContain('i-reopen');
    expect((await rawItem('node-pod-capacity', 'i-reopen'))?.expiresAt).toBeUndefined();
  });

  test('expecting "none" fails when another invocation opened the alert first', async () => {
    // Prepare
    const store = new DynamoAlertStore(db, tableName);
    await store.put(open('i-race'), null);

    // Act / Assess
    await expect(
      store.put(open('i-race', { openedAt: '2026-11-21T10:00:01.000Z' }), null),
    ).rejects.toThrow(AlertWriteConflictError);
  });

  test('expecting a record fails once it was reminded meanwhile, and the stored one is kept', async () => {
    // Prepare
    const store = new DynamoAlertStore(db, tableName);
    const first = open('i-stale');
    await store.put(first);
    const reminded = { ...first, lastNotifiedAt: '2026-11-21T14:00:00.000Z', notifyCount: 2 };
    await store.put(reminded, first);

    // Act
    const stale = store.put(resolved(first, '2026-11-21T14:00:01.000Z'), first);

    // Assess
    await expect(stale).rejects.toThrow(AlertWriteConflictError);
    expect(await store.get('node-pod-capacity', 'i-stale')).toEqual(reminded);
  });

  test('facts that DynamoDB cannot hold as numbers are kept as text', async () => {
    // Prepare
    const store = new DynamoAlertStore(db, tableName);

    // Act
    await store.put(open('i-inf', { facts: { thresholdSlots: Number.POSITIVE_INFINITY } }));

    // Assess
    expect((await store.get('node-pod-capacity', 'i-inf'))?.facts).toEqual({
      thresholdSlots: 'Infinity',
    });
  });
});

describe('DynamoInstanceTypeCache', () => {
  const t3 = rawInstanceType('t3.medium');

  test('keeps the raw InstanceTypeInfo exactly, with a TTL', async () => {
    // Prepare
    const now = new Date('2026-11-21T10:00:00Z');
    const cache = new DynamoInstanceTypeCache(db, tableName, () => now);

    // Act
    await cache.put('t3.medium', t3);

    // Assess
    expect(await cache.get('t3.medium')).toEqual(t3);
    expect(await cache.get('t3.large')).toBeUndefined();
    const { Item } = await db.send(
      new GetCommand({ TableName: tableName, Key: { PK: 'ITYPE#t3.medium', SK: '#ITYPE' } }),
    );
    expect(Item?.expiresAt).toBe(now.getTime() / 1000 + INSTANCE_TYPE_CACHE_SECONDS);
  });

  test('an entry past its TTL is a miss even before DynamoDB deletes it', async () => {
    // Prepare
    let now = new Date('2026-01-01T00:00:00Z');
    const cache = new DynamoInstanceTypeCache(db, tableName, () => now);
    await cache.put('t3.small', { InstanceType: 't3.small' });

    // Act
    now = new Date(now.getTime() + (INSTANCE_TYPE_CACHE_SECONDS + 1) * 1000);

    // Assess
    expect(await cache.get('t3.small')).toBeUndefined();
  });
});
