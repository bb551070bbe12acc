import { describe, expect, test } from 'vitest';
import {
  checkDeregistrationDelay,
  type DelayCheckInput,
  type DeregistrationDelayPolicy,
  delayChangeOf,
  desiredDeregistrationDelay,
  validateDelayPolicy,
} from '#core/targets/deregistration-delay.ts';
import type { TargetGroupAttributesModified } from '#core/targets/elb-event.ts';

// The drift alert is what an operator reads: its title, summary and facts say which group,
// whose it is, what the delay is and should be, where "should" comes from, and who changed it.
// Each is compared whole for the shapes the inputs can take.

const TG =
  'arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:targetgroup/echo/6b1d3f5a7c9e2b40';
const ATTR = 'deregistration_delay.timeout_seconds';
const TAG = 'netledger/deregistration-delay';
const policy: DeregistrationDelayPolicy = {
  default: 120,
  perCluster: { myeks: 90 },
  perStack: { 'default/echo': 60 },
};
const base: DelayCheckInput = { tgArn: TG, cluster: 'myeks', tags: {}, attributes: {}, policy };

describe('the drift condition, whole', () => {
  test.each<{ title: string; input: Partial<DelayCheckInput>; condition: Record<string, unknown> }>(
    [
      {
        title: 'an unset delay, no stack: the cluster policy decides',
        input: {},
        condition: {
          active: true,
          title: 'Deregistration delay drift on echo (no stack tag)',
          summary:
            'no stack tag: actual 300 s (AWS default, unset), desired 90 s (from cluster policy)',
          facts: {
            targetGroupArn: TG,
            targetGroupName: 'echo',
            actualSeconds: 300,
            actualSource: 'aws-default',
            desiredSeconds: 90,
            desiredSource: 'cluster',
          },
        },
      },
      {
        title: 'a delay set by a person, against the stack policy',
        input: {
          tgName: 'k8s-echo',
          stack: 'default/echo',
          attributes: { [ATTR]: '300' },
          lastChange: {
            by: 'alice (IAMUser, console)',
            at: '2026-11-21T14:22:10.000Z',
            seconds: 300,
          },
        },
        condition: {
          active: true,
          title: 'Deregistration delay drift on k8s-echo (default/echo)',
          summary:
            'default/echo: actual 300 s, desired 60 s (from stack policy); last changed by alice (IAMUser, console) at 2026-11-21T14:22:10.000Z',
          facts: {
            targetGroupArn: TG,
            targetGroupName: 'k8s-echo',
            actualSeconds: 300,
            actualSource: 'set',
            desiredSeconds: 60,
            desiredSource: 'stack',
            stack: 'default/echo',
            changedBy: 'alice (IAMUser, console)',
            changedAt: '2026-11-21T14:22:10.000Z',
          },
        },
      },
      {
        title: 'back in sync with the tag',
        input: { tags: { [TAG]: '45' }, attributes: { [ATTR]: '45' } },
        condition: {
          active: false,
          title: 'Deregistration delay of echo (no stack tag) is back to 45 s',
          summary: `no stack tag: actual 45 s, desired 45 s (from tag ${TAG})`,
          facts: {
            targetGroupArn: TG,
            targetGroupName: 'echo',
            actualSeconds: 45,
            actualSource: 'set',
            desiredSeconds: 45,
            desiredSource: 'tag',
          },
        },
      },
      {
        title: 'an unusable tag, said in the facts, and the default deciding',
        input: {
          tgArn: 'arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:loadbalancer/net/x/1',
          cluster: 'other',
          tags: { [TAG]: 'soon' },
          attributes: { [ATTR]: '120' },
        },
        condition: {
          active: false,
          title:
            'Deregistration delay of arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:loadbalancer/net/x/1 (no stack tag) is back to 120 s',
          summary: 'no stack tag: actual 120 s, desired 120 s (from default policy)',
          facts: {
            targetGroupArn:
              'arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:loadbalancer/net/x/1',
            targetGroupName:
              'arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:loadbalancer/net/x/1',
            actualSeconds: 120,
            actualSource: 'set',
            desiredSeconds: 120,
            desiredSource: 'default',
            ignoredTag: `${TAG}: "soon" is not a whole number of seconds`,
          },
        },
      },
    ],
  )('$title', ({ input, condition }) => {
    // Act
    const check = checkDeregistrationDelay({ ...base, ...input });

    // Assess
    expect(check.status === 'drift' || check.status === 'in-sync').toBe(true);
    if (check.status !== 'drift' && check.status !== 'in-sync') return;
    expect(check.status).toBe(condition.active ? 'drift' : 'in-sync');
    expect(check.condition).toStrictEqual({
      kind: 'deregistration-delay-drift',
      subject: input.tgArn ?? TG,
      cluster: input.cluster ?? 'myeks',
      severity: 'warning',
      ...condition,
    });
  });
});

describe('an unusable tag still lets the next source decide, and says so', () => {
  test.each<{ scope: { stack?: string; cluster?: string }; seconds: number; source: string }>([
    { scope: { stack: 'default/echo', cluster: 'myeks' }, seconds: 60, source: 'stack' },
    { scope: { cluster: 'myeks' }, seconds: 90, source: 'cluster' },
    { scope: {}, seconds: 120, source: 'default' },
  ])('$source', ({ scope, seconds, source }) => {
    expect(desiredDeregistrationDelay(policy, { ...scope, tags: { [TAG]: '4000' } })).toStrictEqual(
      {
        seconds,
        source,
        ignoredTag: `${TAG}: 4000 is above 3600 s`,
      },
    );
  });

  test('a usable tag says nothing of ignoring', () => {
    expect(desiredDeregistrationDelay(policy, { tags: { [TAG]: '0' } })).toStrictEqual({
      seconds: 0,
      source: 'tag',
    });
  });
});

describe('delayChangeOf', () => {
  const change = (value: string): TargetGroupAttributesModified => ({
    eventId: 'e',
    eventTime: '2026-11-21T14:22:10.000Z',
    region: 'ap-northeast-2',
    account: '111122223333',
    actor: { type: 'IAMUser', via: 'console', label: 'alice (IAMUser, console)' },
    kind: 'target-group-attributes-modified',
    arn: TG,
    attributes: { [ATTR]: value },
  });

  test('a readable delay is kept with its seconds', () => {
    expect(delayChangeOf(change('60'))).toStrictEqual({
      by: 'alice (IAMUser, console)',
      at: '2026-11-21T14:22:10.000Z',
      seconds: 60,
    });
  });

  test('an unreadable delay keeps who and when, without seconds', () => {
    expect(delayChangeOf(change('soon'))).toStrictEqual({
      by: 'alice (IAMUser, console)',
      at: '2026-11-21T14:22:10.000Z',
    });
  });
});

describe('validateDelayPolicy', () => {
  test('each bad value is named by where it is', () => {
    expect(
      validateDelayPolicy({
        default: 4000,
        perCluster: { myeks: 3601 },
        perStack: { 'default/echo': 1.5 },
      }),
    ).toStrictEqual([
      'default: 4000 is above 3600 s',
      'perCluster.myeks: 3601 is above 3600 s',
      'perStack.default/echo: "1.5" is not a whole number of seconds',
    ]);
  });
});

describe('a group with no cluster', () => {
  test('takes the default, even beside a cluster literally named "undefined"', () => {
    // Prepare
    const withOddName = { ...policy, perCluster: { undefined: 30 } };

    // Act
    const desired = desiredDeregistrationDelay(withOddName, { tags: {} });

    // Assess
    expect(desired).toStrictEqual({ seconds: 120, source: 'default' });
  });
});
