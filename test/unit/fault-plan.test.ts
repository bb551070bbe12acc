import { describe, expect, test } from 'vitest';
import { FaultPlan } from '../../bin/sim/faults/fault-plan.ts';
import type { WireRequest } from '../../bin/sim/faults/fault-proxy.ts';

const ALERT = 'ALERT#node-pod-capacity#i-0abc';

const publish: WireRequest = {
  service: 'sns',
  operation: 'Publish',
  body: Buffer.from(
    new URLSearchParams({
      Action: 'Publish',
      Message: JSON.stringify({ kind: 'node-pod-capacity', subject: 'i-0abc', type: 'open' }),
    }).toString(),
  ),
};
const read: WireRequest = {
  service: 'dynamodb',
  operation: 'GetItem',
  body: Buffer.from(JSON.stringify({ Key: { PK: { S: ALERT } } })),
};
const clearOutbox: WireRequest = {
  service: 'dynamodb',
  operation: 'PutItem',
  body: Buffer.from(JSON.stringify({ Item: { PK: { S: ALERT }, status: { S: 'open' } } })),
};

function plan(settings: Partial<ConstructorParameters<typeof FaultPlan>[1]> = {}) {
  return new FaultPlan(1, {
    rate: 0,
    publishOutageRate: 0,
    firstOutageWithin: 5,
    snsAttempts: 5,
    ...settings,
  });
}

describe('FaultPlan: where the handler process is killed', () => {
  test('at the armed request, before it leaves', () => {
    // Prepare
    const p = plan();
    const kills: number[] = [];
    p.arm({ atRequest: 2, when: 'before', kill: () => kills.push(1) });

    // Act
    const verdicts = [p.verdict(read).do, p.verdict(read).do, p.verdict(read).do];

    // Assess
    expect(verdicts).toEqual(['forward', 'drop', 'forward']);
    expect(kills).toHaveLength(1);
  });

  test('never between SNS accepting a publish and the alert outbox being cleared', () => {
    // Prepare: the crash is due at the request right after the publish
    const p = plan();
    const kills: string[] = [];
    p.arm({ atRequest: 2, when: 'before', kill: () => kills.push('kill') });

    // Act
    const verdicts = [p.verdict(publish).do];
    p.answered(publish, 200);
    verdicts.push(p.verdict(read).do, p.verdict(clearOutbox).do);
    p.answered(read, 200);
    p.answered(clearOutbox, 200);
    verdicts.push(p.verdict(read).do);

    // Assess: held while the window was open, struck at the first request after it closed
    expect(verdicts).toEqual(['forward', 'forward', 'forward', 'drop']);
    expect(kills).toEqual(['kill']);
  });

  test('after the service applied a request, once its answer arrives', () => {
    // Prepare
    const p = plan();
    const kills: string[] = [];
    p.arm({ atRequest: 1, when: 'after', kill: () => kills.push('kill') });

    // Act
    const verdict = p.verdict(clearOutbox).do;
    const killedBeforeAnswer = kills.length;
    p.answered(clearOutbox, 200);

    // Assess
    expect(verdict).toBe('forward-then-drop');
    expect([killedBeforeAnswer, kills.length]).toEqual([0, 1]);
  });
});

describe('FaultPlan: injected faults', () => {
  test('every faulted service gets faults at the rate, others none, all counted', () => {
    // Prepare
    const p = plan({ rate: 0.2 });
    const services = ['ec2', 'elasticloadbalancing', 'route53', 'sns', 'dynamodb', 'sqs'];

    // Act
    const failed: Record<string, number> = {};
    for (let i = 0; i < 2000; i++) {
      for (const service of services) {
        const v = p.verdict({ service, operation: 'Describe', body: Buffer.alloc(0) });
        if (v.do === 'fail') failed[service] = (failed[service] ?? 0) + 1;
      }
    }

    // Assess
    for (const service of services.slice(0, 5)) {
      expect(failed[service], service).toBeGreaterThan(330);
      expect(failed[service], service).toBeLessThan(470);
    }
    expect(failed.sqs).toBeUndefined();
    expect(p.counts.injected).toBe(Object.values(failed).reduce((a, b) => a + b, 0));
    expect(p.counts.injectedByService).toEqual(failed);
  });

  test('a publish outage fails every attempt of that notification, then lets it through', () => {
    // Prepare
    const p = plan({ publishOutageRate: 1, snsAttempts: 3 });

    // Act
    const verdicts = Array.from({ length: 4 }, () => p.verdict(publish).do);

    // Assess
    expect(verdicts).toEqual(['fail', 'fail', 'fail', 'forward']);
    expect(p.counts.publishOutages).toBe(1);
  });

  test('publish outages do not depend on how many other requests the handlers make', () => {
    // Prepare: the same seed, one run making no other requests, one making many (and
    // varying numbers of them) between notifications, as a change that saves reads would
    const quiet = plan({ rate: 0.2, publishOutageRate: 0.3, snsAttempts: 1 });
    const busy = plan({ rate: 0.2, publishOutageRate: 0.3, snsAttempts: 1 });

    // Act: the outages counted so far, after each notification's first attempt
    const outages = (p: FaultPlan, readsBefore: (i: number) => number) =>
      Array.from({ length: 40 }, (_, i) => {
        for (let r = 0; r < readsBefore(i); r++) p.verdict(read);
        p.verdict(notification(i));
        return p.counts.publishOutages;
      });
    const fromQuiet = outages(quiet, () => 0);
    const fromBusy = outages(busy, (i) => 1 + (i % 7));

    // Assess: the same notifications in an outage, and the busy run did fail reads
    expect(fromBusy).toEqual(fromQuiet);
    expect(quiet.counts.publishOutages).toBeGreaterThan(0);
    expect(busy.counts.injectedByService.dynamodb).toBeGreaterThan(0);
  });

  test('with outages on, one of the first few notifications is one, for every seed', () => {
    // Prepare: a rate so low that a draw alone would almost never pick one
    const settings = { rate: 0.2, publishOutageRate: 0.001, firstOutageWithin: 3, snsAttempts: 1 };

    // Act
    const firstOutage = Array.from({ length: 50 }, (_, seed) => {
      const p = new FaultPlan(seed, settings);
      for (let i = 0; i < 3; i++) {
        if (p.verdict(notification(i)).do === 'fail' && p.counts.publishOutages > 0) return i + 1;
      }
      return undefined;
    });

    // Assess: every seed had one, and not always at the same notification
    expect(firstOutage.filter((n) => n === undefined)).toEqual([]);
    expect(new Set(firstOutage).size).toBeGreaterThan(1);
  });

  test('with the outage rate at zero, no notification is in an outage', () => {
    // Prepare
    const p = plan({ firstOutageWithin: 1 });

    // Act
    const verdicts = Array.from({ length: 5 }, (_, i) => p.verdict(notification(i)).do);

    // Assess
    expect(verdicts).toEqual(Array(5).fill('forward'));
    expect(p.counts.publishOutages).toBe(0);
  });
});

/** The i-th distinct notification (an SNS Publish of its own alert). */
function notification(i: number): WireRequest {
  return {
    service: 'sns',
    operation: 'Publish',
    body: Buffer.from(
      new URLSearchParams({
        Action: 'Publish',
        Message: JSON.stringify({ kind: 'node-pod-capacity', subject: `i-${i}`, type: 'open' }),
      }).toString(),
    ),
  };
}
