import type { InstanceTypeReader } from '#core/capacity/capacity-ports.ts';
import type { EniFacts, InstanceFacts, SubnetFacts } from '#core/network/network.ts';
import type { Ec2Reader, VpcScope } from '#core/network/network-ports.ts';

/**
 * An EC2 account held in memory, behind the same port as the SDK adapter: tests and tools fill
 * the maps, readers see them. It records each call so tests can hold handlers to "at most one
 * describe per event", and `failNext` fails the next call as the SDK does once its retries
 * run out.
 */
export class MemoryEc2 implements Ec2Reader, InstanceTypeReader {
  readonly instances = new Map<string, InstanceFacts>();
  readonly enis = new Map<string, EniFacts>();
  readonly subnets = new Map<string, SubnetFacts>();
  /** Raw `InstanceTypeInfo` documents by type, as DescribeInstanceTypes returns them. */
  readonly instanceTypes = new Map<string, unknown>();
  readonly calls: string[] = [];
  failNext: Error | undefined;

  async describeInstance(id: string) {
    this.record(`DescribeInstances ${id}`);
    return this.instances.get(id);
  }
  async describeNetworkInterface(id: string) {
    this.record(`DescribeNetworkInterfaces ${id}`);
    return this.enis.get(id);
  }
  async describe(instanceType: string) {
    this.record(`DescribeInstanceTypes ${instanceType}`);
    return this.instanceTypes.get(instanceType);
  }
  async describeSubnet(id: string) {
    this.record(`DescribeSubnets ${id}`);
    return this.subnets.get(id);
  }
  async *listInstances(vpcIds: VpcScope) {
    this.record('DescribeInstances *');
    yield* [...this.instances.values()].filter((i) => inScope(vpcIds, i.vpcId));
  }
  async *listNetworkInterfaces(vpcIds: VpcScope) {
    this.record('DescribeNetworkInterfaces *');
    yield* [...this.enis.values()].filter((e) => inScope(vpcIds, e.vpcId));
  }
  async *listSubnets(vpcIds: VpcScope) {
    this.record('DescribeSubnets *');
    yield* [...this.subnets.values()].filter((s) => inScope(vpcIds, s.vpcId));
  }

  private record(call: string) {
    this.calls.push(call);
    const failure = this.failNext;
    if (failure) {
      this.failNext = undefined;
      throw failure;
    }
  }
}

function inScope(vpcIds: VpcScope, vpcId: string | undefined) {
  return vpcIds === 'all' || (vpcId !== undefined && vpcIds.includes(vpcId));
}
