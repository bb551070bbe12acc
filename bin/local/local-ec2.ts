import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Subnet } from '@aws-sdk/client-ec2';
import * as z from 'zod';
import { toSubnet } from '#adapters/ec2/ec2-reader.ts';
import { unavailableEc2 } from '#adapters/ec2/ec2-unavailable.ts';
import type { SubnetFacts } from '#core/network/network.ts';
import type { Ec2Reader } from '#core/network/network-ports.ts';
import { CliError, fileWhat, readProblem } from './cli-error.ts';

/** The subnets of the sample story (a saved `aws ec2 describe-subnets` response). */
export const DEFAULT_SUBNETS = fileURLToPath(
  new URL('../../events/reference/subnets.json', import.meta.url),
);

const SubnetsFile = z.object({
  Subnets: z.array(
    z.looseObject({
      SubnetId: z.string().min(1),
      VpcId: z.string().min(1),
      CidrBlock: z.cidrv4(),
      AvailabilityZone: z.string().optional(),
    }),
  ),
});

/**
 * Local mode's EC2: subnets come from a saved describe-subnets response, so
 * subnet capacity can be computed; everything else is "not found", as there is
 * no account behind local mode.
 */
export async function savedSubnetsEc2(path: string): Promise<Ec2Reader> {
  const hint = 'pass a saved `aws ec2 describe-subnets` response; nothing was changed';
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(fileWhat(path, readProblem(error), '--subnets'), hint);
  }
  let parsed: z.infer<typeof SubnetsFile>;
  try {
    parsed = SubnetsFile.parse(JSON.parse(text));
  } catch (error) {
    const reason =
      error instanceof z.ZodError
        ? `${error.issues[0]?.path.join('.')}: ${error.issues[0]?.message}`
        : (error as Error).message;
    throw new CliError(fileWhat(path, reason, '--subnets'), hint);
  }
  const subnets = new Map<string, SubnetFacts>(
    parsed.Subnets.map((s) => [s.SubnetId, toSubnet(s as Subnet, [])]),
  );
  return {
    ...unavailableEc2,
    describeSubnet: async (id) => subnets.get(id),
  };
}
