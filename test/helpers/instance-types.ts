import { readFileSync } from 'node:fs';
import {
  type InstanceTypeLimits,
  parseInstanceTypesDocument,
} from '#core/capacity/instance-type.ts';

/** t3.medium as DescribeInstanceTypes reports it: 3 ENIs x 6 IPv4, Nitro, 2 vCPUs. */
export const t3Medium: InstanceTypeLimits = {
  instanceType: 't3.medium',
  enisOnDefaultCard: 3,
  enisTotal: 3,
  ipv4PerEni: 6,
  vcpus: 2,
  nitro: true,
  hypervisor: 'nitro',
  bareMetal: false,
  defaultNetworkCardIndex: 0,
};

/** A DescribeInstanceTypes response in test/fixtures, as EC2 returned it. */
export function instanceTypesDocument(file = 'instance-types-sample.json'): {
  InstanceTypes: { InstanceType: string }[];
} {
  return JSON.parse(readFileSync(new URL(`../fixtures/${file}`, import.meta.url), 'utf8'));
}

/** One raw `InstanceTypeInfo` of the sample fixture (undefined when it lacks the type). */
export function rawInstanceType(instanceType: string): { InstanceType: string } | undefined {
  return instanceTypesDocument().InstanceTypes.find((t) => t.InstanceType === instanceType);
}

/** The sample fixture parsed, by instance type. */
export function sampleLimits(): Record<string, InstanceTypeLimits> {
  return Object.fromEntries(
    parseInstanceTypesDocument(instanceTypesDocument()).map((l) => [l.instanceType, l]),
  );
}
