import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expect, test } from 'vitest';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { dynamoUnitOfWork } from '#adapters/dynamodb/ledger-unit-of-work.ts';
import { unavailableEc2 } from '#adapters/ec2/ec2-unavailable.ts';
import { inEventUnit } from '#app/event-unit.ts';
import type { Scope } from '#core/events/scope.ts';
import { parseEc2Event } from '#core/network/ec2-event.ts';
import { handleEc2Event } from '#core/network/handle-ec2-event.ts';
import { ledgerSnapshot } from '#test/helpers/ledger-snapshot.ts';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';
import { sampleFolder } from '#test/helpers/samples.ts';

/**
 * Events applied in a unit of work (one transaction per event) against DynamoDB Local: the same
 * ledger as item by item, and a commit that loses a stamp condition to a competing writer falls
 * back to per-item writes, where that writer's newer state wins.
 */
const SCOPE: Scope = { clusters: ['myeks'], vpcIds: 'all' };
const ENI = 'eni-0a1b2c3d4e5f60001';

async function table() {
  const { client, tableName } = await freshLedgerTable();
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { db, tableName, plain: new DynamoNetworkLedger(db, tableName) };
}

function ahead(event: unknown) {
  const parsed = parseEc2Event(event);
  return parsed.ok
    ? { eventId: parsed.value.stamp.eventId, change: parsed.value.change }
    : undefined;
}

const story = [...sampleFolder('ec2/node-lifecycle'), ...sampleFolder('ec2/node-termination')];

test('the node story applied one transaction per event leaves the ledger item-by-item writes leave', async () => {
  const units = await table();
  const items = await table();
  const writes: string[] = [];
  for (const { event } of story) {
    const outcome = await inEventUnit(
      () => dynamoUnitOfWork(units.db, units.tableName),
      ahead(event),
      (ports) =>
        handleEc2Event(event, {
          ledger: ports?.network ?? units.plain,
          ec2: unavailableEc2,
          scope: SCOPE,
        }),
    );
    const plain = await handleEc2Event(event, {
      ledger: items.plain,
      ec2: unavailableEc2,
      scope: SCOPE,
    });
    expect(outcome.status).toBe(plain.status);
    expect(outcome.audit).toEqual(plain.audit);
    writes.push(outcome.unit?.writes ?? 'none');
  }
  expect(new Set(writes)).toEqual(new Set(['unit']));
  expect(await ledgerSnapshot(units.plain)).toEqual(await ledgerSnapshot(items.plain));
  // A redelivery changes nothing and writes nothing.
  const again = story[2]?.event;
  const redelivered = await inEventUnit(
    () => dynamoUnitOfWork(units.db, units.tableName),
    ahead(again),
    (ports) =>
      handleEc2Event(again, {
        ledger: ports?.network ?? units.plain,
        ec2: unavailableEc2,
        scope: SCOPE,
      }),
  );
  expect(redelivered.status).toBe('duplicate');
  expect(redelivered.unit).toEqual({ writes: 'unit', requests: 0 });
}, 120_000);

test('a commit that loses a stamp condition falls back to item-by-item writes and says so', async () => {
  const { db, tableName, plain } = await table();
  const deps = { ledger: plain, ec2: unavailableEc2, scope: SCOPE };
  // The node and its primary ENI with 192.168.1.21-25 assigned at 10:05.
  for (const { name, event } of story.slice(0, 3)) {
    expect((await handleEc2Event(event, deps)).status, name).toBe('applied');
  }
  // UnassignPrivateIpAddresses of .24 and .25 at 10:20 ...
  const unassign = story.find((s) => s.name.startsWith('07-'))?.event;
  let competed = false;
  const outcome = await inEventUnit(
    () => dynamoUnitOfWork(db, tableName),
    ahead(unassign),
    async (ports) => {
      const out = await handleEc2Event(unassign, { ...deps, ledger: ports?.network ?? plain });
      if (ports && !competed) {
        // ... while another writer assigns .24 again at 10:25, after the unit read it.
        competed = true;
        const eni = await plain.getEni(ENI);
        if (!eni) throw new Error('the ENI should be filed');
        const w = await plain.assignAddresses(
          eni,
          [{ address: '192.168.1.24', kind: 'secondary', consumer: 'vpc-cni' }],
          { eventTime: '2026-11-21T10:25:00Z', eventId: 'competing-assign' },
        );
        expect(w).toEqual(['applied']);
      }
      return out;
    },
  );
  expect(competed).toBe(true);
  expect(outcome.unit).toMatchObject({ writes: 'item-by-item' });
  expect(outcome.unit && 'reason' in outcome.unit ? outcome.unit.reason : '').toContain(
    `ENI#${ENI} ADDR#192.168.1.24`,
  );
  expect(outcome.reason).toContain('applied item by item');
  expect(outcome.status).toBe('applied');
  // The newer assign of .24 stands; .25 was released by the fallback; the event is done once.
  const view = await plain.nodeView('i-0a1b2c3d4e5f00001');
  const held = view.addresses.filter((a) => a.eniId === ENI).map((a) => a.address);
  expect(held).toContain('192.168.1.24');
  expect(held).not.toContain('192.168.1.25');
  expect(outcome.audit).toEqual([{ entity: ENI, action: 'unassigned 1', detail: '192.168.1.25' }]);
  // CloudTrail records are identified by their own eventID.
  expect(await plain.hasProcessed(String(unassign?.detail.eventID))).toBe(true);
}, 60_000);
