import { describe, expect, test } from 'vitest';
import { instanceTypeCaches } from '#test/contract/implementations.ts';

/** What every InstanceTypeCache promises, held against the DynamoDB cache and the memory cache. */
const T3_MEDIUM = {
  InstanceType: 't3.medium',
  Hypervisor: 'nitro',
  NetworkInfo: { MaximumNetworkInterfaces: 3, Ipv4AddressesPerInterface: 6, Unknown: undefined },
};

describe.each(instanceTypeCaches)('InstanceTypeCache contract: $name', ({ make }) => {
  test('an entry reads back as its JSON; an unknown type is a miss', async () => {
    // Prepare
    const cache = await make();

    // Act
    await cache.put('t3.medium', T3_MEDIUM);

    // Assess
    expect(await cache.get('t3.medium')).toStrictEqual(JSON.parse(JSON.stringify(T3_MEDIUM)));
    expect(await cache.get('m5.large')).toBeUndefined();
  });

  test('an entry expires thirty days after it was cached', async () => {
    // Prepare
    let now = Date.parse('2026-11-21T10:00:00Z');
    const cache = await make(() => new Date(now));
    await cache.put('t3.medium', T3_MEDIUM);

    // Act
    now += 30 * 86_400_000 - 1000;
    const justBefore = await cache.get('t3.medium');
    now += 1000;
    const atExpiry = await cache.get('t3.medium');

    // Assess
    expect(justBefore).toBeDefined();
    expect(atExpiry).toBeUndefined();
  });
});
