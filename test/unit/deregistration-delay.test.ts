import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type ActualDelay,
  actualDeregistrationDelay,
  checkDeregistrationDelay,
  type DelayCheckInput,
  type DelaySource,
  type DeregistrationDelayPolicy,
  delayChangeOf,
  desiredDeregistrationDelay,
  parseDelaySeconds,
  remediationPlan,
  validateDelayPolicy,
} from '#core/targets/deregistration-delay.ts';
import { type ElbChange, parseElbEvent as parseElbResult } from '#core/targets/elb-event.ts';

/** The parsed change; these samples all parse. */
const parseElbEvent = (raw: unknown): ElbChange => {
  const result = parseElbResult(raw);
  if (!result.ok) throw new Error(result.reason);
  return result.value;
};

const TG =
  'arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:targetgroup/k8s-default-echo-8d2e5f1a7c/6b1d3f5a7c9e2b40';
const ATTR = 'deregistration_delay.timeout_seconds';
const TAG = 'netledger/deregistration-delay';

const policy: DeregistrationDelayPolicy = {
  default: 120,
  perCluster: { myeks: 90 },
  perStack: { 'default/echo': 60 },
};

describe('desiredDeregistrationDelay precedence: tag > stack > cluster > default', () => {
  test.each<[string, { cluster?: string; stack?: string; tag?: string }, number, DelaySource]>([
    ['tag wins over everything', { cluster: 'myeks', stack: 'default/echo', tag: '15' }, 15, 'tag'],
    ['tag of 0 is a valid pin', { cluster: 'myeks', stack: 'default/echo', tag: '0' }, 0, 'tag'],
    ['stack over cluster', { cluster: 'myeks', stack: 'default/echo' }, 60, 'stack'],
    [
      'cluster when the stack has no entry',
      { cluster: 'myeks', stack: 'shop/cart' },
      90,
      'cluster',
    ],
    ['cluster when there is no stack', { cluster: 'myeks' }, 90, 'cluster'],
    ['default for an unknown cluster', { cluster: 'other', stack: 'shop/cart' }, 120, 'default'],
    ['default with nothing known', {}, 120, 'default'],
    ['stack even without a cluster', { stack: 'default/echo' }, 60, 'stack'],
    [
      'an invalid tag falls through to the stack',
      { stack: 'default/echo', tag: 'sixty' },
      60,
      'stack',
    ],
    ['a tag above 3600 falls through', { cluster: 'myeks', tag: '4000' }, 90, 'cluster'],
  ])('%s', (_name, scope, seconds, source) => {
    // Prepare
    const tags: Record<string, string> = scope.tag === undefined ? {} : { [TAG]: scope.tag };

    // Act
    const desired = desiredDeregistrationDelay(policy, { ...scope, tags });

    // Assess
    expect(desired.seconds).toBe(seconds);
    expect(desired.source).toBe(source);
    expect(desired.ignoredTag !== undefined).toBe(scope.tag !== undefined && source !== 'tag');
  });
});

describe('parseDelaySeconds', () => {
  test.each<[string | number, number | undefined]>([
    ['0', 0],
    ['60', 60],
    [' 300 ', 300],
    ['3600', 3600],
    [3600, 3600],
    ['3601', undefined],
    ['-1', undefined],
    [-1, undefined],
    ['60.5', undefined],
    [60.5, undefined],
    ['1e3', undefined],
    ['', undefined],
    ['sixty', undefined],
  ])('%j -> %s', (raw, seconds) => {
    const parsed = parseDelaySeconds(raw);
    expect(parsed.ok ? parsed.seconds : undefined).toBe(seconds);
  });
});

describe('actualDeregistrationDelay', () => {
  test.each<[string, Record<string, string>, ActualDelay['kind'], number | undefined]>([
    ['absent means AWS default 300', { 'stickiness.enabled': 'false' }, 'aws-default', 300],
    ['empty value means unset', { [ATTR]: '' }, 'aws-default', 300],
    ['set to 60', { [ATTR]: '60' }, 'set', 60],
    ['set to 300 explicitly', { [ATTR]: '300' }, 'set', 300],
    ['out of range', { [ATTR]: '4000' }, 'invalid', undefined],
    ['not a number', { [ATTR]: 'soon' }, 'invalid', undefined],
  ])('%s', (_name, attributes, kind, seconds) => {
    const actual = actualDeregistrationDelay(attributes);
    expect(actual.kind).toBe(kind);
    expect('seconds' in actual ? actual.seconds : undefined).toBe(seconds);
  });
});

describe('checkDeregistrationDelay', () => {
  const base: DelayCheckInput = {
    tgArn: TG,
    cluster: 'myeks',
    stack: 'default/echo',
    tags: { [TAG]: '60' },
    attributes: { [ATTR]: '60' },
    policy,
  };

  test('the console change to 300 is drift that names the user', () => {
    // Prepare: the sample record of alice's change, as the ledger would keep it
    const sample = JSON.parse(
      readFileSync('events/samples/elb/modify-target-group-attributes-console-300.json', 'utf8'),
    );
    const change = parseElbEvent(sample);
    if (change.kind !== 'target-group-attributes-modified') throw new Error(change.kind);
    const lastChange = delayChangeOf(change);

    // Act
    const check = checkDeregistrationDelay({
      ...base,
      attributes: { [ATTR]: '300' },
      ...(lastChange ? { lastChange } : {}),
    });

    // Assess
    expect(lastChange).toMatchObject({ seconds: 300, at: '2026-11-21T14:22:10.000Z' });
    expect(check.status).toBe('drift');
    if (check.status !== 'drift') return;
    expect(check.condition).toMatchObject({
      kind: 'deregistration-delay-drift',
      subject: TG,
      cluster: 'myeks',
      active: true,
      severity: 'warning',
    });
    expect(check.condition.facts).toMatchObject({
      targetGroupName: 'k8s-default-echo-8d2e5f1a7c',
      stack: 'default/echo',
      actualSeconds: 300,
      desiredSeconds: 60,
      desiredSource: 'tag',
    });
    expect(check.condition.facts.changedBy).toContain('alice');
    expect(check.condition.summary).toContain('actual 300 s');
    expect(check.condition.summary).toContain('desired 60 s');
    expect(check.condition.summary).toContain('alice');
    expect(check.condition.title).toContain('default/echo');
  });

  test('back at 60 the condition is inactive', () => {
    // Act
    const check = checkDeregistrationDelay(base);

    // Assess
    expect(check.status).toBe('in-sync');
    expect(check.status === 'in-sync' && check.condition.active).toBe(false);
  });

  test('an unset attribute counts as 300 and drifts from a lower policy', () => {
    // Act
    const check = checkDeregistrationDelay({ ...base, tags: {}, attributes: {} });

    // Assess
    expect(check).toMatchObject({
      status: 'drift',
      actual: { kind: 'aws-default', seconds: 300 },
      desired: { seconds: 60, source: 'stack' },
    });
    expect(check.status === 'drift' && check.condition.summary).toContain('unset');
  });

  test('an unset attribute matches a policy of 300', () => {
    // Act
    const check = checkDeregistrationDelay({
      ...base,
      stack: 'shop/cart',
      cluster: 'other',
      tags: {},
      attributes: {},
      policy: { ...policy, default: 300 },
    });

    // Assess
    expect(check.status).toBe('in-sync');
  });

  test('lambda target groups are not applicable', () => {
    expect(checkDeregistrationDelay({ ...base, targetType: 'lambda' }).status).toBe(
      'not-applicable',
    );
  });

  test('an unreadable actual value is reported, not guessed', () => {
    // Act
    const check = checkDeregistrationDelay({ ...base, attributes: { [ATTR]: 'abc' } });

    // Assess
    expect(check).toMatchObject({
      status: 'invalid-actual',
      actual: { kind: 'invalid', raw: 'abc' },
    });
  });

  test('drift exactly when actual and desired differ', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3600 }),
        fc.integer({ min: 0, max: 3600 }),
        (actual, desired) => {
          // Act
          const check = checkDeregistrationDelay({
            ...base,
            tags: { [TAG]: String(desired) },
            attributes: { [ATTR]: String(actual) },
          });

          // Assess
          expect(check.status).toBe(actual === desired ? 'in-sync' : 'drift');
        },
      ),
    );
  });
});

describe('delayChangeOf', () => {
  test('a change that does not touch the delay is not a delay change', () => {
    // Prepare
    const sample = JSON.parse(
      readFileSync('events/samples/elb/modify-target-group-attributes.json', 'utf8'),
    );
    sample.detail.requestParameters.attributes = [{ key: 'stickiness.enabled', value: 'true' }];
    const change = parseElbEvent(sample);
    if (change.kind !== 'target-group-attributes-modified') throw new Error(change.kind);

    // Act / Assess
    expect(delayChangeOf(change)).toBeUndefined();
  });
});

describe('remediationPlan', () => {
  const drift = checkDeregistrationDelay({
    tgArn: TG,
    cluster: 'myeks',
    stack: 'default/echo',
    tags: {},
    attributes: { [ATTR]: '300' },
    policy,
  });

  test('dry run describes what it would do', () => {
    // Act
    const plan = remediationPlan(drift, false);

    // Assess
    expect(plan).toMatchObject({ action: 'dry-run', tgArn: TG, from: 300, to: 60 });
    expect(plan.description).toMatch(
      /^would set deregistration_delay\.timeout_seconds .* from 300 to 60/,
    );
    expect(plan).not.toHaveProperty('attribute');
  });

  test('remediation gives the attribute change to apply', () => {
    // Act
    const plan = remediationPlan(drift, true);

    // Assess
    expect(plan).toMatchObject({
      action: 'apply',
      tgArn: TG,
      from: 300,
      to: 60,
      attribute: { key: ATTR, value: '60' },
    });
  });

  test.each([true, false])('nothing to do when in sync (remediate=%s)', (remediate) => {
    // Prepare
    const inSync = checkDeregistrationDelay({
      tgArn: TG,
      cluster: 'myeks',
      stack: 'default/echo',
      tags: {},
      attributes: { [ATTR]: '60' },
      policy,
    });

    // Act / Assess
    expect(remediationPlan(inSync, remediate).action).toBe('none');
  });

  test('an applied plan always sets the desired value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3600 }),
        fc.integer({ min: 0, max: 3600 }),
        (actual, desired) => {
          // Prepare
          const check = checkDeregistrationDelay({
            tgArn: TG,
            cluster: 'myeks',
            tags: { [TAG]: String(desired) },
            attributes: { [ATTR]: String(actual) },
            policy,
          });

          // Act
          const plan = remediationPlan(check, true);

          // Assess
          if (actual === desired) expect(plan.action).toBe('none');
          else
            expect(plan).toMatchObject({ action: 'apply', attribute: { value: String(desired) } });
        },
      ),
    );
  });
});

describe('validateDelayPolicy', () => {
  test.each<[string, DeregistrationDelayPolicy, number]>([
    ['a valid policy', policy, 0],
    ['a default above 3600', { ...policy, default: 4000 }, 1],
    ['a fractional cluster value', { ...policy, perCluster: { myeks: 1.5 } }, 1],
    ['a stack key that is not ns/name', { ...policy, perStack: { echo: 60 } }, 1],
    ['a negative stack value', { ...policy, perStack: { 'default/echo': -5 } }, 1],
  ])('%s', (_name, candidate, problems) => {
    expect(validateDelayPolicy(candidate)).toHaveLength(problems);
  });
});
