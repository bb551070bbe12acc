import { describe, expect, test } from 'vitest';
import { parseEc2Event } from '#core/network/ec2-event.ts';
import { sample } from '#test/helpers/samples.ts';

describe('parseEc2Event on the real-shaped samples', () => {
  test('RunInstances yields the node with type, AZ, cluster and its primary ENI', () => {
    // Act
    const parsed = parseEc2Event(sample('ec2/node-lifecycle/01-run-instances.json'));
    // Assess
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.value.change.type !== 'instances-launched')
      throw new Error('wrong change');
    const [node] = parsed.value.change.instances;
    expect(node).toMatchObject({
      instanceId: 'i-0a1b2c3d4e5f00001',
      instanceType: 't3.medium',
      availabilityZone: 'ap-northeast-2a',
      cluster: 'myeks',
      privateIp: '192.168.1.10',
    });
    expect(parsed.value.change.enis).toEqual([
      expect.objectContaining({
        eniId: 'eni-0a1b2c3d4e5f60001',
        primaryIp: '192.168.1.10',
        secondaryIps: [],
        attachment: expect.objectContaining({ instanceId: 'i-0a1b2c3d4e5f00001', deviceIndex: 0 }),
      }),
    ]);
  });

  test.each([
    [
      'ec2/node-lifecycle/02-instance-running.json',
      { type: 'instance-state', instanceId: 'i-0a1b2c3d4e5f00001', state: 'running' },
    ],
    [
      'ec2/node-lifecycle/03-assign-private-ip-addresses.json',
      {
        type: 'addresses-assigned',
        eniId: 'eni-0a1b2c3d4e5f60001',
        ips: ['192.168.1.21', '192.168.1.22', '192.168.1.23', '192.168.1.24', '192.168.1.25'],
        prefixes: [],
        complete: true,
      },
    ],
    [
      'ec2/node-lifecycle/05-attach-network-interface.json',
      {
        type: 'eni-attached',
        eniId: 'eni-0a1b2c3d4e5f60011',
        instanceId: 'i-0a1b2c3d4e5f00001',
        deviceIndex: 1,
        attachmentId: 'eni-attach-0a1b2c3d4e5f60011',
        networkCardIndex: 0,
      },
    ],
    [
      'ec2/node-lifecycle/06-assign-private-ip-addresses-count-only.json',
      {
        type: 'addresses-assigned',
        eniId: 'eni-0a1b2c3d4e5f60001',
        ips: [],
        prefixes: [],
        complete: false,
      },
    ],
    [
      'ec2/node-lifecycle/07-unassign-private-ip-addresses.json',
      {
        type: 'addresses-unassigned',
        eniId: 'eni-0a1b2c3d4e5f60001',
        ips: ['192.168.1.24', '192.168.1.25'],
        prefixes: [],
      },
    ],
    [
      'ec2/node-lifecycle/10-assign-ipv4-prefix.json',
      {
        type: 'addresses-assigned',
        eniId: 'eni-0a1b2c3d4e5f60002',
        ips: [],
        prefixes: ['192.168.2.48/28'],
        complete: true,
      },
    ],
    [
      'ec2/node-termination/01-detach-network-interface.json',
      { type: 'eni-detached', attachmentId: 'eni-attach-0a1b2c3d4e5f60011' },
    ],
    [
      'ec2/node-termination/02-delete-network-interface.json',
      { type: 'eni-deleted', eniId: 'eni-0a1b2c3d4e5f60011' },
    ],
  ])('%s', (file, expected) => {
    const parsed = parseEc2Event(sample(file));
    expect(parsed).toMatchObject({ ok: true, value: { change: expected } });
  });

  test('CreateNetworkInterface by the CNI keeps owner tags, primary and secondary IPs apart', () => {
    const parsed = parseEc2Event(sample('ec2/node-lifecycle/04-create-network-interface.json'));
    if (!parsed.ok || parsed.value.change.type !== 'eni-created') throw new Error('wrong change');
    const { eni } = parsed.value.change;
    expect(eni.description).toBe('aws-K8S-i-0a1b2c3d4e5f00001');
    expect(eni.tags['node.k8s.amazonaws.com/instance_id']).toBe('i-0a1b2c3d4e5f00001');
    expect(eni.primaryIp).toBe('192.168.1.40');
    expect(eni.secondaryIps).toEqual([
      '192.168.1.41',
      '192.168.1.42',
      '192.168.1.43',
      '192.168.1.44',
      '192.168.1.45',
    ]);
    expect(eni.attachment).toBeUndefined();
  });

  test('stamps carry the CloudTrail eventID and eventTime, not the envelope ones', () => {
    const raw = sample('ec2/node-lifecycle/03-assign-private-ip-addresses.json');
    const parsed = parseEc2Event(raw);
    expect(parsed).toMatchObject({
      ok: true,
      value: { stamp: { eventId: raw.detail.eventID, eventTime: '2026-11-21T10:01:10.000Z' } },
    });
  });
});

describe('parseEc2Event rejects with one clear line', () => {
  const assign = () => sample('ec2/node-lifecycle/03-assign-private-ip-addresses.json');
  test.each<[string, () => unknown, RegExp]>([
    [
      'a failed call',
      () => sample('ec2/rejected/01-assign-private-ip-addresses-error.json'),
      /failed in AWS \(PrivateIpAddressLimitExceeded\)/,
    ],
    [
      'a wrong detail-type',
      () => ({ ...assign(), 'detail-type': 'AWS Console Sign In via CloudTrail' }),
      /unexpected detail-type/,
    ],
    ['another source', () => ({ ...assign(), source: 'aws.s3' }), /unexpected source "aws.s3"/],
    ['not an event at all', () => ({ hello: 'world' }), /not an EventBridge event: version/],
    ['null', () => null, /not an EventBridge event/],
    [
      'an untracked eventName',
      () => {
        const e = assign();
        e.detail.eventName = 'CreateTags';
        return e;
      },
      /eventName CreateTags is not tracked/,
    ],
    [
      'a malformed ENI id',
      () => {
        const e = assign();
        e.detail.requestParameters.networkInterfaceId = 'nic-1';
        return e;
      },
      /malformed AssignPrivateIpAddresses record .*networkInterfaceId: not an ENI id/,
    ],
    [
      'a bad IP',
      () => {
        const e = assign();
        e.detail.responseElements.assignedPrivateIpAddressesSet.assignedPrivateIpAddressSetType[0].privateIpAddress =
          '192.168.1.300';
        return e;
      },
      /malformed AssignPrivateIpAddresses/,
    ],
    [
      'an unknown instance state',
      () => {
        const e = sample('ec2/node-lifecycle/02-instance-running.json');
        e.detail.state = 'exploded';
        return e;
      },
      /malformed state-change detail: state/,
    ],
  ])('%s', (_, input, reason) => {
    const parsed = parseEc2Event(input());
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.reason).toMatch(reason);
    expect(parsed.reason).not.toContain('\n');
  });
});

// Equivalent or message text: `error instanceof z.ZodError` made true (only zod's parse throws
// inside changeOf: setItems and the set readers do not throw, and the event time is normalised
// before it); the zod issue texts 'not an instance id' and the custom issue's code and path
// for a RunInstances record with no instances (they only reach the ignored reason's wording).
