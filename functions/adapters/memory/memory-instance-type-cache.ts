import type { InstanceTypeCache } from '#core/capacity/capacity-ports.ts';

/** Kept as long as the DynamoDB cache keeps an entry: AWS occasionally raises a type's limits. */
export const MEMORY_INSTANCE_TYPE_CACHE_SECONDS = 30 * 86_400;

/**
 * Raw `InstanceTypeInfo` documents in a map. Like the ledger's cache it keeps a JSON copy (what
 * goes in is what a later read gets, undefined members dropped) and an entry expires after
 * `ttlSeconds` by the injected clock.
 */
export class MemoryInstanceTypeCache implements InstanceTypeCache {
  readonly #entries = new Map<string, { json: string | undefined; expiresAt: number }>();

  constructor(
    private readonly clock: () => Date = () => new Date(),
    private readonly ttlSeconds: number = MEMORY_INSTANCE_TYPE_CACHE_SECONDS,
  ) {}

  async get(instanceType: string): Promise<unknown | undefined> {
    const entry = this.#entries.get(instanceType);
    if (entry?.json === undefined || entry.expiresAt <= this.clock().getTime()) return undefined;
    return JSON.parse(entry.json);
  }

  async put(instanceType: string, info: unknown): Promise<void> {
    // Whole seconds, as the ledger's TTL attribute keeps it.
    const expiresAt = (Math.floor(this.clock().getTime() / 1000) + this.ttlSeconds) * 1000;
    this.#entries.set(instanceType, { json: JSON.stringify(info), expiresAt });
  }
}
