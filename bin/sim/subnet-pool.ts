import ipaddr from 'ipaddr.js';

/**
 * The free addresses of one subnet as the actors see them. moto picks count-only addresses at
 * random, sometimes duplicate or AWS-reserved ones, and never runs out (a /27 went to -13
 * free): so the actors pass explicit addresses from here, and a subnet with nothing left
 * gets the failed call AWS would record instead of a call to moto.
 */
export class SubnetPool {
  private readonly used = new Set<string>();
  private readonly first: number;
  private readonly last: number;

  constructor(
    readonly name: string,
    readonly subnetId: string,
    readonly az: string,
    readonly cidr: string,
  ) {
    const [address, bits] = ipaddr.IPv4.parseCIDR(cidr);
    const base = toInt(address.toString()) & (bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0);
    const size = 2 ** (32 - bits);
    // AWS reserves the network address, the next three and the broadcast address.
    this.first = base + 4;
    this.last = base + size - 2;
  }

  get free(): number {
    return this.last - this.first + 1 - this.used.size;
  }

  /** The `count` lowest free addresses, taken; undefined (nothing taken) when too few are left. */
  take(count: number): string[] | undefined {
    if (count > this.free) return undefined;
    const out: string[] = [];
    for (let n = this.first; n <= this.last && out.length < count; n++) {
      const ip = toIp(n);
      if (!this.used.has(ip)) {
        this.used.add(ip);
        out.push(ip);
      }
    }
    return out;
  }

  release(ips: readonly string[]): void {
    for (const ip of ips) this.used.delete(ip);
  }
}

function toInt(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function toIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
