import {
  type _InstanceType,
  DescribeInstanceTypesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import type { InstanceTypeReader } from '#core/capacity/capacity-ports.ts';

/** EC2's answers for a type it does not offer (in this region); the second is what emulators say. */
const UNKNOWN_TYPE = new Set(['InvalidInstanceType', 'InvalidInstanceType.NotFound']);

/** DescribeInstanceTypes for one type at a time: a node event needs only its own type. */
export class Ec2InstanceTypeReader implements InstanceTypeReader {
  constructor(private readonly ec2: EC2Client) {}

  async describe(instanceType: string): Promise<unknown | undefined> {
    try {
      // The SDK's enum lags new types; EC2 itself decides what exists.
      const out = await this.ec2.send(
        new DescribeInstanceTypesCommand({ InstanceTypes: [instanceType as _InstanceType] }),
      );
      return out.InstanceTypes?.find((t) => t.InstanceType === instanceType);
    } catch (error) {
      if (UNKNOWN_TYPE.has((error as { name?: string }).name ?? '')) return undefined;
      throw error;
    }
  }
}
