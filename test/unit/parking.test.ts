import { describe, expect, test } from 'vitest';
import type { EventStamp } from '#core/events/event-envelope.ts';
import {
  applyParked,
  discardParked,
  inStampOrder,
  type ParkedChange,
  type ParkingLot,
  type Subject,
  subject,
  subjectParts,
  takeSuperseded,
} from '#core/events/parking.ts';

// Park, don't drop: the parking rules themselves, against a lot that records every call, so
// the order of unparks and applies is part of what is asserted.

const stamp = (minute: number, eventId = `ev-${minute}`): EventStamp => ({
  eventId,
  eventTime: `2026-11-21T10:${String(minute).padStart(2, '0')}:00Z`,
});

const parked = (s: Subject, at: EventStamp, name = 'AssignPrivateIpAddresses') => ({
  subject: s,
  stamp: at,
  name,
  change: { at: at.eventId },
});

/** A parking lot in memory that logs `parkedFor`, `unpark` and (through `apply`) applies. */
class RecordingLot implements ParkingLot<{ at: string }> {
  readonly calls: string[] = [];
  private readonly lot = new Map<Subject, ParkedChange<{ at: string }>[]>();

  constructor(changes: ParkedChange<{ at: string }>[]) {
    for (const c of changes) this.lot.set(c.subject, [...(this.lot.get(c.subject) ?? []), c]);
  }
  async park(p: ParkedChange<{ at: string }>): Promise<void> {
    this.lot.set(p.subject, [...(this.lot.get(p.subject) ?? []), p]);
  }
  // Deliberately not in stamp order: the callers must sort.
  async parkedFor(s: Subject): Promise<ParkedChange<{ at: string }>[]> {
    this.calls.push(`parkedFor ${s}`);
    return [...(this.lot.get(s) ?? [])];
  }
  async unpark(s: Subject, eventId: string): Promise<void> {
    this.calls.push(`unpark ${s} ${eventId}`);
    this.lot.set(
      s,
      (this.lot.get(s) ?? []).filter((p) => p.stamp.eventId !== eventId),
    );
  }
  async listParked(): Promise<ParkedChange<unknown>[]> {
    return [...this.lot.values()].flat();
  }
  left(s: Subject): string[] {
    return (this.lot.get(s) ?? []).map((p) => p.stamp.eventId);
  }
}

describe('subjects', () => {
  test.each([
    [subject.eni('eni-1'), 'eni:eni-1', { kind: 'eni', id: 'eni-1' }],
    [
      subject.attachment('eni-attach-1'),
      'attachment:eni-attach-1',
      { kind: 'attachment', id: 'eni-attach-1' },
    ],
    [subject.instance('i-1'), 'instance:i-1', { kind: 'instance', id: 'i-1' }],
    [
      subject.targetGroup('arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/tg/1'),
      'target-group:arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/tg/1',
      { kind: 'target-group', id: 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/tg/1' },
    ],
    [
      subject.loadBalancer('arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/lb/1'),
      'load-balancer:arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/lb/1',
      {
        kind: 'load-balancer',
        id: 'arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/lb/1',
      },
    ],
  ])('%s is its kind and its whole id, colons and all', (built, text, parts) => {
    expect(built).toBe(text);
    expect(subjectParts(built)).toStrictEqual(parts);
  });

  test('a subject without a kind is all id', () => {
    expect(subjectParts('eni-1')).toStrictEqual({ kind: '', id: 'eni-1' });
    expect(subjectParts(':x')).toStrictEqual({ kind: '', id: 'x' });
  });
});

describe('inStampOrder', () => {
  test('sorts by time then event id, without touching its input', () => {
    const input = [
      parked('eni:a', stamp(3)),
      parked('eni:a', stamp(1, 'b')),
      parked('eni:a', stamp(1, 'a')),
    ];
    const before = [...input];
    expect(inStampOrder(input).map((p) => p.stamp.eventId)).toStrictEqual(['a', 'b', 'ev-3']);
    expect(input).toStrictEqual(before);
  });
});

describe('applyParked', () => {
  test('each subject once, its changes oldest first, each unparked before it is applied', async () => {
    const lot = new RecordingLot([
      parked('eni:a', stamp(5)),
      parked('eni:a', stamp(2)),
      parked('eni:b', stamp(1)),
      parked('eni:c', stamp(1, 'not-filed')),
    ]);
    const outcomes = await applyParked(lot, ['eni:a', 'eni:b', 'eni:a'], async (p) => {
      lot.calls.push(`apply ${p.stamp.eventId}`);
      return `applied ${p.subject} ${p.stamp.eventId}`;
    });
    expect(outcomes).toStrictEqual([
      'applied eni:a ev-2',
      'applied eni:a ev-5',
      'applied eni:b ev-1',
    ]);
    expect(lot.calls).toStrictEqual([
      'parkedFor eni:a',
      'unpark eni:a ev-2',
      'apply ev-2',
      'unpark eni:a ev-5',
      'apply ev-5',
      'parkedFor eni:b',
      'unpark eni:b ev-1',
      'apply ev-1',
    ]);
    expect(lot.left('eni:c')).toStrictEqual(['not-filed']);
  });

  test('no subjects filed: nothing read, nothing applied', async () => {
    const lot = new RecordingLot([parked('eni:a', stamp(1))]);
    expect(await applyParked(lot, [], async () => 'applied')).toStrictEqual([]);
    expect(lot.calls).toStrictEqual([]);
  });
});

describe('discardParked', () => {
  test("drops every change of the ended subject and returns them; other subjects' stay", async () => {
    const lot = new RecordingLot([
      parked('eni:a', stamp(2)),
      parked('eni:a', stamp(1)),
      parked('eni:b', stamp(1)),
    ]);
    const dropped = await discardParked(lot, 'eni:a');
    expect(dropped.map((p) => p.stamp.eventId)).toStrictEqual(['ev-2', 'ev-1']);
    expect(lot.left('eni:a')).toStrictEqual([]);
    expect(lot.left('eni:b')).toStrictEqual(['ev-1']);
  });
});

describe('takeSuperseded: changes older than the read are taken out, the rest stay', () => {
  const readAt = stamp(10, 'read');

  test.each<[string, EventStamp[], string[], string[]]>([
    ['all older', [stamp(4), stamp(2)], ['ev-2', 'ev-4'], []],
    ['all newer', [stamp(11), stamp(12)], [], ['ev-11', 'ev-12']],
    ['mixed', [stamp(11), stamp(9)], ['ev-9'], ['ev-11']],
    // The same time: the event id decides, as the ledger's conditional writes do.
    ['same time, smaller id', [stamp(10, 'qqq')], ['qqq'], []],
    ['same time, larger id', [stamp(10, 'zzz')], [], ['zzz']],
    // The read's own stamp is not older than itself.
    ['the read itself', [stamp(10, 'read')], [], ['read']],
  ])('%s', async (_title, stamps, taken, left) => {
    const lot = new RecordingLot(stamps.map((s) => parked('eni:a', s)));
    const out = await takeSuperseded(lot, ['eni:a', 'eni:a'], readAt);
    expect(out.map((p) => p.stamp.eventId)).toStrictEqual(taken);
    expect([...lot.left('eni:a')].sort()).toStrictEqual(left);
    expect(lot.calls.filter((c) => c.startsWith('parkedFor'))).toStrictEqual(['parkedFor eni:a']);
  });

  test('only the filed subjects are read', async () => {
    const lot = new RecordingLot([parked('eni:a', stamp(1)), parked('eni:b', stamp(1))]);
    const out = await takeSuperseded(lot, ['eni:b'], readAt);
    expect(out).toStrictEqual([parked('eni:b', stamp(1))]);
    expect(lot.left('eni:a')).toStrictEqual(['ev-1']);
  });
});
