import type {
  InstanceTypeCache,
  InstanceTypeCatalog,
  InstanceTypeReader,
} from '#core/capacity/capacity-ports.ts';
import { type InstanceTypeLimits, parseInstanceTypeInfo } from '#core/capacity/instance-type.ts';

/**
 * Instance-type limits from the ledger's cache, falling back to DescribeInstanceTypes
 * once per type and caching what it returns. Limits never change for a type in
 * practice, so an execution environment also keeps them in memory; a type EC2 does not
 * know is remembered as unknown only in memory, so a later deployment can learn it.
 * Cached data that no longer parses (InstanceTypeDataError) is an error, not a miss.
 */
export class CachedInstanceTypeCatalog implements InstanceTypeCatalog {
  private readonly memo = new Map<string, Promise<InstanceTypeLimits | undefined>>();

  constructor(
    private readonly cache: InstanceTypeCache,
    private readonly reader: InstanceTypeReader,
  ) {}

  limits(instanceType: string): Promise<InstanceTypeLimits | undefined> {
    let pending = this.memo.get(instanceType);
    if (!pending) {
      // Concurrent lookups of one type share a single read.
      pending = this.load(instanceType);
      this.memo.set(instanceType, pending);
      // A failed read (throttling) must not be remembered.
      pending.catch(() => this.memo.delete(instanceType));
    }
    return pending;
  }

  private async load(instanceType: string): Promise<InstanceTypeLimits | undefined> {
    const cached = await this.cache.get(instanceType);
    if (cached !== undefined) return parseInstanceTypeInfo(cached, instanceType);
    const info = await this.reader.describe(instanceType);
    if (info === undefined) return undefined;
    // Parse before caching, so bad data is never stored.
    const limits = parseInstanceTypeInfo(info, instanceType);
    await this.cache.put(instanceType, info);
    return limits;
  }
}
