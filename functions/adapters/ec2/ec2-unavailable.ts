import type { Ec2Reader } from '#core/network/network-ports.ts';

/**
 * The EC2 reader of local replay, where no AWS account stands behind the
 * ledger: every resource is "not found", which handlers survive anyway because
 * an ENI can be gone by the time its event arrives.
 */
export const unavailableEc2: Ec2Reader = {
  describeInstance: async () => undefined,
  describeNetworkInterface: async () => undefined,
  describeSubnet: async () => undefined,
  listInstances: async function* () {},
  listNetworkInterfaces: async function* () {},
  listSubnets: async function* () {},
};
