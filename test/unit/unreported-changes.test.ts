import { describe, expect, test } from 'vitest';
import { unreportedChangesWarning } from '#core/targets/unreported-changes.ts';

describe('unreportedChangesWarning', () => {
  test.each([
    [{}, undefined],
    [{ network: 0, loadBalancers: 0 }, undefined],
    [
      { network: 3 },
      /^the sweep repaired 3 ENI\/address change\(s\) that no event reported; .*CloudTrail trail/,
    ],
    [{ loadBalancers: 2 }, /^the sweep repaired 2 load-balancer\/target change\(s\) that/],
    [
      { network: 1, loadBalancers: 4 },
      /repaired 1 ENI\/address change\(s\) and 4 load-balancer\/target change\(s\)/,
    ],
    [
      { network: 2, loadBalancers: 2 },
      /^the sweep repaired 2 ENI\/address change\(s\) and 2 .*\(see README, Deploy: createTrail\)$/,
    ],
  ])('%j', (repairs, expected) => {
    const warning = unreportedChangesWarning(repairs);
    if (expected === undefined) expect(warning).toBeUndefined();
    else expect(warning).toMatch(expected);
  });
});
