import { describe, expect, test } from 'vitest';
import type { Ec2Change } from '#core/network/ec2-event.ts';
import { parseEc2Event } from '#core/network/ec2-event.ts';
import { sample } from '#test/helpers/samples.ts';

// The shapes CloudTrail records take beyond the samples: optional fields present or absent,
// lists named either way, counts larger than the lists. What a record says becomes exactly
// this change (compared whole: a key present as undefined is a different change), and a
// record that cannot be trusted is refused with the code callers branch on.

const ENI = 'eni-0a1b2c3d4e5f60011';
const NODE = 'i-0a1b2c3d4e5f00001';
const VPC = 'vpc-0a1b2c3d4e5f60718';
const SUBNET = 'subnet-0aa1111111111111a';

/** A real CloudTrail envelope (the attach sample) carrying another call's parameters. */
function record(eventName: string, req: unknown, res: unknown) {
  const e = sample('ec2/node-lifecycle/05-attach-network-interface.json');
  e.detail.eventName = eventName;
  e.detail.requestParameters = req;
  e.detail.responseElements = res;
  return e;
}

function changeOf(raw: unknown): Ec2Change {
  const parsed = parseEc2Event(raw);
  if (!parsed.ok) throw new Error(`refused: ${parsed.reason}`);
  return parsed.value.change;
}

const element = (extra: Record<string, unknown>) => ({
  networkInterfaceId: ENI,
  subnetId: SUBNET,
  vpcId: VPC,
  ...extra,
});
const created = (extra: Record<string, unknown>) =>
  record('CreateNetworkInterface', {}, { networkInterface: element(extra) });
const prefixSet = (...prefixes: string[]) => ({
  items: prefixes.map((ipv4Prefix) => ({ ipv4Prefix })),
});
const assignedIps = (...ips: string[]) => ({
  assignedPrivateIpAddressSetType: ips.map((privateIpAddress) => ({ privateIpAddress })),
});

describe('what a record becomes', () => {
  test.each<{ title: string; raw: () => unknown; change: Ec2Change }>([
    {
      title: 'an attach with no device index, card index or attachment id names none',
      raw: () =>
        record('AttachNetworkInterface', { networkInterfaceId: ENI, instanceId: NODE }, {}),
      change: { type: 'eni-attached', eniId: ENI, instanceId: NODE },
    },
    {
      title: 'an attach takes the card index from the request when the response has none',
      raw: () =>
        record(
          'AttachNetworkInterface',
          { networkInterfaceId: ENI, instanceId: NODE, networkCardIndex: 1 },
          { attachmentId: 'eni-attach-1' },
        ),
      change: {
        type: 'eni-attached',
        eniId: ENI,
        instanceId: NODE,
        attachmentId: 'eni-attach-1',
        networkCardIndex: 1,
      },
    },
    {
      title: "an attach takes the response's card index over the request's",
      raw: () =>
        record(
          'AttachNetworkInterface',
          { networkInterfaceId: ENI, instanceId: NODE, deviceIndex: 2, networkCardIndex: 1 },
          { networkCardIndex: 2 },
        ),
      change: {
        type: 'eni-attached',
        eniId: ENI,
        instanceId: NODE,
        deviceIndex: 2,
        networkCardIndex: 2,
      },
    },
    {
      title: 'an unassign naming its prefixes ipv4PrefixSet',
      raw: () =>
        record(
          'UnassignPrivateIpAddresses',
          { networkInterfaceId: ENI, ipv4PrefixSet: prefixSet('10.0.0.16/28') },
          {},
        ),
      change: { type: 'addresses-unassigned', eniId: ENI, ips: [], prefixes: ['10.0.0.16/28'] },
    },
    {
      title: 'an unassign naming its prefixes ipv4PrefixesSet',
      raw: () =>
        record(
          'UnassignPrivateIpAddresses',
          { networkInterfaceId: ENI, ipv4PrefixesSet: prefixSet('10.0.0.16/28') },
          {},
        ),
      change: { type: 'addresses-unassigned', eniId: ENI, ips: [], prefixes: ['10.0.0.16/28'] },
    },
    {
      title: 'an assign whose request alone names its prefixes, as ipv4PrefixSet',
      raw: () =>
        record(
          'AssignPrivateIpAddresses',
          { networkInterfaceId: ENI, ipv4PrefixSet: prefixSet('10.0.0.32/28') },
          {},
        ),
      change: {
        type: 'addresses-assigned',
        eniId: ENI,
        ips: [],
        prefixes: ['10.0.0.32/28'],
        complete: true,
      },
    },
    {
      title: 'an assign whose request alone names its prefixes, as ipv4PrefixesSet',
      raw: () =>
        record(
          'AssignPrivateIpAddresses',
          { networkInterfaceId: ENI, ipv4PrefixesSet: prefixSet('10.0.0.32/28') },
          {},
        ),
      change: {
        type: 'addresses-assigned',
        eniId: ENI,
        ips: [],
        prefixes: ['10.0.0.32/28'],
        complete: true,
      },
    },
    {
      title: 'an assign of 2 prefixes that lists 1 is incomplete',
      raw: () =>
        record(
          'AssignPrivateIpAddresses',
          { networkInterfaceId: ENI, ipv4PrefixCount: 2 },
          {
            assignedIpv4PrefixSet: { assignedIpv4PrefixSetType: [{ ipv4Prefix: '10.0.0.48/28' }] },
          },
        ),
      change: {
        type: 'addresses-assigned',
        eniId: ENI,
        ips: [],
        prefixes: ['10.0.0.48/28'],
        complete: false,
      },
    },
    {
      title: 'an assign of 3 addresses that lists 2 is incomplete',
      raw: () =>
        record(
          'AssignPrivateIpAddresses',
          { networkInterfaceId: ENI, secondaryPrivateIpAddressCount: 3 },
          { assignedPrivateIpAddressesSet: assignedIps('10.0.0.5', '10.0.0.6') },
        ),
      change: {
        type: 'addresses-assigned',
        eniId: ENI,
        ips: ['10.0.0.5', '10.0.0.6'],
        prefixes: [],
        complete: false,
      },
    },
    {
      title: 'a launch record with only an instance id: a pending node with no tags and no ENIs',
      raw: () =>
        record('RunInstances', {}, { instancesSet: { items: [{ instanceId: 'i-0abc' }] } }),
      change: {
        type: 'instances-launched',
        instances: [{ instanceId: 'i-0abc', state: 'pending', tags: {} }],
        enis: [],
      },
    },
    {
      title:
        "a launch record: the node's placement, and its ENIs in the instance's zone unless they name their own",
      raw: () =>
        record(
          'RunInstances',
          {},
          {
            instancesSet: {
              items: [
                {
                  instanceId: 'i-0abc',
                  instanceState: { name: 'running' },
                  placement: { availabilityZone: 'az-b' },
                  vpcId: VPC,
                  subnetId: SUBNET,
                  networkInterfaceSet: {
                    items: [
                      element({
                        privateIpAddress: '10.0.0.10',
                        attachment: { attachmentId: 'eni-attach-1', deviceIndex: 0 },
                      }),
                      element({
                        networkInterfaceId: 'eni-0def',
                        availabilityZone: 'az-c',
                        attachment: { attachmentId: 'eni-attach-2', deviceIndex: 1 },
                      }),
                    ],
                  },
                },
              ],
            },
          },
        ),
      change: {
        type: 'instances-launched',
        instances: [
          {
            instanceId: 'i-0abc',
            state: 'running',
            tags: {},
            availabilityZone: 'az-b',
            vpcId: VPC,
            subnetId: SUBNET,
          },
        ],
        enis: [
          {
            eniId: ENI,
            vpcId: VPC,
            subnetId: SUBNET,
            description: '',
            tags: {},
            secondaryIps: [],
            prefixes: [],
            availabilityZone: 'az-b',
            primaryIp: '10.0.0.10',
            attachment: { instanceId: 'i-0abc', attachmentId: 'eni-attach-1', deviceIndex: 0 },
          },
          {
            eniId: 'eni-0def',
            vpcId: VPC,
            subnetId: SUBNET,
            description: '',
            tags: {},
            secondaryIps: [],
            prefixes: [],
            availabilityZone: 'az-c',
            attachment: { instanceId: 'i-0abc', attachmentId: 'eni-attach-2', deviceIndex: 1 },
          },
        ],
      },
    },
    {
      title: 'a launch record with no placement: its ENIs have no zone',
      raw: () =>
        record(
          'RunInstances',
          {},
          {
            instancesSet: {
              items: [
                {
                  instanceId: 'i-0abc',
                  networkInterfaceSet: {
                    items: [
                      element({ attachment: { attachmentId: 'eni-attach-9', deviceIndex: 0 } }),
                    ],
                  },
                },
              ],
            },
          },
        ),
      change: {
        type: 'instances-launched',
        instances: [{ instanceId: 'i-0abc', state: 'pending', tags: {} }],
        enis: [
          {
            eniId: ENI,
            vpcId: VPC,
            subnetId: SUBNET,
            description: '',
            tags: {},
            secondaryIps: [],
            prefixes: [],
            attachment: { instanceId: 'i-0abc', attachmentId: 'eni-attach-9', deviceIndex: 0 },
          },
        ],
      },
    },
    {
      title: "a new ENI's primary address from its list, flagged with the string 'true'",
      raw: () =>
        created({
          privateIpAddressesSet: {
            item: [
              { privateIpAddress: '10.0.0.41', primary: 'false' },
              { privateIpAddress: '10.0.0.40', primary: 'true' },
            ],
          },
        }),
      change: {
        type: 'eni-created',
        eni: {
          eniId: ENI,
          vpcId: VPC,
          subnetId: SUBNET,
          description: '',
          tags: {},
          secondaryIps: ['10.0.0.41'],
          prefixes: [],
          primaryIp: '10.0.0.40',
        },
      },
    },
    {
      title: "a new ENI's primary address from its list, flagged with true",
      raw: () =>
        created({
          privateIpAddressesSet: {
            item: [
              { privateIpAddress: '10.0.0.40', primary: true },
              { privateIpAddress: '10.0.0.41', primary: false },
            ],
          },
        }),
      change: {
        type: 'eni-created',
        eni: {
          eniId: ENI,
          vpcId: VPC,
          subnetId: SUBNET,
          description: '',
          tags: {},
          secondaryIps: ['10.0.0.41'],
          prefixes: [],
          primaryIp: '10.0.0.40',
        },
      },
    },
    {
      title: 'an attachment with neither instance nor attachment id is no attachment',
      raw: () => created({ interfaceType: 'interface', attachment: { deviceIndex: 0 } }),
      change: {
        type: 'eni-created',
        eni: {
          eniId: ENI,
          vpcId: VPC,
          subnetId: SUBNET,
          description: '',
          tags: {},
          secondaryIps: [],
          prefixes: [],
          interfaceType: 'interface',
        },
      },
    },
    {
      title: 'an attachment id without an instance keeps every index it names',
      raw: () =>
        created({
          attachment: { attachmentId: 'eni-attach-3', deviceIndex: 2, networkCardIndex: 0 },
        }),
      change: {
        type: 'eni-created',
        eni: {
          eniId: ENI,
          vpcId: VPC,
          subnetId: SUBNET,
          description: '',
          tags: {},
          secondaryIps: [],
          prefixes: [],
          attachment: {
            instanceId: '',
            attachmentId: 'eni-attach-3',
            deviceIndex: 2,
            networkCardIndex: 0,
          },
        },
      },
    },
    {
      title: 'an attachment naming only its instance names nothing else',
      raw: () => created({ attachment: { instanceId: NODE } }),
      change: {
        type: 'eni-created',
        eni: {
          eniId: ENI,
          vpcId: VPC,
          subnetId: SUBNET,
          description: '',
          tags: {},
          secondaryIps: [],
          prefixes: [],
          attachment: { instanceId: NODE },
        },
      },
    },
  ])('$title', ({ raw, change }) => {
    expect(changeOf(raw())).toStrictEqual(change);
  });

  test('an instance state change is named InstanceStateChange', () => {
    const parsed = parseEc2Event(sample('ec2/node-lifecycle/02-instance-running.json'));
    expect(parsed.ok && parsed.value.name).toBe('InstanceStateChange');
  });
});

describe('what a record is refused as', () => {
  const launch = (item: Record<string, unknown>) =>
    record('RunInstances', {}, { instancesSet: { items: [{ instanceId: 'i-0abc', ...item }] } });

  test.each<{ title: string; raw: () => unknown; code: string; reason?: RegExp }>([
    {
      title: 'an attach of something that is not an ENI',
      raw: () =>
        record('AttachNetworkInterface', { networkInterfaceId: 'nic-1', instanceId: NODE }, {}),
      code: 'malformed',
    },
    {
      title: 'an attach answered with a negative card index',
      raw: () =>
        record(
          'AttachNetworkInterface',
          { networkInterfaceId: ENI, instanceId: NODE },
          { networkCardIndex: -1 },
        ),
      code: 'malformed',
    },
    {
      title: 'a detach without an attachment id',
      raw: () => record('DetachNetworkInterface', {}, {}),
      code: 'malformed',
    },
    {
      title: 'a delete of something that is not an ENI',
      raw: () => record('DeleteNetworkInterface', { networkInterfaceId: 'nic-1' }, {}),
      code: 'malformed',
    },
    {
      title: 'an unassign from something that is not an ENI',
      raw: () => record('UnassignPrivateIpAddresses', { networkInterfaceId: 'nic-1' }, {}),
      code: 'malformed',
    },
    {
      title: 'a launch of an instance id with a prefix',
      raw: () => launch({ instanceId: 'xi-0abc' }),
      code: 'malformed',
    },
    {
      title: 'a launch of an instance id with a suffix',
      raw: () => launch({ instanceId: 'i-0abcz' }),
      code: 'malformed',
    },
    {
      title: 'a launch placed in a zone that is not a name',
      raw: () => launch({ placement: { availabilityZone: 5 } }),
      code: 'malformed',
    },
    {
      title: 'a launch in an unknown state',
      raw: () => launch({ instanceState: { name: 'exploded' } }),
      code: 'malformed',
    },
    {
      title: 'a launch of no instances',
      raw: () => record('RunInstances', {}, { instancesSet: { items: [] } }),
      code: 'malformed',
      reason: /instancesSet/,
    },
    {
      title: 'a create without the interface it created',
      raw: () => record('CreateNetworkInterface', {}, {}),
      code: 'malformed',
      reason: /no responseElements\.networkInterface/,
    },
    {
      title: 'a call netledger does not track',
      raw: () => record('ModifyNetworkInterfaceAttribute', { networkInterfaceId: ENI }, {}),
      code: 'unsupported-event',
    },
  ])('$title: $code, with the record it is about', ({ raw, code, reason }) => {
    const input = raw() as { detail: { eventID: string; eventName: string } };

    const parsed = parseEc2Event(input);

    expect(parsed).toStrictEqual({
      ok: false,
      kind: 'ignored',
      code,
      reason: expect.stringMatching(reason ?? /./),
      eventId: input.detail.eventID,
      eventName: input.detail.eventName,
    });
  });

  test('a malformed state change is refused as malformed', () => {
    const e = sample('ec2/node-lifecycle/02-instance-running.json');
    e.detail.state = 'exploded';
    const parsed = parseEc2Event(e);
    expect(parsed.ok ? 'accepted' : parsed.code).toBe('malformed');
  });
  // Equivalent, besides: the text of zod issues (the instance id's 'not an instance id', the
  // 'custom' code and path of the no-instances issue) only words the reason.
  // Equivalent: `error instanceof z.ZodError` made always true. Every throw inside changeOf comes
  // from a zod parse (or the ZodError raised for a launch of no instances), so nothing else is
  // ever caught there.
});
