import { compareText } from '#adapters/memory/memory-event-log.ts';
import type { AlertKind } from '#core/alerts/alert.ts';
import type { AlertRecord } from '#core/alerts/alert-lifecycle.ts';
import {
  type AlertRef,
  type AlertStore,
  AlertWriteConflictError,
} from '#core/alerts/alert-store.ts';

/**
 * The alert lifecycle's records in a map, with the DynamoDB store's compare-and-set rule: a put
 * with `expected` succeeds only while the stored record still has that status, notification
 * time, count and opening time (`null`: only while there is none).
 */
export class MemoryAlertStore implements AlertStore {
  readonly #records = new Map<string, AlertRecord>();

  async get(kind: AlertKind, subject: string): Promise<AlertRecord | undefined> {
    const record = this.#records.get(keyOf(kind, subject));
    return record ? copy(record) : undefined;
  }

  async getMany(refs: readonly AlertRef[]): Promise<AlertRecord[]> {
    const wanted = new Set(refs.map((r) => keyOf(r.kind, r.subject)));
    return [...wanted].flatMap((k) => {
      const record = this.#records.get(k);
      return record ? [copy(record)] : [];
    });
  }

  async put(record: AlertRecord, expected?: AlertRecord | null): Promise<void> {
    const key = keyOf(record.kind, record.subject);
    if (expected !== undefined && !sameVersion(this.#records.get(key), expected)) {
      throw new AlertWriteConflictError(
        `alert ${record.kind}#${record.subject} changed since it was read`,
      );
    }
    this.#records.set(key, storable(record));
  }

  /** Open alerts in the order the ledger's open-alert index lists them (kind, then subject). */
  async listOpen(): Promise<AlertRecord[]> {
    return [...this.#records.entries()]
      .filter(([, r]) => r.status === 'open')
      .sort(([a], [b]) => compareText(a, b))
      .map(([, r]) => copy(r));
  }

  async listPending(): Promise<AlertRecord[]> {
    return [...this.#records.entries()]
      .filter(([, r]) => r.pending !== undefined)
      .sort(([a], [b]) => compareText(a, b))
      .map(([, r]) => copy(r));
  }
}

const keyOf = (kind: string, subject: string) => `${kind}#${subject}`;

function sameVersion(stored: AlertRecord | undefined, expected: AlertRecord | null): boolean {
  if (expected === null || stored === undefined) return expected === null && stored === undefined;
  return (
    stored.status === expected.status &&
    stored.lastNotifiedAt === expected.lastNotifiedAt &&
    stored.notifyCount === expected.notifyCount &&
    stored.openedAt === expected.openedAt
  );
}

/** As the ledger keeps it: facts that are not finite numbers become text, as in the SNS message. */
function storable(record: AlertRecord): AlertRecord {
  const facts = Object.fromEntries(
    Object.entries(record.facts).map(([k, v]) => [
      k,
      typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
    ]),
  );
  return copy({ ...record, facts });
}

function copy(record: AlertRecord): AlertRecord {
  return { ...record, facts: { ...record.facts } };
}
