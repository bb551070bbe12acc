import ipaddr from 'ipaddr.js';

/** An IPv4 address or CIDR string that cannot be used; the message names the input. */
export class Ipv4ParseError extends Error {
  override readonly name = 'Ipv4ParseError';
}

/** An aligned IPv4 block as unsigned 32-bit integers. */
export interface Ipv4Block {
  readonly base: number;
  readonly prefixLength: number;
  readonly size: number;
}

/**
 * Dotted-quad IPv4 to an unsigned 32-bit integer. Only strict four-part decimal is
 * accepted: ipaddr.js's lenient forms ("10.1", hex, octal) never come from EC2 and
 * would hide a corrupted ledger entry.
 */
export function ipv4ToNumber(address: string): number {
  if (!ipaddr.IPv4.isValidFourPartDecimal(address)) {
    throw new Ipv4ParseError(`${JSON.stringify(address)} is not an IPv4 address`);
  }
  const [a = 0, b = 0, c = 0, d = 0] = ipaddr.IPv4.parse(address).octets;
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

export function numberToIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** Parses "a.b.c.d/n"; the base must be aligned to the block, as every AWS CIDR is. */
export function parseIpv4Cidr(cidr: string): Ipv4Block {
  const slash = cidr.indexOf('/');
  const lengthText = slash < 0 ? '' : cidr.slice(slash + 1);
  if (!/^\d{1,2}$/.test(lengthText) || Number(lengthText) > 32) {
    throw new Ipv4ParseError(`${JSON.stringify(cidr)} is not an IPv4 CIDR`);
  }
  const prefixLength = Number(lengthText);
  const base = ipv4ToNumber(cidr.slice(0, slash));
  const size = 2 ** (32 - prefixLength);
  if (base % size !== 0) {
    throw new Ipv4ParseError(
      `${JSON.stringify(cidr)} is not aligned: its block starts at ${numberToIpv4(base - (base % size))}`,
    );
  }
  return { base, prefixLength, size };
}
