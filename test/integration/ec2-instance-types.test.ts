import { DescribeInstanceTypesCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, test } from 'vitest';
import { Ec2InstanceTypeReader } from '#adapters/ec2/ec2-instance-types.ts';

const client = new EC2Client({});
const ec2 = mockClient(client);
beforeEach(() => ec2.reset());

const t3Medium = {
  InstanceType: 't3.medium',
  Hypervisor: 'nitro',
  NetworkInfo: { MaximumNetworkInterfaces: 3, Ipv4AddressesPerInterface: 6 },
} as const;

function ec2Error(name: string, message: string) {
  return new EC2ServiceException({
    name,
    message,
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });
}

describe('Ec2InstanceTypeReader', () => {
  test('asks for exactly the one type and returns its InstanceTypeInfo unchanged', async () => {
    // Prepare
    ec2.on(DescribeInstanceTypesCommand).resolves({ InstanceTypes: [t3Medium] });

    // Act
    const info = await new Ec2InstanceTypeReader(client).describe('t3.medium');

    // Assess
    expect(info).toEqual(t3Medium);
    expect(ec2.commandCalls(DescribeInstanceTypesCommand).map((c) => c.args[0].input)).toEqual([
      { InstanceTypes: ['t3.medium'] },
    ]);
  });

  test.each(['InvalidInstanceType', 'InvalidInstanceType.NotFound'])(
    'EC2 answering %s means the type is unknown',
    async (name) => {
      // Prepare
      ec2
        .on(DescribeInstanceTypesCommand)
        .rejects(ec2Error(name, 'The following supplied instance types do not exist: [x9.mega]'));

      // Act / Assess
      expect(await new Ec2InstanceTypeReader(client).describe('x9.mega')).toBeUndefined();
    },
  );

  test('an answer without the type is unknown too', async () => {
    // Prepare
    ec2.on(DescribeInstanceTypesCommand).resolves({ InstanceTypes: [] });

    // Act / Assess
    expect(await new Ec2InstanceTypeReader(client).describe('t3.medium')).toBeUndefined();
  });

  test('throttling propagates, so the invocation fails and is retried', async () => {
    // Prepare
    ec2
      .on(DescribeInstanceTypesCommand)
      .rejects(ec2Error('RequestLimitExceeded', 'Request limit exceeded.'));

    // Act / Assess
    await expect(new Ec2InstanceTypeReader(client).describe('t3.medium')).rejects.toThrow(
      'Request limit exceeded',
    );
  });
});
