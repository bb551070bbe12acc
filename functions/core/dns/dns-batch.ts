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

/** How full a batch would be, as the largest share of any one limit. */
function load(cost: BatchCost, limits: BatchLimits): number {
  return Math.max(
    cost.changes / limits.maxChanges,
    cost.resourceRecords / limits.maxResourceRecords,
    cost.valueChars / limits.maxValueChars,
  );
}

/**
 * Packs change groups into as few requests as the quotas allow, one zone per request. A group
 * is never split: a record and its ownership TXT succeed or fail together. Groups with values
 * (TXT) are packed first, largest first, each into the request it fills best; groups with no
 * values (alias records) then take the change slots the character quota left free, first fit.
 * Filling by input order instead let alias-only groups fill whole requests on the change count
 * while TXT groups filled others on characters: 191 requests where 186 do (125,002 changes).
 * Within a request groups keep their input order, and requests go in the order of their first
 * group; groups for different hostnames never depend on one another, so requests may mix them.
 */
export function batchChangeGroups(
  groups: readonly DnsChangeGroup[],
  limits: BatchLimits = ROUTE53_LIMITS,
): Batching {
  const oversized: DnsChangeGroup[] = [];
  const byZone = new Map<string, Item[]>();
  groups.forEach((group, index) => {
    if (group.changes.length === 0) return;
    const cost = groupCost(group);
    if (!fits(ZERO, cost, limits)) {
      oversized.push(group);
      return;
    }
    const list = byZone.get(group.zoneId) ?? [];
    list.push({ group, cost, index });
    byZone.set(group.zoneId, list);
  });
  const bins: { zoneId: string; items: Item[]; cost: BatchCost }[] = [];
  for (const [zoneId, items] of byZone) {
    const zoneBins: (typeof bins)[number][] = [];
    const valued = items
      .filter((i) => i.cost.valueChars > 0 || i.cost.resourceRecords > 0)
      .sort((a, b) => b.cost.valueChars - a.cost.valueChars || a.index - b.index);
    for (const item of valued) {
      let best: (typeof bins)[number] | undefined;
      let bestLoad = -1;
      for (const bin of zoneBins) {
        if (!fits(bin.cost, item.cost, limits)) continue;
        const after = load(add(bin.cost, item.cost), limits);
        if (after > bestLoad) {
          best = bin;
          bestLoad = after;
        }
      }
      place(best ?? open(zoneBins, zoneId), item);
    }
    for (const item of items) {
      if (item.cost.valueChars > 0 || item.cost.resourceRecords > 0) continue;
      place(
        zoneBins.find((bin) => fits(bin.cost, item.cost, limits)) ?? open(zoneBins, zoneId),
        item,
      );
    }
    bins.push(...zoneBins);
  }
  const batches = bins
    .map((bin) => ({ ...bin, items: bin.items.sort((a, b) => a.index - b.index) }))
    .sort((a, b) => (a.items[0]?.index ?? 0) - (b.items[0]?.index ?? 0))
    .map((bin) => ({ zoneId: bin.zoneId, groups: bin.items.map((i) => i.group), cost: bin.cost }));
  return { batches, oversized };
}

interface Item {
  readonly group: DnsChangeGroup;
  readonly cost: BatchCost;
  /** Position in the caller's list, to restore its order inside each request. */
  readonly index: number;
}

function open(
  bins: { zoneId: string; items: Item[]; cost: BatchCost }[],
  zoneId: string,
): { zoneId: string; items: Item[]; cost: BatchCost } {
  const bin = { zoneId, items: [] as Item[], cost: ZERO };
  bins.push(bin);
  return bin;
}

function place(bin: { items: Item[]; cost: BatchCost }, item: Item): void {
  bin.items.push(item);
  bin.cost = add(bin.cost, item.cost);
}
