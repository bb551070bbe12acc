import type { AlertCondition } from '#core/alerts/alert.ts';
import { runningLow } from '#core/alerts/hysteresis.ts';
import { type ExhaustionForecast, runsOutText } from '#core/capacity/exhaustion-forecast.ts';
import { type Ipv4Block, numberToIpv4, parseIpv4Cidr } from '#core/network/ipv4.ts';

/** Subnet input or thresholds that cannot be used; the message names the input. */
export class SubnetCapacityInputError extends Error {
  override readonly name = 'SubnetCapacityInputError';
}

export const SUBNET_CONSUMER_KINDS = [
  'vpc-cni',
  'node-primary',
  'eks-control-plane',
  'load-balancer',
  'other',
] as const;
export type SubnetConsumerKind = (typeof SUBNET_CONSUMER_KINDS)[number];
/** Addresses held only by a subnet CIDR reservation, not (yet) by any ENI. */
export type SubnetUsageKind = SubnetConsumerKind | 'cidr-reservation';

export interface UsedAddress {
  readonly address: string;
  readonly kind: SubnetConsumerKind;
}

export interface UsedPrefix {
  /** e.g. "10.0.1.32/28" */
  readonly cidr: string;
  readonly kind: SubnetConsumerKind;
}

export interface SubnetCapacityInput {
  readonly subnetId: string;
  readonly cluster: string;
  /** The subnet's IPv4 CIDR, /16 to /28 as EC2 allows. */
  readonly cidr: string;
  readonly addresses: readonly UsedAddress[];
  readonly prefixes: readonly UsedPrefix[];
  /** Subnet CIDR reservations (CreateSubnetCidrReservation). */
  readonly reservations: readonly string[];
}

export interface SubnetCapacity {
  readonly subnetId: string;
  readonly cluster: string;
  readonly cidr: string;
  readonly total: number;
  /** The 5 addresses AWS keeps: the first four and the last. */
  readonly reserved: number;
  readonly used: number;
  readonly free: number;
  /** Used addresses by consumer; an address claimed twice counts once, for its first claim. */
  readonly byKind: Readonly<Record<SubnetUsageKind, number>>;
  /** /28-aligned blocks with no used, reserved or AWS-reserved address: where a new prefix fits. */
  readonly freePrefixBlocks: number;
  /** Inputs lying wholly or partly outside the subnet; their outside part is ignored. */
  readonly ignoredOutsideSubnet: number;
}

const AWS_RESERVED_AT_START = 4;
const PREFIX_BLOCK = 16;
const MIN_SUBNET_PREFIX = 16;
const MAX_SUBNET_PREFIX = 28;

// Owner codes in the per-address map; 0 is free.
const AWS_RESERVED = 1;
const RESERVATION = 2;
const KIND_CODE_BASE = 3;

function block(cidr: string, what: string): Ipv4Block {
  try {
    return parseIpv4Cidr(cidr);
  } catch (error) {
    throw new SubnetCapacityInputError(`${what}: ${(error as Error).message}`);
  }
}

interface OwnerMap {
  readonly subnet: Ipv4Block;
  /** One owner code per address of the subnet, by offset from its base. */
  readonly owner: Uint8Array;
  readonly ignoredOutsideSubnet: number;
}

/**
 * EC2 subnets are at most /16 (65,536 addresses), so one byte per address is cheap and
 * makes overlapping inputs count once by construction.
 */
function buildOwnerMap(input: SubnetCapacityInput): OwnerMap {
  const subnet = block(input.cidr, `${input.subnetId} cidr`);
  if (subnet.prefixLength < MIN_SUBNET_PREFIX || subnet.prefixLength > MAX_SUBNET_PREFIX) {
    throw new SubnetCapacityInputError(
      `${input.subnetId} cidr: ${input.cidr} is not a /${MIN_SUBNET_PREFIX} to /${MAX_SUBNET_PREFIX} subnet`,
    );
  }
  const owner = new Uint8Array(subnet.size);
  for (let i = 0; i < AWS_RESERVED_AT_START; i++) owner[i] = AWS_RESERVED;
  owner[subnet.size - 1] = AWS_RESERVED;

  let ignoredOutsideSubnet = 0;
  const claim = (start: number, size: number, code: number): void => {
    const from = Math.max(start, subnet.base);
    const to = Math.min(start + size, subnet.base + subnet.size);
    if (from !== start || to !== start + size) ignoredOutsideSubnet++;
    for (let a = from; a < to; a++) {
      const offset = a - subnet.base;
      if (owner[offset] === 0) owner[offset] = code;
    }
  };
  const kindCode = (kind: SubnetConsumerKind): number => {
    const index = SUBNET_CONSUMER_KINDS.indexOf(kind);
    if (index < 0) {
      throw new SubnetCapacityInputError(
        `${input.subnetId}: unknown consumer kind ${JSON.stringify(kind)}`,
      );
    }
    return KIND_CODE_BASE + index;
  };

  for (const used of input.addresses) {
    claim(block(`${used.address}/32`, `${input.subnetId} address`).base, 1, kindCode(used.kind));
  }
  for (const prefix of input.prefixes) {
    const b = block(prefix.cidr, `${input.subnetId} prefix`);
    claim(b.base, b.size, kindCode(prefix.kind));
  }
  // Last, so addresses inside a reservation count for the consumer that holds them.
  for (const reservation of input.reservations) {
    const b = block(reservation, `${input.subnetId} reservation`);
    claim(b.base, b.size, RESERVATION);
  }
  return { subnet, owner, ignoredOutsideSubnet };
}

function freeBlockOffsets({ subnet, owner }: OwnerMap): number[] {
  // The subnet base is aligned to its own size (>= 16), so offset 0 starts a /28 block.
  const offsets: number[] = [];
  for (let start = 0; start < subnet.size; start += PREFIX_BLOCK) {
    if (owner.subarray(start, start + PREFIX_BLOCK).every((code) => code === 0)) {
      offsets.push(start);
    }
  }
  return offsets;
}

/** The /28 blocks where EC2 could still place a prefix, as CIDRs in address order. */
export function listFreePrefixBlocks(input: SubnetCapacityInput): string[] {
  const map = buildOwnerMap(input);
  return freeBlockOffsets(map).map((offset) => `${numberToIpv4(map.subnet.base + offset)}/28`);
}

/** Exact usage of one subnet; free + used + reserved = total whatever the inputs overlap. */
export function computeSubnetCapacity(input: SubnetCapacityInput): SubnetCapacity {
  const map = buildOwnerMap(input);
  const { subnet, owner } = map;
  const byCode = new Array<number>(KIND_CODE_BASE + SUBNET_CONSUMER_KINDS.length).fill(0);
  for (const code of owner) byCode[code] = (byCode[code] ?? 0) + 1;
  const byKind = Object.fromEntries([
    ...SUBNET_CONSUMER_KINDS.map((kind, i) => [kind, byCode[KIND_CODE_BASE + i] ?? 0]),
    ['cidr-reservation', byCode[RESERVATION] ?? 0],
  ]) as Record<SubnetUsageKind, number>;

  const reserved = byCode[AWS_RESERVED] ?? 0;
  const free = byCode[0] ?? 0;
  return {
    subnetId: input.subnetId,
    cluster: input.cluster,
    cidr: `${numberToIpv4(subnet.base)}/${subnet.prefixLength}`,
    total: subnet.size,
    reserved,
    used: subnet.size - reserved - free,
    free,
    byKind,
    freePrefixBlocks: freeBlockOffsets(map).length,
    ignoredOutsideSubnet: map.ignoredOutsideSubnet,
  };
}

function requireNonNegative(value: number, field: string): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new SubnetCapacityInputError(`${field} must be a non-negative number, got ${value}`);
  }
}

export interface SubnetExhaustionThresholds {
  /** Alert when fewer addresses than this are free... */
  readonly minFreeAddresses: number;
  /** ...or fewer than this percentage of the usable (non-AWS-reserved) addresses. */
  readonly minFreePercent: number;
  /** An open alert clears only when free addresses exceed the threshold by more than this. */
  readonly clearMarginAddresses: number;
  /**
   * Warn earlier, when the usage trend runs the subnet out within this many hours (0: off).
   * Optional so callers without usage history keep the threshold alone.
   */
  readonly forecastHorizonHours?: number;
  /** How many recent hours of usage samples the forecast fits (default 24). */
  readonly forecastWindowHours?: number;
}

function byKindFacts(capacity: SubnetCapacity): Record<string, number> {
  return Object.fromEntries(
    Object.entries(capacity.byKind).map(([kind, n]) => [`used.${kind}`, n]),
  );
}

/** An open forecast warning clears only once exhaustion is this much further off than the horizon. */
export const FORECAST_CLEAR_FACTOR = 1.25;

export function evaluateSubnetExhaustion(
  capacity: SubnetCapacity,
  thresholds: SubnetExhaustionThresholds,
  wasOpen: boolean,
  forecast?: ExhaustionForecast,
): AlertCondition {
  requireNonNegative(thresholds.minFreeAddresses, 'minFreeAddresses');
  requireNonNegative(thresholds.minFreePercent, 'minFreePercent');
  requireNonNegative(thresholds.clearMarginAddresses, 'clearMarginAddresses');
  const usable = capacity.total - capacity.reserved;
  const threshold = Math.max(
    thresholds.minFreeAddresses,
    (thresholds.minFreePercent / 100) * usable,
  );
  const low = runningLow(capacity.free, threshold, thresholds.clearMarginAddresses, wasOpen);
  const horizon = thresholds.forecastHorizonHours ?? 0;
  // Hysteresis, as for the address threshold: a forecast that wobbles around the horizon
  // from sweep to sweep must not open and resolve the same alert again and again.
  const clearHorizon = wasOpen ? horizon * FORECAST_CLEAR_FACTOR : horizon;
  const soon =
    horizon > 0 && forecast?.trend === 'rising' && forecast.hoursToExhaustion <= clearHorizon;
  const active = low || soon;
  const runsOut = runsOutText(forecast);
  const top = (Object.entries(capacity.byKind) as [SubnetUsageKind, number][])
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  return {
    kind: 'subnet-exhaustion',
    subject: capacity.subnetId,
    cluster: capacity.cluster,
    active,
    severity: active && capacity.free === 0 ? 'critical' : 'warning',
    title: low
      ? `Subnet ${capacity.subnetId} running out of addresses`
      : soon
        ? `Subnet ${capacity.subnetId} ${runsOut}`
        : `Subnet ${capacity.subnetId} has free addresses`,
    summary: `${capacity.subnetId} (${capacity.cidr}): ${capacity.free}/${usable} addresses free${runsOut ? `, ${runsOut}` : ''}; used by ${top || 'nothing'}`,
    facts: {
      ...(forecast?.trend === 'rising'
        ? {
            hoursToExhaustion: Math.round(forecast.hoursToExhaustion * 10) / 10,
            ratePerHour: Math.round(forecast.ratePerHour * 100) / 100,
          }
        : {}),
      cidr: capacity.cidr,
      total: capacity.total,
      reserved: capacity.reserved,
      used: capacity.used,
      free: capacity.free,
      thresholdAddresses: threshold,
      ...byKindFacts(capacity),
    },
  };
}

export interface SubnetFragmentationThresholds {
  /** Alert when fewer free /28 blocks than this remain although the free addresses would hold them. */
  readonly minFreePrefixBlocks: number;
  /** An open alert clears only when free blocks exceed the threshold by more than this. */
  readonly clearMarginBlocks: number;
}

/**
 * For prefix-delegation subnets: addresses are free but scattered, so EC2 cannot place a
 * new /28 and the CNI fails with InsufficientCidrBlocks. When free addresses themselves
 * are short, that is exhaustion, reported by evaluateSubnetExhaustion instead.
 */
export function evaluateSubnetFragmentation(
  capacity: SubnetCapacity,
  thresholds: SubnetFragmentationThresholds,
  wasOpen: boolean,
): AlertCondition {
  requireNonNegative(thresholds.minFreePrefixBlocks, 'minFreePrefixBlocks');
  requireNonNegative(thresholds.clearMarginBlocks, 'clearMarginBlocks');
  const threshold = thresholds.minFreePrefixBlocks;
  const enoughAddresses = capacity.free >= PREFIX_BLOCK * threshold;
  const fewBlocks = runningLow(
    capacity.freePrefixBlocks,
    threshold,
    thresholds.clearMarginBlocks,
    wasOpen,
  );
  const active = enoughAddresses && fewBlocks;
  return {
    kind: 'subnet-fragmentation',
    subject: capacity.subnetId,
    cluster: capacity.cluster,
    active,
    severity: active && capacity.freePrefixBlocks === 0 ? 'critical' : 'warning',
    title: active
      ? `Subnet ${capacity.subnetId} too fragmented for /28 prefixes`
      : `Subnet ${capacity.subnetId} has room for /28 prefixes`,
    summary: `${capacity.subnetId} (${capacity.cidr}): ${capacity.freePrefixBlocks} free /28 blocks for ${capacity.free} free addresses${active ? '; new prefixes may fail with InsufficientCidrBlocks' : ''}`,
    facts: {
      cidr: capacity.cidr,
      free: capacity.free,
      freePrefixBlocks: capacity.freePrefixBlocks,
      thresholdBlocks: threshold,
    },
  };
}
