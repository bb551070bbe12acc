import { describe, expect, test } from 'vitest';
import { InstanceTypeDataError, instanceTypeEntries } from '#core/capacity/instance-type.ts';

// A saved DescribeInstanceTypes document: its entries unparsed, or which way its list is wrong.

describe('instanceTypeEntries', () => {
  test.each([
    [
      {},
      'InstanceTypes is missing (expected the JSON printed by `aws ec2 describe-instance-types`)',
    ],
    [{ InstanceTypes: 5 }, 'InstanceTypes is invalid (expected an array)'],
  ])('%j: %s', (document, message) => {
    expect(() => instanceTypeEntries(document)).toThrow(new InstanceTypeDataError(message));
  });

  test('the entries, unparsed', () => {
    expect(instanceTypeEntries({ InstanceTypes: [1, { a: 2 }] })).toStrictEqual([1, { a: 2 }]);
  });
});
