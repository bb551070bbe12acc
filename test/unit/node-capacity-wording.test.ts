import { describe, expect, test } from 'vitest';
import {
  computeNodeCapacity,
  evaluateNodeCapacity,
  NodeCapacityInputError,
} from '#core/capacity/node-capacity.ts';
import { t3Medium } from '#test/helpers/instance-types.ts';

// What a node-capacity alert is titled, and which setting or ENI an invalid input names: the
// operator reads these to know which node is stuck and which value to fix.

const settings = { prefixDelegation: false, customNetworking: false };
const thresholds = { minFreeSlots: 2, minFreePercent: 0, clearMarginSlots: 1 };
const eni = (i: number, used: number) => ({
  eniId: `eni-${i}`,
  primary: i === 0,
  secondaryIpv4Count: used,
  prefixCount: 0,
});
const node = (used: number[]) =>
  computeNodeCapacity({
    nodeId: 'i-1',
    cluster: 'prod',
    limits: t3Medium,
    settings,
    enis: used.map((u, i) => eni(i, u)),
  });

describe('evaluateNodeCapacity titles', () => {
  test.each([
    ['every ENI attached and full', [5, 5, 5], 'Node i-1 near its pod ceiling'],
    ['ENIs left to attach', [5], 'Node i-1 has pod capacity'],
  ])('%s: "%s"', (_title, used, title) => {
    expect(evaluateNodeCapacity(node(used), thresholds, false).title).toBe(title);
  });
});

describe('invalid inputs name what is wrong', () => {
  test.each([
    ['minFreeSlots', { ...thresholds, minFreeSlots: -1 }],
    ['minFreePercent', { ...thresholds, minFreePercent: Number.NaN }],
    ['clearMarginSlots', { ...thresholds, clearMarginSlots: -0.5 }],
  ])('%s', (field, bad) => {
    expect(() => evaluateNodeCapacity(node([1]), bad, false)).toThrow(
      new NodeCapacityInputError(
        `${field} must be a non-negative number, got ${Object.values(bad).find((v) => !(v >= 0))}`,
      ),
    );
  });

  test.each([
    ['secondaryIpv4Count', { ...eni(0, 1.5) }],
    ['prefixCount', { ...eni(0, 1), prefixCount: -1 }],
  ])('an ENI’s %s', (field, bad) => {
    expect(() =>
      computeNodeCapacity({
        nodeId: 'i-1',
        cluster: 'prod',
        limits: t3Medium,
        settings,
        enis: [bad],
      }),
    ).toThrow(new RegExp(`^eni-0\\.${field} must be a non-negative integer`));
  });
});
