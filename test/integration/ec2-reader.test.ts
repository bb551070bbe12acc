import {
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  EC2Client,
  GetSubnetCidrReservationsCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, test } from 'vitest';
import { SdkEc2Reader } from '#adapters/ec2/ec2-reader.ts';

const ec2Mock = mockClient(EC2Client);
const reader = () => new SdkEc2Reader(new EC2Client({ region: 'ap-northeast-2' }));
const error = (name: string) => Object.assign(new Error(name), { name, $metadata: {} });

describe('SdkEc2Reader', () => {
  beforeEach(() => ec2Mock.reset());

  test('maps an ENI with its attachment, primary and secondary addresses and prefixes', async () => {
    ec2Mock.on(DescribeNetworkInterfacesCommand).resolves({
      NetworkInterfaces: [
        {
          NetworkInterfaceId: 'eni-1',
          VpcId: 'vpc-1',
          SubnetId: 'subnet-1',
          Description: 'aws-K8S-i-1',
          PrivateIpAddress: '10.0.0.10',
          InterfaceType: 'interface',
          PrivateIpAddresses: [
            { PrivateIpAddress: '10.0.0.10', Primary: true },
            { PrivateIpAddress: '10.0.0.11', Primary: false },
          ],
          Ipv4Prefixes: [{ Ipv4Prefix: '10.0.0.32/28' }],
          Attachment: {
            InstanceId: 'i-1',
            DeviceIndex: 1,
            AttachmentId: 'eni-attach-1',
            NetworkCardIndex: 0,
          },
          TagSet: [{ Key: 'cluster.k8s.amazonaws.com/name', Value: 'myeks' }],
        },
      ],
    });
    expect(await reader().describeNetworkInterface('eni-1')).toEqual({
      eniId: 'eni-1',
      vpcId: 'vpc-1',
      subnetId: 'subnet-1',
      description: 'aws-K8S-i-1',
      interfaceType: 'interface',
      tags: { 'cluster.k8s.amazonaws.com/name': 'myeks' },
      primaryIp: '10.0.0.10',
      secondaryIps: ['10.0.0.11'],
      prefixes: ['10.0.0.32/28'],
      attachment: {
        instanceId: 'i-1',
        deviceIndex: 1,
        attachmentId: 'eni-attach-1',
        networkCardIndex: 0,
      },
    });
  });

  test.each([
    [
      'describeNetworkInterface',
      DescribeNetworkInterfacesCommand,
      'InvalidNetworkInterfaceID.NotFound',
    ],
    ['describeInstance', DescribeInstancesCommand, 'InvalidInstanceID.NotFound'],
    ['describeSubnet', DescribeSubnetsCommand, 'InvalidSubnetID.NotFound'],
  ] as const)('%s answers undefined for %s', async (method, command, code) => {
    ec2Mock.on(command).rejects(error(code));
    expect(await reader()[method]('x-1')).toBeUndefined();
  });

  test('other errors are not swallowed', async () => {
    ec2Mock.on(DescribeNetworkInterfacesCommand).rejects(error('UnauthorizedOperation'));
    await expect(reader().describeNetworkInterface('eni-1')).rejects.toThrow(
      'UnauthorizedOperation',
    );
  });

  test('lists every page of instances in the VPCs and reads the cluster from tags', async () => {
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolvesOnce({
        Reservations: [
          {
            Instances: [
              {
                InstanceId: 'i-1',
                State: { Name: 'running' },
                Tags: [{ Key: 'eks:cluster-name', Value: 'myeks' }],
              },
            ],
          },
        ],
        NextToken: 'p2',
      })
      .resolvesOnce({
        Reservations: [{ Instances: [{ InstanceId: 'i-2', State: { Name: 'stopped' } }] }],
      });
    const seen = [];
    for await (const i of reader().listInstances(['vpc-1']))
      seen.push([i.instanceId, i.state, i.cluster]);
    expect(seen).toEqual([
      ['i-1', 'running', 'myeks'],
      ['i-2', 'stopped', undefined],
    ]);
    const calls = ec2Mock.commandCalls(DescribeInstancesCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.args[0].input.Filters).toEqual([{ Name: 'vpc-id', Values: ['vpc-1'] }]);
    expect(calls[1]?.args[0].input.NextToken).toBe('p2');
  });

  test('subnets come with their CIDR reservations', async () => {
    ec2Mock.on(DescribeSubnetsCommand).resolves({
      Subnets: [
        {
          SubnetId: 'subnet-1',
          VpcId: 'vpc-1',
          CidrBlock: '10.0.0.0/24',
          AvailabilityZone: 'az-a',
        },
      ],
    });
    ec2Mock
      .on(GetSubnetCidrReservationsCommand)
      .resolves({ SubnetIpv4CidrReservations: [{ Cidr: '10.0.0.128/28' }] });
    expect(await reader().describeSubnet('subnet-1')).toEqual({
      subnetId: 'subnet-1',
      vpcId: 'vpc-1',
      cidr: '10.0.0.0/24',
      availabilityZone: 'az-a',
      reservations: ['10.0.0.128/28'],
    });
  });
});
