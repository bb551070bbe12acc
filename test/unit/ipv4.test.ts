import { describe, expect, test } from 'vitest';
import { Ipv4ParseError, numberToIpv4, parseIpv4Cidr } from '#core/network/ipv4.ts';

// Subnet and prefix CIDRs as EC2 reports them. A CIDR the ledger cannot trust is refused with
// a named error instead of being counted as some other block.

describe('parseIpv4Cidr', () => {
  test.each<{ cidr: string; base: string; prefixLength: number; size: number }>([
    { cidr: '10.0.0.0/16', base: '10.0.0.0', prefixLength: 16, size: 65_536 },
    { cidr: '10.0.1.32/28', base: '10.0.1.32', prefixLength: 28, size: 16 },
    { cidr: '10.0.1.7/32', base: '10.0.1.7', prefixLength: 32, size: 1 },
    { cidr: '0.0.0.0/0', base: '0.0.0.0', prefixLength: 0, size: 2 ** 32 },
  ])('$cidr is a block of $size', ({ cidr, base, prefixLength, size }) => {
    const block = parseIpv4Cidr(cidr);
    expect({ ...block, base: numberToIpv4(block.base) }).toStrictEqual({
      base,
      prefixLength,
      size,
    });
  });

  test.each([
    ['a prefix length over 32', '10.0.0.0/33'],
    ['a three-digit prefix length', '10.0.0.0/100'],
    ['no prefix length', '10.0.0.0'],
    ['an empty prefix length', '10.0.0.0/'],
    ['a prefix length that is not a number', '10.0.0.0/x'],
    ['a negative prefix length', '10.0.0.0/-1'],
    ['a base not aligned to its block', '10.0.1.8/28'],
    ['a base that is not an address', '10.0.1/24'],
  ])('refuses %s (%s)', (_title, cidr) => {
    expect(() => parseIpv4Cidr(cidr)).toThrow(Ipv4ParseError);
  });
  // Equivalent: with no '/', the length text made 'Stryker was here!' instead of '' is refused
  // by the same check, with the same message.
});
