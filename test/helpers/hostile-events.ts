import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '#test/helpers/package-once.ts';

// biome-ignore lint/suspicious/noExplicitAny: events are arbitrary JSON
export type Json = any;

export interface HostileEvent {
  readonly family: string;
  readonly name: string;
  /** A sample under events/samples/ that the mutation starts from. */
  readonly sample: string;
  readonly mutate: (event: Json) => void;
  /** What the one line for this event must say. */
  readonly reason: RegExp;
}

export const sample = (path: string): Json =>
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'events/samples', path), 'utf8'));

/** The sample, mutated, under a fresh event id so it is never a duplicate of the original. */
export function hostileEvent(c: HostileEvent, index: number): Json {
  const event = sample(c.sample);
  const id = `hostile-${String(index).padStart(3, '0')}`;
  event.id = id;
  if (event.detail && typeof event.detail === 'object' && 'eventID' in event.detail) {
    event.detail.eventID = id;
  }
  c.mutate(event);
  return event;
}

const TG = 'elb/register-targets.json';
const MODIFY = 'elb/modify-target-group-attributes.json';
const PREFIX = 'ec2/node-lifecycle/10-assign-ipv4-prefix.json';
const RUNNING = 'ec2/node-lifecycle/02-instance-running.json';
const CREATE_ENI = 'ec2/node-lifecycle/04-create-network-interface.json';
const ASSIGN = 'ec2/node-lifecycle/03-assign-private-ip-addresses.json';
const CREATE_LB = 'elb/create-load-balancer.json';
const ADD_TAGS = 'elb/add-tags.json';

const OTHER_ACCOUNT = '999988887777';
const setDelay = (value: unknown) => (e: Json) => {
  e.detail.requestParameters.attributes[0].value = value;
  e.detail.responseElements.attributes[0].value = value;
};

/**
 * Events a hostile or broken producer could deliver: each must be refused with one line
 * naming the reason, and change nothing.
 */
export const HOSTILE_EVENTS: readonly HostileEvent[] = [
  // Size: EventBridge never delivers more than 256 KB.
  {
    family: 'size',
    name: 'an event over 256 KB',
    sample: ASSIGN,
    mutate: (e) => {
      e.detail.requestParameters.padding = 'x'.repeat(270_000);
    },
    reason: /event is \d+ bytes; EventBridge delivers at most 262144/,
  },
  {
    family: 'size',
    name: 'an instance-state event over 256 KB in its resources',
    sample: RUNNING,
    mutate: (e) => {
      e.resources = Array.from(
        { length: 5000 },
        (_, i) =>
          `arn:aws:ec2:ap-northeast-2:111122223333:instance/i-${String(i).padStart(17, '0')}`,
      );
    },
    reason: /event is \d+ bytes; EventBridge delivers at most 262144/,
  },
  // Wrong JSON types in the envelope.
  ...(
    [
      ['id', 42, /not an EventBridge event: id: /],
      ['time', 1732183241, /not an EventBridge event: time: /],
      ['account', 111122223333, /not an EventBridge event: account: /],
      ['region', ['ap-northeast-2'], /not an EventBridge event: region: /],
      [
        'resources',
        'arn:aws:ec2:ap-northeast-2:111122223333:instance/i-1',
        /not an EventBridge event: resources: /,
      ],
      ['detail-type', null, /not an EventBridge event: detail-type: /],
      ['source', { name: 'aws.ec2' }, /no handler for source \{"name":"aws.ec2"\}/],
    ] as const
  ).map(
    ([field, value, reason]): HostileEvent => ({
      family: 'wrong type',
      name: `envelope ${field} as ${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value}`,
      sample: RUNNING,
      mutate: (e) => {
        e[field] = value;
      },
      reason,
    }),
  ),
  // Wrong JSON types in the EC2 state-change detail.
  {
    family: 'wrong type',
    name: 'instance-id as a number',
    sample: RUNNING,
    mutate: (e) => {
      e.detail['instance-id'] = 12345;
    },
    reason: /instance-id/,
  },
  {
    family: 'wrong type',
    name: 'state as an object',
    sample: RUNNING,
    mutate: (e) => {
      e.detail.state = { name: 'running' };
    },
    reason: /state/,
  },
  // Wrong JSON types in CloudTrail records.
  ...(
    [
      ['eventTime', 20261121, /eventTime/],
      ['eventID', { id: 'x' }, /eventID/],
      ['eventName', ['AssignPrivateIpAddresses'], /eventName/],
      ['eventSource', 7, /eventSource/],
      ['errorCode', true, /errorCode/],
    ] as const
  ).map(
    ([field, value, reason]): HostileEvent => ({
      family: 'wrong type',
      name: `CloudTrail ${field} as ${Array.isArray(value) ? 'array' : typeof value}`,
      sample: ASSIGN,
      mutate: (e) => {
        e.detail[field] = value;
      },
      reason,
    }),
  ),
  {
    family: 'wrong type',
    name: 'networkInterfaceId as a number',
    sample: ASSIGN,
    mutate: (e) => {
      e.detail.requestParameters.networkInterfaceId = 600002;
    },
    reason: /networkInterfaceId/,
  },
  {
    family: 'wrong type',
    name: 'privateIpAddressesSet items as strings',
    sample: ASSIGN,
    mutate: (e) => {
      e.detail.responseElements.assignedPrivateIpAddressesSet = { item: ['192.168.1.21'] };
      e.detail.requestParameters.privateIpAddressesSet = { item: ['192.168.1.21'] };
    },
    reason: /privateIp|expected object|malformed/,
  },
  {
    family: 'wrong type',
    name: 'a private IP that is not an address',
    sample: ASSIGN,
    mutate: (e) => {
      e.detail.requestParameters.privateIpAddressesSet = {
        item: [{ privateIpAddress: '192.168.1.321' }],
      };
      e.detail.responseElements.assignedPrivateIpAddressesSet = {
        assignedPrivateIpAddressSetType: [{ privateIpAddress: '192.168.1.321' }],
      };
    },
    reason: /privateIpAddress|IPv4|address/,
  },
  {
    family: 'wrong type',
    name: 'CreateNetworkInterface subnetId as an array',
    sample: CREATE_ENI,
    mutate: (e) => {
      e.detail.responseElements.networkInterface.subnetId = ['subnet-0aa1111111111111a'];
    },
    reason: /subnetId/,
  },
  {
    family: 'wrong type',
    name: 'RegisterTargets port as a string',
    sample: TG,
    mutate: (e) => {
      e.detail.requestParameters.targets[0].port = '8080';
    },
    reason: /port/,
  },
  {
    family: 'wrong type',
    name: 'RegisterTargets targets as an object',
    sample: TG,
    mutate: (e) => {
      e.detail.requestParameters.targets = { id: '192.168.1.21', port: 8080 };
    },
    reason: /targets/,
  },
  {
    family: 'wrong type',
    name: 'CreateLoadBalancer dNSName as a number',
    sample: CREATE_LB,
    mutate: (e) => {
      e.detail.responseElements.loadBalancers[0].dNSName = 1;
    },
    reason: /dNSName/,
  },
  {
    family: 'wrong type',
    name: 'AddTags tag value as a number',
    sample: ADD_TAGS,
    mutate: (e) => {
      e.detail.requestParameters.tags[0].value = 60;
    },
    reason: /tags/,
  },
  // ARNs of another partition or account.
  {
    family: 'foreign ARN',
    name: 'a target group in the aws-cn partition',
    sample: TG,
    mutate: (e) => {
      e.detail.requestParameters.targetGroupArn = e.detail.requestParameters.targetGroupArn.replace(
        'arn:aws:',
        'arn:aws-cn:',
      );
    },
    reason:
      /not this account's resource: detail\.requestParameters\.targetGroupArn: .* partition aws-cn, not aws/,
  },
  {
    family: 'foreign ARN',
    name: 'a target group of another account',
    sample: TG,
    mutate: (e) => {
      e.detail.requestParameters.targetGroupArn = e.detail.requestParameters.targetGroupArn.replace(
        '111122223333',
        OTHER_ACCOUNT,
      );
    },
    reason: /belongs to account 999988887777, not 111122223333/,
  },
  {
    family: 'foreign ARN',
    name: 'tags on a load balancer of another account',
    sample: ADD_TAGS,
    mutate: (e) => {
      e.detail.requestParameters.resourceArns = [
        e.detail.requestParameters.resourceArns[0].replace('111122223333', OTHER_ACCOUNT),
      ];
    },
    reason: /belongs to account 999988887777/,
  },
  {
    family: 'foreign ARN',
    name: 'an instance ARN of another account in resources',
    sample: RUNNING,
    mutate: (e) => {
      e.resources = [e.resources[0].replace('111122223333', OTHER_ACCOUNT)];
    },
    reason: /resources\.0: .* belongs to account 999988887777/,
  },
  {
    family: 'foreign ARN',
    name: 'a GovCloud load balancer in a commercial region',
    sample: CREATE_LB,
    mutate: (e) => {
      const lb = e.detail.responseElements.loadBalancers[0];
      lb.loadBalancerArn = lb.loadBalancerArn.replace('arn:aws:', 'arn:aws-us-gov:');
    },
    reason: /partition aws-us-gov, not aws/,
  },
  // Deregistration delays outside 0-3600.
  ...(['3601', '-1', '86400', '1e3', 'sixty', '60.5'] as const).map(
    (value): HostileEvent => ({
      family: 'deregistration delay',
      name: `deregistration delay ${JSON.stringify(value)}`,
      sample: MODIFY,
      mutate: setDelay(value),
      reason:
        /deregistration_delay\.timeout_seconds: .*(is not a whole number of seconds|is above 3600 s)/,
    }),
  ),
  // CIDRs that do not parse.
  ...(['192.168.2.300/28', '192.168.2.48/33', '192.168.2.48', 'not-a-cidr'] as const).map(
    (cidr): HostileEvent => ({
      family: 'CIDR',
      name: `an IPv4 prefix ${cidr}`,
      sample: PREFIX,
      mutate: (e) => {
        e.detail.responseElements.assignedIpv4PrefixSet = {
          assignedIpv4PrefixSetType: [{ ipv4Prefix: cidr }],
        };
      },
      reason: /ipv4Prefix|CIDR|cidr/,
    }),
  ),
];
