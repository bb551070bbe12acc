import * as z from 'zod';

/** DescribeInstanceTypes data that cannot be used; the message names the type and the field. */
export class InstanceTypeDataError extends Error {
  override readonly name = 'InstanceTypeDataError';
}

const count = z.number().int().nonnegative();
const positiveCount = z.number().int().positive();

/**
 * The part of the SDK's `InstanceTypeInfo` that pod capacity depends on, in the
 * PascalCase that both the SDK and `aws ec2 describe-instance-types` use.
 * Unknown fields are stripped, so a full response parses.
 */
export const instanceTypeInfoSchema = z.object({
  InstanceType: z.string().min(1),
  Hypervisor: z.string().optional(),
  BareMetal: z.boolean().optional(),
  NetworkInfo: z.object({
    MaximumNetworkInterfaces: positiveCount,
    Ipv4AddressesPerInterface: positiveCount,
    DefaultNetworkCardIndex: count,
    NetworkCards: z
      .array(
        z.object({
          NetworkCardIndex: count,
          MaximumNetworkInterfaces: positiveCount,
        }),
      )
      .min(1),
  }),
  VCpuInfo: z.object({ DefaultVCpus: positiveCount }),
});
export type InstanceTypeInfo = z.infer<typeof instanceTypeInfoSchema>;

/** What max-pods and node capacity need to know about an instance type. */
export interface InstanceTypeLimits {
  readonly instanceType: string;
  /** ENIs the VPC CNI can use: those of the default network card only. */
  readonly enisOnDefaultCard: number;
  /** Instance-wide ENI limit (all cards); kept to explain the difference on multi-card types. */
  readonly enisTotal: number;
  readonly ipv4PerEni: number;
  readonly vcpus: number;
  /** True where the VPC CNI supports prefix delegation: Nitro hypervisor or bare metal. */
  readonly nitro: boolean;
  readonly hypervisor: string | undefined;
  readonly bareMetal: boolean;
  readonly defaultNetworkCardIndex: number;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

function describeIssue(input: unknown, issue: z.core.$ZodIssue): string {
  const field = formatPath(issue.path) || 'the entry';
  const value = valueAt(input, issue.path);
  if (value === undefined) return `${field} is missing`;
  return `${field} is invalid (${JSON.stringify(value)}: ${issue.message})`;
}

/**
 * Turns one `InstanceTypeInfo` into limits. `label` names the entry in errors when
 * it has no usable InstanceType of its own (e.g. `InstanceTypes[3]`).
 */
export function parseInstanceTypeInfo(input: unknown, label = 'instance type'): InstanceTypeLimits {
  const claimed = valueAt(input, ['InstanceType']);
  const name = typeof claimed === 'string' && claimed !== '' ? claimed : label;
  const parsed = instanceTypeInfoSchema.safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const detail = first ? describeIssue(input, first) : 'is invalid';
    throw new InstanceTypeDataError(`${name}: ${detail}`);
  }
  const info = parsed.data;
  const network = info.NetworkInfo;
  // Look the card up by its index rather than by array position: the response does
  // not promise that NetworkCards is sorted.
  const card = network.NetworkCards.find(
    (c) => c.NetworkCardIndex === network.DefaultNetworkCardIndex,
  );
  if (!card) {
    throw new InstanceTypeDataError(
      `${name}: NetworkInfo.NetworkCards has no card with NetworkCardIndex ${network.DefaultNetworkCardIndex} (NetworkInfo.DefaultNetworkCardIndex)`,
    );
  }
  const bareMetal = info.BareMetal ?? false;
  return {
    instanceType: info.InstanceType,
    enisOnDefaultCard: card.MaximumNetworkInterfaces,
    enisTotal: network.MaximumNetworkInterfaces,
    ipv4PerEni: network.Ipv4AddressesPerInterface,
    vcpus: info.VCpuInfo.DefaultVCpus,
    nitro: info.Hypervisor === 'nitro' || bareMetal,
    hypervisor: info.Hypervisor,
    bareMetal,
    defaultNetworkCardIndex: network.DefaultNetworkCardIndex,
  };
}

/**
 * The raw entries of a saved DescribeInstanceTypes response (`{"InstanceTypes":[...]}`),
 * unparsed, so a caller interested in one type is not blocked by a bad other entry.
 */
export function instanceTypeEntries(document: unknown): readonly unknown[] {
  const entries = valueAt(document, ['InstanceTypes']);
  if (!Array.isArray(entries)) {
    throw new InstanceTypeDataError(
      entries === undefined
        ? 'InstanceTypes is missing (expected the JSON printed by `aws ec2 describe-instance-types`)'
        : 'InstanceTypes is invalid (expected an array)',
    );
  }
  return entries;
}

/** Parses every entry of a saved DescribeInstanceTypes response, in file order. */
export function parseInstanceTypesDocument(document: unknown): InstanceTypeLimits[] {
  return instanceTypeEntries(document).map((entry, i) =>
    parseInstanceTypeInfo(entry, `InstanceTypes[${i}]`),
  );
}
