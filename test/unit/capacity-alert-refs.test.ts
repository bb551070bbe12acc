import { expect, test } from 'vitest';
import { capacityAlertRefs, capacityAlertRefsNamedBy } from '#core/capacity/review-capacity.ts';
import type { Ec2Change } from '#core/network/ec2-event.ts';
import type { EniFacts } from '#core/network/network.ts';

// The alerts a capacity review of some nodes and subnets may settle, read ahead in one request:
// one per node, two per subnet.

test.each([
  [{ nodes: [], subnets: [] }, []],
  [
    { nodes: ['i-1', 'i-2'], subnets: ['subnet-a'] },
    [
      { kind: 'node-pod-capacity', subject: 'i-1' },
      { kind: 'node-pod-capacity', subject: 'i-2' },
      { kind: 'subnet-exhaustion', subject: 'subnet-a' },
      { kind: 'subnet-fragmentation', subject: 'subnet-a' },
    ],
  ],
  [
    { nodes: [], subnets: ['subnet-a', 'subnet-b'] },
    [
      { kind: 'subnet-exhaustion', subject: 'subnet-a' },
      { kind: 'subnet-fragmentation', subject: 'subnet-a' },
      { kind: 'subnet-exhaustion', subject: 'subnet-b' },
      { kind: 'subnet-fragmentation', subject: 'subnet-b' },
    ],
  ],
])('%j -> %j', (affected, refs) => {
  expect(capacityAlertRefs(affected)).toStrictEqual(refs);
});

// What a change names up front, read with the event's items: a change that names only an ENI or
// an attachment names none (its node and subnet come from the ledger).
const eni = (attachedTo?: string): EniFacts => ({
  eniId: 'eni-1',
  vpcId: 'vpc-1',
  subnetId: 'subnet-a',
  description: '',
  tags: {},
  secondaryIps: [],
  prefixes: [],
  ...(attachedTo ? { attachment: { instanceId: attachedTo } } : {}),
});
const nodeRef = (subject: string) => ({ kind: 'node-pod-capacity', subject });
const subnetRefs = (subject: string) => [
  { kind: 'subnet-exhaustion', subject },
  { kind: 'subnet-fragmentation', subject },
];

test.each<[string, Ec2Change, unknown[]]>([
  [
    'a state change: its node',
    { type: 'instance-state', instanceId: 'i-1', state: 'running' },
    [nodeRef('i-1')],
  ],
  [
    "a launch: its nodes and their ENIs' subnets, once each",
    {
      type: 'instances-launched',
      instances: [
        { instanceId: 'i-1', state: 'running', tags: {} },
        { instanceId: 'i-2', state: 'running', tags: {} },
      ],
      enis: [eni('i-1'), { ...eni('i-2'), eniId: 'eni-2' }],
    },
    [nodeRef('i-1'), nodeRef('i-2'), ...subnetRefs('subnet-a')],
  ],
  ['a created ENI: its subnet', { type: 'eni-created', eni: eni() }, subnetRefs('subnet-a')],
  [
    'a created ENI already attached: its node too',
    { type: 'eni-created', eni: eni('i-1') },
    [nodeRef('i-1'), ...subnetRefs('subnet-a')],
  ],
  [
    'an attach: its node',
    { type: 'eni-attached', eniId: 'eni-1', instanceId: 'i-1' },
    [nodeRef('i-1')],
  ],
  ['a detach: none', { type: 'eni-detached', attachmentId: 'att-1' }, []],
  ['a delete: none', { type: 'eni-deleted', eniId: 'eni-1' }, []],
  [
    'an assign: none',
    { type: 'addresses-assigned', eniId: 'eni-1', ips: ['10.0.0.9'], prefixes: [], complete: true },
    [],
  ],
])('%s', (_, change, refs) => {
  expect(capacityAlertRefsNamedBy(change)).toStrictEqual(refs);
});
