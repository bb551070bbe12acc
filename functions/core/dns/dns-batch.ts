import type { DnsChangeGroup, RecordChange } from '#core/dns/dns-record.ts';

/**
 * ChangeResourceRecordSets quotas (Route53 developer guide, "Quotas"): at most 1,000
 * ResourceRecord elements and 32,000 characters summed over all Value elements per request,
 * and for UPSERT both count twice. Alias record sets carry no ResourceRecord/Value elements.
 * The change count is capped as well so one request never carries more than 1,000 changes.
 */
export interface BatchLimits {
  readonly maxChanges: number;
  readonly maxResourceRecords: number;
  readonly maxValueChars: number;
}

export const ROUTE53_LIMITS: BatchLimits = {
  maxChanges: 1000,
  maxResourceRecords: 1000,
  maxValueChars: 32_000,
};

export interface BatchCost {
  readonly changes: number;
  readonly resourceRecords: number;
  readonly valueChars: number;
}

export interface DnsChangeBatch {
  readonly zoneId: string;
  readonly groups: readonly DnsChangeGroup[];
  readonly cost: BatchCost;
}

export interface Batching {
  readonly batches: DnsChangeBatch[];
  /** Groups that alone exceed a limit: they can never be sent and must be reported. */
  readonly oversized: DnsChangeGroup[];
}

export function changeCost(change: RecordChange): BatchCost {
  const factor = change.Action === 'UPSERT' ? 2 : 1;
  const values = change.ResourceRecordSet.ResourceRecords ?? [];
  let chars = 0;
  for (const v of values) chars += v.Value.length;
  return { changes: 1, resourceRecords: values.length * factor, valueChars: chars * factor };
}

export function groupCost(group: DnsChangeGroup): BatchCost {
  let changes = 0;
  let resourceRecords = 0;
  let valueChars = 0;
  for (const c of group.changes) {
    const cost = changeCost(c);
    changes += cost.changes;
    resourceRecords += cost.resourceRecords;
    valueChars += cost.valueChars;
  }
  return { changes, resourceRecords, valueChars };
}

function fits(a: BatchCost, b: BatchCost, limits: BatchLimits): boolean {
  return (
    a.changes + b.changes <= limits.maxChanges &&
    a.resourceRecords + b.resourceRecords <= limits.maxResourceRecords &&
    a.valueChars + b.valueChars <= limits.maxValueChars
  );
}

const ZERO: BatchCost = { changes: 0, resourceRecords: 0, valueChars: 0 };

function add(a: BatchCost, b: BatchCost): BatchCost {
  return {
    changes: a.changes + b.changes,
    resourceRecords: a.resourceRecords + b.resourceRecords,
    valueChars: a.valueChars + b.valueChars,
  };
}

/**
 * Packs change groups into requests, one zone per request, in input order (so the caller's
 * ordering, e.g. deletes before creates, survives). A group is never split: a record and its
 * ownership TXT succeed or fail together.
 */
export function batchChangeGroups(
  groups: readonly DnsChangeGroup[],
  limits: BatchLimits = ROUTE53_LIMITS,
): Batching {
  const batches: DnsChangeBatch[] = [];
  const oversized: DnsChangeGroup[] = [];
  const open = new Map<string, { groups: DnsChangeGroup[]; cost: BatchCost }>();
  const order: string[] = [];

  const close = (zoneId: string): void => {
    const current = open.get(zoneId);
    if (current && current.groups.length > 0) batches.push({ zoneId, ...current });
    open.delete(zoneId);
  };

  for (const group of groups) {
    if (group.changes.length === 0) continue;
    const cost = groupCost(group);
    if (!fits(ZERO, cost, limits)) {
      oversized.push(group);
      continue;
    }
    let current = open.get(group.zoneId);
    if (current && !fits(current.cost, cost, limits)) {
      close(group.zoneId);
      current = undefined;
    }
    if (!current) {
      current = { groups: [], cost: ZERO };
      open.set(group.zoneId, current);
      order.push(group.zoneId);
    }
    current.groups.push(group);
    current.cost = add(current.cost, cost);
  }
  for (const zoneId of order) close(zoneId);
  return { batches, oversized };
}
