import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import {
  compareStamps,
  describeIssue,
  type EventBridgeEvent,
  ignored,
  parseCloudTrail,
  parseEnvelope,
  setItems,
} from '#core/events/event-envelope.ts';
import {
  clusterConfigured,
  lacksRequiredCluster,
  outOfScope,
  type Scope,
  scopeProblem,
} from '#core/events/scope.ts';

// The envelope and scope rules every event passes through: the edges mutation testing
// found untested. Results are compared whole.

describe('ignored', () => {
  test('one line, at most 500 characters, ids only when known', () => {
    expect(ignored('malformed', 'a\n  b\tc')).toStrictEqual({
      ok: false,
      kind: 'ignored',
      code: 'malformed',
      reason: 'malformed: a b c',
    });
    expect(
      ignored('failed-call', 'x'.repeat(600), { eventId: 'e1', eventName: 'RunInstances' }),
    ).toStrictEqual({
      ok: false,
      kind: 'ignored',
      code: 'failed-call',
      reason: `failed-call: ${'x'.repeat(600)}`.slice(0, 500),
      eventId: 'e1',
      eventName: 'RunInstances',
    });
    expect(
      ignored('malformed', 'x', { eventId: undefined, eventName: undefined }),
    ).not.toHaveProperty('eventId');
  });
});

describe('compareStamps: time first, then event id', () => {
  test.each([
    [
      { eventTime: '2026-01-01T00:00:01Z', eventId: 'a' },
      { eventTime: '2026-01-01T00:00:02Z', eventId: 'a' },
      -1,
    ],
    [
      { eventTime: '2026-01-01T00:00:02Z', eventId: 'a' },
      { eventTime: '2026-01-01T00:00:01Z', eventId: 'b' },
      1,
    ],
    [
      { eventTime: '2026-01-01T00:00:01Z', eventId: 'a' },
      { eventTime: '2026-01-01T00:00:01Z', eventId: 'b' },
      -1,
    ],
    [
      { eventTime: '2026-01-01T00:00:01Z', eventId: 'b' },
      { eventTime: '2026-01-01T00:00:01Z', eventId: 'a' },
      1,
    ],
    [
      { eventTime: '2026-01-01T00:00:01Z', eventId: 'a' },
      { eventTime: '2026-01-01T00:00:01Z', eventId: 'a' },
      0,
    ],
  ])('%j vs %j = %i', (a, b, expected) => {
    expect(compareStamps(a, b)).toBe(expected);
  });
});

describe('describeIssue', () => {
  const schema = z.object({ a: z.string(), b: z.number() });

  test.each<[unknown, string | undefined, string]>([
    [{ a: 1, b: 2 }, undefined, 'a: Invalid input: expected string, received number'],
    [{}, undefined, 'a: Invalid input: expected string, received undefined (+1 more)'],
    [{ a: 1, b: 2 }, 'detail', 'detail.a: Invalid input: expected string, received number'],
    [5, undefined, '(root): Invalid input: expected object, received number'],
  ])('%j', (input, prefix, text) => {
    const result = schema.safeParse(input);
    if (result.success) throw new Error('expected a failure');
    expect(describeIssue(result.error, prefix)).toBe(text);
  });

  test('an error without issues says invalid input', () => {
    expect(describeIssue(new z.ZodError([]))).toBe('invalid input');
  });
});

const envelope = (detail: unknown, extra: Partial<EventBridgeEvent> = {}): EventBridgeEvent => ({
  version: '0',
  id: 'evt-1',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2026-11-21T10:00:00Z',
  region: 'us-east-1',
  resources: [],
  'detail-type': 'AWS API Call via CloudTrail',
  detail,
  ...extra,
});
const record = (extra: Record<string, unknown> = {}) => ({
  eventID: 'e1',
  eventTime: '2026-11-21T10:00:00Z',
  eventName: 'CreateNetworkInterface',
  eventSource: 'ec2.amazonaws.com',
  ...extra,
});

describe('parseEnvelope and parseCloudTrail', () => {
  test('an envelope that is not one keeps the ids of its detail for the log', () => {
    const result = parseEnvelope(
      { detail: { eventID: 'e9', eventName: 'AttachNetworkInterface' } },
      'aws.ec2',
    );
    expect(result).toMatchObject({
      ok: false,
      code: 'malformed',
      eventId: 'e9',
      eventName: 'AttachNetworkInterface',
    });
    const noIds = parseEnvelope({ detail: { eventID: 9 } }, 'aws.ec2');
    expect(noIds).not.toHaveProperty('eventId');
    expect(parseEnvelope(null, 'aws.ec2')).not.toHaveProperty('eventId');
  });

  test('a record from another service is malformed and keeps its ids', () => {
    expect(
      parseCloudTrail(envelope(record({ eventSource: 'iam.amazonaws.com' })), 'ec2.amazonaws.com'),
    ).toStrictEqual({
      ok: false,
      kind: 'ignored',
      code: 'malformed',
      reason: 'malformed: detail.eventSource: unexpected eventSource "iam.amazonaws.com"',
      eventId: 'e1',
      eventName: 'CreateNetworkInterface',
    });
  });

  test('a record that fails validation keeps the ids it has', () => {
    const result = parseCloudTrail(
      envelope({ eventID: 'e2', eventName: 'X' }),
      'ec2.amazonaws.com',
    );
    expect(result).toMatchObject({ ok: false, code: 'malformed', eventId: 'e2', eventName: 'X' });
  });

  test.each([
    [
      { errorCode: 'UnauthorizedOperation' },
      'failed-call: CreateNetworkInterface UnauthorizedOperation; the call failed in AWS (UnauthorizedOperation), so nothing changed',
    ],
    [
      { errorCode: 'InvalidParameterValue', errorMessage: 'bad subnet' },
      'failed-call: CreateNetworkInterface InvalidParameterValue: bad subnet; the call failed in AWS (InvalidParameterValue), so nothing changed',
    ],
  ])('a failed call %j is ignored as failed-call', (extra, reason) => {
    expect(parseCloudTrail(envelope(record(extra)), 'ec2.amazonaws.com')).toMatchObject({
      code: 'failed-call',
      reason,
    });
  });
});

describe('setItems', () => {
  test.each<[unknown, unknown[]]>([
    [
      [1, 2],
      [1, 2],
    ],
    [undefined, []],
    [null, []],
    ['text', []],
    [7, []],
    [{ item: [1] }, [1]],
    [{ items: [2] }, [2]],
    [{ item: [1], items: [2] }, [1]],
    [{ items: [2], item: [1] }, [1]],
    [{ item: 'x', items: [2] }, [2]],
    [{ assignedPrivateIpAddressSetType: [3] }, [3]],
    [{ other: 'x' }, []],
  ])('%j -> %j', (value, items) => {
    expect(setItems(value)).toStrictEqual(items);
  });
});

describe('scope', () => {
  const named: Scope = { clusters: ['blue', 'green'], vpcIds: ['vpc-1'] };
  const all: Scope = { clusters: 'all', vpcIds: 'all' };

  test.each<[string, Scope, string | undefined, string | undefined, string | undefined]>([
    ['in scope', named, 'vpc-1', 'blue', undefined],
    ['another VPC', named, 'vpc-2', 'blue', 'VPC vpc-2 is not configured (VPC_IDS=vpc-1)'],
    [
      'another VPC of several',
      { ...named, vpcIds: ['vpc-1', 'vpc-3'] },
      'vpc-2',
      'blue',
      'VPC vpc-2 is not configured (VPC_IDS=vpc-1,vpc-3)',
    ],
    [
      'another cluster',
      named,
      'vpc-1',
      'red',
      'cluster red is not configured (CLUSTERS=blue,green)',
    ],
    ['no VPC known yet', named, undefined, 'blue', undefined],
    [
      'no cluster named: not outOfScope (scopeProblem decides)',
      named,
      'vpc-1',
      undefined,
      undefined,
    ],
    ['everything with all', all, 'vpc-9', 'red', undefined],
  ])('outOfScope: %s', (_title, scope, vpcId, cluster, reason) => {
    expect(outOfScope(scope, vpcId, cluster)).toBe(reason);
  });

  test.each<[Scope, string | undefined, boolean]>([
    [named, undefined, true],
    [named, '', true],
    [named, 'blue', false],
    [all, undefined, false],
  ])('lacksRequiredCluster(%j, %j) = %s', (scope, cluster, lacks) => {
    expect(lacksRequiredCluster(scope, cluster)).toBe(lacks);
  });

  test('clusterConfigured and scopeProblem', () => {
    expect(clusterConfigured(named, 'green')).toBe(true);
    expect(clusterConfigured(named, 'all')).toBe(false);
    expect(clusterConfigured(all, 'anything')).toBe(true);
    expect(scopeProblem(named, 'vpc-1', undefined, 'no cluster tag')).toBe('no cluster tag');
    expect(scopeProblem(named, 'vpc-2', undefined, 'no cluster tag')).toBe(
      'VPC vpc-2 is not configured (VPC_IDS=vpc-1)',
    );
    expect(scopeProblem(all, 'vpc-2', undefined, 'no cluster tag')).toBeUndefined();
  });
});

// Equivalent mutants: compareStamps' '<' as '<=' (reached only when the two differ);
// setItems' primitive guard (Object.values of a primitive has no array either); scope's
// "clusters !== 'all'" checks, which clusterConfigured repeats.
