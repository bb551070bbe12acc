import { describe, expect, test } from 'vitest';
import type { EventStamp } from '#core/events/event-envelope.ts';
import { subject } from '#core/events/parking.ts';
import type { Ec2Change } from '#core/network/ec2-event.ts';
import { networkLedgers, targetLedgers } from '#test/contract/implementations.ts';

/**
 * Parking, as both ledgers keep it: one copy per subject and event however often it is
 * parked, a subject's changes in stamp order whatever order they were parked in, unpark
 * removes one, and the list shows what still waits. A late detach finds an ended attachment.
 */
const at = (m: number, id = `ev-${m}`): EventStamp => ({
  eventTime: `2026-11-21T10:${String(m).padStart(2, '0')}:00.000Z`,
  eventId: id,
});
const unassign = (eniId: string): Ec2Change => ({
  type: 'addresses-unassigned',
  eniId,
  ips: ['10.0.0.5'],
  prefixes: [],
});

describe.each(networkLedgers)('$name network ledger: parking', ({ make }) => {
  test('one copy per event, in stamp order, unpark removes one, list shows the rest', async () => {
    // Prepare
    const ledger = await make();
    const eni = subject.eni('eni-1');
    const other = subject.attachment('eni-attach-9');
    // Act: parked out of order, one of them twice
    await ledger.park({ subject: eni, stamp: at(5), name: 'B', change: unassign('eni-1') });
    await ledger.park({ subject: eni, stamp: at(2), name: 'A', change: unassign('eni-1') });
    await ledger.park({ subject: eni, stamp: at(5), name: 'B', change: unassign('eni-1') });
    await ledger.park({
      subject: other,
      stamp: at(3),
      name: 'DetachNetworkInterface',
      change: { type: 'eni-detached', attachmentId: 'eni-attach-9' },
    });
    // Assess
    const parked = await ledger.parkedFor(eni);
    expect(parked.map((p) => [p.name, p.stamp.eventId])).toEqual([
      ['A', 'ev-2'],
      ['B', 'ev-5'],
    ]);
    expect(parked[0]?.change).toEqual(unassign('eni-1'));
    await ledger.unpark(eni, 'ev-2');
    expect((await ledger.parkedFor(eni)).map((p) => p.name)).toEqual(['B']);
    expect((await ledger.listParked()).map((p) => `${p.subject} ${p.name}`)).toEqual([
      'attachment:eni-attach-9 DetachNetworkInterface',
      'eni:eni-1 B',
    ]);
    expect(await ledger.parkedFor(subject.eni('eni-unknown'))).toEqual([]);
  });

  test('an attachment recorded as past still finds its ENI, deleted or attached anew', async () => {
    // Prepare
    const ledger = await make();
    await ledger.putEni(
      {
        facts: {
          eniId: 'eni-1',
          vpcId: 'vpc-1',
          subnetId: 'subnet-a',
          description: 'aws-K8S-i-1',
          tags: {},
          secondaryIps: [],
          prefixes: [],
        },
        kind: 'vpc-cni',
        instanceId: 'i-1',
        addresses: [],
      },
      at(1),
    );
    await ledger.setEniAttachment('eni-1', { instanceId: 'i-1', attachmentId: 'att-2' }, at(4));
    // Act
    await ledger.recordPastAttachment('att-1', 'eni-1');
    // Assess
    expect((await ledger.findEniByAttachment('att-1'))?.eniId).toBe('eni-1');
    expect((await ledger.findEniByAttachment('att-2'))?.eniId).toBe('eni-1');
    await ledger.deleteEni('eni-1', at(6));
    expect(await ledger.findEniByAttachment('att-1')).toMatchObject({ deleted: true });
    // The attachment it had when deleted finds the tombstone, for a detach still on its way.
    expect(await ledger.findEniByAttachment('att-2')).toMatchObject({
      eniId: 'eni-1',
      deleted: true,
    });
    expect(await ledger.findEniByAttachment('att-3')).toBeUndefined();
  });
});

describe.each(targetLedgers)('$name target ledger: parking', ({ make }) => {
  test('parks, orders and lists like the network ledger', async () => {
    // Prepare
    const ledger = await make();
    const tg = subject.targetGroup('arn:aws:elasticloadbalancing:r:1:targetgroup/a/1');
    const change = {
      kind: 'target-group-deleted' as const,
      arn: 'arn:aws:elasticloadbalancing:r:1:targetgroup/a/1',
      eventId: 'ev-7',
      eventTime: at(7).eventTime,
      region: 'r',
      account: '1',
      actor: { type: 'IAMUser', via: 'api' as const, label: 'x' },
    };
    // Act
    await ledger.park({ subject: tg, stamp: at(7), name: 'DeleteTargetGroup', change });
    await ledger.park({ subject: tg, stamp: at(7), name: 'DeleteTargetGroup', change });
    // Assess
    expect(await ledger.parkedFor(tg)).toEqual([
      { subject: tg, stamp: at(7), name: 'DeleteTargetGroup', change },
    ]);
    await ledger.unpark(tg, 'ev-7');
    expect(await ledger.listParked()).toEqual([]);
  });
});
