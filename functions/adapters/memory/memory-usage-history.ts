import type { UsageHistory, UsageRecord, UsageSubjectKind } from '#core/capacity/capacity-ports.ts';
import type { StoredUsageSample } from '#core/capacity/held-usage.ts';

/**
 * Usage samples in a map, one per subject and time as the ledger keys them (a second sample at
 * the same time replaces the first). Nothing expires: a process does not live for days.
 */
export class MemoryUsageHistory implements UsageHistory {
  readonly #samples = new Map<string, Map<string, StoredUsageSample>>();

  async record({ kind, subject, ...sample }: UsageRecord): Promise<void> {
    const key = `${kind}#${subject}`;
    const subjectSamples = this.#samples.get(key) ?? new Map<string, StoredUsageSample>();
    subjectSamples.set(sample.at, sample);
    this.#samples.set(key, subjectSamples);
  }

  async recent(
    kind: UsageSubjectKind,
    subject: string,
    since: string,
  ): Promise<StoredUsageSample[]> {
    const samples = [...(this.#samples.get(`${kind}#${subject}`)?.values() ?? [])];
    return samples.filter((s) => s.at >= since).sort((a, b) => a.at.localeCompare(b.at));
  }
}
