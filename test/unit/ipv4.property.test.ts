import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Ipv4ParseError, ipv4ToNumber, numberToIpv4, parseIpv4Cidr } from '#core/network/ipv4.ts';

// The IPv4 arithmetic subnet capacity stands on, as properties. The oracle is plain place-value
// arithmetic on the four octets (a * 256^3 + ...), independent of the bit operations under test.

const octet = fc.integer({ min: 0, max: 255 });
const octets = fc.tuple(octet, octet, octet, octet);
const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const placeValue = ([a, b, c, d]: readonly number[]) =>
  (a ?? 0) * 256 ** 3 + (b ?? 0) * 256 ** 2 + (c ?? 0) * 256 + (d ?? 0);
const dotted = (parts: readonly number[]) => parts.join('.');

describe('ipv4ToNumber and numberToIpv4', () => {
  test('a dotted quad is the place value of its octets, unsigned', () => {
    fc.assert(
      fc.property(octets, (parts) => {
        expect(ipv4ToNumber(dotted(parts))).toBe(placeValue(parts));
      }),
    );
  });

  test('a number prints as the octets of its place value', () => {
    fc.assert(
      fc.property(octets, (parts) => {
        expect(numberToIpv4(placeValue(parts))).toBe(dotted(parts));
      }),
    );
  });

  test('every unsigned 32-bit number survives the round trip', () => {
    fc.assert(
      fc.property(u32, (n) => {
        expect(ipv4ToNumber(numberToIpv4(n))).toBe(n);
      }),
    );
  });

  test.each([
    ['the top address', '255.255.255.255', 2 ** 32 - 1],
    ['the high bit alone', '128.0.0.0', 2 ** 31],
    ['the lowest address', '0.0.0.0', 0],
  ])('%s, %s, is %d', (_title, address, value) => {
    expect(ipv4ToNumber(address)).toBe(value);
    expect(numberToIpv4(value)).toBe(address);
  });

  test.each([
    ['two parts', '10.1'],
    ['hexadecimal', '0x0a.0.0.1'],
    ['an octet over 255', '10.0.0.256'],
    ['five parts', '10.0.0.0.1'],
    ['nothing', ''],
  ])('refuses %s (%s)', (_title, address) => {
    expect(() => ipv4ToNumber(address)).toThrow(Ipv4ParseError);
  });
});

describe('parseIpv4Cidr', () => {
  /** A prefix length and a base aligned to its block. */
  const aligned = fc
    .integer({ min: 0, max: 32 })
    .chain((prefixLength) =>
      fc
        .integer({ min: 0, max: 2 ** prefixLength - 1 })
        .map((block) => ({ prefixLength, base: block * 2 ** (32 - prefixLength) })),
    );

  test('an aligned block parses to its base, length and size', () => {
    fc.assert(
      fc.property(aligned, ({ prefixLength, base }) => {
        expect(parseIpv4Cidr(`${numberToIpv4(base)}/${prefixLength}`)).toStrictEqual({
          base,
          prefixLength,
          size: 2 ** (32 - prefixLength),
        });
      }),
    );
  });

  test('a base inside its block, not at its start, is refused', () => {
    const unaligned = aligned
      .filter(({ prefixLength }) => prefixLength < 32)
      .chain(({ prefixLength, base }) =>
        fc
          .integer({ min: 1, max: 2 ** (32 - prefixLength) - 1 })
          .map((offset) => `${numberToIpv4(base + offset)}/${prefixLength}`),
      );
    fc.assert(
      fc.property(unaligned, (cidr) => {
        expect(() => parseIpv4Cidr(cidr)).toThrow(Ipv4ParseError);
      }),
    );
  });

  test.each([
    ['letters before the length', '10.0.0.0/a16'],
    ['a slash first', '/16'],
    ['a second slash', '10.0.0.0/16/16'],
  ])('refuses %s (%s)', (_title, cidr) => {
    expect(() => parseIpv4Cidr(cidr)).toThrow(Ipv4ParseError);
  });
});
