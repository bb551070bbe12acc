import { describe, expect, test } from 'vitest';
import type { InstanceTypeCache, InstanceTypeReader } from '#core/capacity/capacity-ports.ts';
import { InstanceTypeDataError, parseInstanceTypeInfo } from '#core/capacity/instance-type.ts';
import { CachedInstanceTypeCatalog } from '#core/capacity/instance-type-catalog.ts';
import { rawInstanceType } from '#test/helpers/instance-types.ts';

const raw = rawInstanceType;

class MapCache implements InstanceTypeCache {
  readonly entries = new Map<string, unknown>();
  readonly puts: string[] = [];
  async get(type: string) {
    return this.entries.get(type);
  }
  async put(type: string, info: unknown) {
    this.puts.push(type);
    this.entries.set(type, info);
  }
}

class CountingReader implements InstanceTypeReader {
  readonly calls: string[] = [];
  failNext: Error | undefined;
  constructor(private readonly answer: (type: string) => unknown = raw) {}
  async describe(type: string) {
    this.calls.push(type);
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure;
    return this.answer(type);
  }
}

describe('CachedInstanceTypeCatalog', () => {
  test('a miss reads EC2 once and caches the raw entry; later lookups use the cache', async () => {
    // Prepare
    const cache = new MapCache();
    const reader = new CountingReader();

    // Act
    const first = await new CachedInstanceTypeCatalog(cache, reader).limits('t3.medium');
    // A new execution environment: no memory, same ledger
    const second = await new CachedInstanceTypeCatalog(cache, reader).limits('t3.medium');

    // Assess
    expect(reader.calls).toEqual(['t3.medium']);
    expect(cache.entries.get('t3.medium')).toEqual(raw('t3.medium'));
    expect(first).toEqual(parseInstanceTypeInfo(raw('t3.medium')));
    expect(second).toEqual(first);
  });

  test('concurrent lookups of one type share a single read', async () => {
    // Prepare
    const reader = new CountingReader();
    const catalog = new CachedInstanceTypeCatalog(new MapCache(), reader);

    // Act
    const all = await Promise.all([1, 2, 3].map(() => catalog.limits('c5.large')));

    // Assess
    expect(reader.calls).toEqual(['c5.large']);
    expect(new Set(all.map((l) => l?.enisOnDefaultCard))).toEqual(new Set([3]));
  });

  test('a type EC2 does not know is undefined and not cached in the ledger', async () => {
    // Prepare
    const cache = new MapCache();
    const catalog = new CachedInstanceTypeCatalog(cache, new CountingReader());

    // Act
    const limits = await catalog.limits('x9.mega');

    // Assess
    expect(limits).toBeUndefined();
    expect(cache.puts).toEqual([]);
  });

  test('a failed read is not remembered: the next lookup tries again', async () => {
    // Prepare
    const reader = new CountingReader();
    reader.failNext = new Error('RequestLimitExceeded');
    const catalog = new CachedInstanceTypeCatalog(new MapCache(), reader);

    // Act
    await expect(catalog.limits('t3.medium')).rejects.toThrow('RequestLimitExceeded');
    const limits = await catalog.limits('t3.medium');

    // Assess
    expect(reader.calls).toEqual(['t3.medium', 't3.medium']);
    expect(limits?.ipv4PerEni).toBe(6);
  });

  test('unusable data from EC2 is an error naming the type, and is not cached', async () => {
    // Prepare
    const cache = new MapCache();
    const reader = new CountingReader((type) => ({
      InstanceType: type,
      VCpuInfo: { DefaultVCpus: 2 },
    }));

    // Act
    const lookup = new CachedInstanceTypeCatalog(cache, reader).limits('t3.odd');

    // Assess
    await expect(lookup).rejects.toThrow(InstanceTypeDataError);
    await expect(lookup).rejects.toThrow(/^t3\.odd: NetworkInfo is missing/);
    expect(cache.puts).toEqual([]);
  });
});
