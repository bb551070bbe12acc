import { describe, expect, test } from 'vitest';
import { registrationBaseline, staleTargetCondition } from '#core/targets/stale-target.ts';

// What a stale-target alert says when nothing is known (no baseline, no holder), and the
// baseline of an IP whose ENI is attached to no node: compared whole, so a made-up field or a
// lost word shows.

const TG = 'arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:targetgroup/k8s-web/0a1b';
const REGISTERED = '2026-11-21T10:04:10.000Z';

describe('registrationBaseline', () => {
  test('an IP on an ENI attached to no node has the ENI as its only baseline', () => {
    expect(registrationBaseline({ eniId: 'eni-a' }, REGISTERED)).toStrictEqual({
      eniAtRegistration: 'eni-a',
    });
  });
});

describe('staleTargetCondition wording', () => {
  test('a target registered with no baseline whose IP no ENI holds says both', () => {
    // Act
    const condition = staleTargetCondition(
      { tgArn: TG, ip: '192.168.1.21', port: 8080, registeredAt: REGISTERED },
      undefined,
      { cluster: 'myeks' },
    );

    // Assess
    expect(condition.summary).toBe(
      `192.168.1.21:8080 registered at ${REGISTERED} on unknown, now on no ENI: no ENI holds this IP any more; traffic to it goes nowhere`,
    );
  });
});
