import { expect, test } from 'vitest';
import { capacityAlertRefs } from '#core/capacity/review-capacity.ts';

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
