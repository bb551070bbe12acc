import type { UsageHistory, UsageRecord, UsageSubjectKind } from '#core/capacity/capacity-ports.ts';
import type { StoredUsageSample } from '#core/capacity/held-usage.ts';

/**
 * A usage history that reads each subject's recent samples once per sweep: usage sampling
 * fits every subnet's trend, then the capacity review fits it again a moment later, with a
 * window that starts a moment later too. The first read is kept; a later one for a start at or
 * after it is answered from it, and the samples recorded through this history are laid over it,
 * so both fits see what the table would have answered.
 */
export function rememberedUsage(usage: UsageHistory): UsageHistory {
  const read = new Map<string, { since: string; samples: StoredUsageSample[] }>();
  const keyOf = (kind: UsageSubjectKind, subject: string) => `${kind}\u0000${subject}`;
  return {
    async record(sample: UsageRecord): Promise<void> {
      await usage.record(sample);
      const known = read.get(keyOf(sample.kind, sample.subject));
      if (!known || sample.at < known.since) return;
      const same = known.samples.findIndex((s) => s.at === sample.at);
      const { kind: _kind, subject: _subject, ...taken } = sample;
      if (same >= 0) known.samples[same] = taken;
      else known.samples = [...known.samples, taken].sort((a, b) => a.at.localeCompare(b.at));
    },
    async recent(
      kind: UsageSubjectKind,
      subject: string,
      since: string,
    ): Promise<StoredUsageSample[]> {
      const key = keyOf(kind, subject);
      const known = read.get(key);
      if (known && known.since <= since) return known.samples.filter((s) => s.at >= since);
      const samples = await usage.recent(kind, subject, since);
      read.set(key, { since, samples: [...samples] });
      return samples;
    },
  };
}
