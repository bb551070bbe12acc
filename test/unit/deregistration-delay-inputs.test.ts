import { describe, expect, test } from 'vitest';
import {
  actualDeregistrationDelay,
  DEREGISTRATION_DELAY_ATTRIBUTE,
  type DeregistrationDelayPolicy,
  parseDelaySeconds,
  validateDelayPolicy,
} from '#core/targets/deregistration-delay.ts';

// Inputs of the deregistration-delay policy that mutation testing found untested:
// per-stack keys that are not exactly namespace/name, and attributes that are only
// whitespace.

const policy = (perStack: Record<string, number>): DeregistrationDelayPolicy => ({
  default: 60,
  perCluster: {},
  perStack,
});

describe('per-stack keys must be namespace/name', () => {
  test.each(['default/web', 'kube-system/aws-load-balancer-webhook', 'a/b'])(
    '%s is accepted',
    (key) => {
      expect(validateDelayPolicy(policy({ [key]: 30 }))).toStrictEqual([]);
    },
  );

  test.each([
    'web',
    'default/web/extra',
    'x/default/web',
    '/web',
    'default/',
    'default /web',
    'default/ web',
    'default/web app',
    ' default/web',
    'default/web ',
    '',
  ])('%j is refused', (key) => {
    expect(validateDelayPolicy(policy({ [key]: 30 }))).toStrictEqual([
      `perStack.${key}: key is not namespace/name`,
    ]);
  });

  test('a bad key and a bad value are both reported', () => {
    expect(validateDelayPolicy(policy({ web: 5000 }))).toHaveLength(2);
  });
});

describe('attribute values that are only whitespace', () => {
  test.each(['', ' ', '   ', '\t'])('%j means AWS default of 300 s', (raw) => {
    expect(actualDeregistrationDelay({ [DEREGISTRATION_DELAY_ATTRIBUTE]: raw })).toStrictEqual({
      kind: 'aws-default',
      seconds: 300,
    });
  });

  test('a value padded with whitespace is read as its number', () => {
    expect(actualDeregistrationDelay({ [DEREGISTRATION_DELAY_ATTRIBUTE]: ' 60 ' })).toStrictEqual({
      kind: 'set',
      seconds: 60,
    });
  });

  test.each([' ', '6 0', '60s', '-1', '1.5'])('%j is not a number of seconds', (raw) => {
    expect(parseDelaySeconds(raw).ok).toBe(false);
  });

  test.each([
    ['0', 0],
    ['3600', 3600],
  ])('%s is within what AWS accepts', (raw, seconds) => {
    expect(parseDelaySeconds(raw)).toStrictEqual({ ok: true, seconds });
  });

  test('3601 is above what AWS accepts', () => {
    expect(parseDelaySeconds('3601').ok).toBe(false);
  });
});
