import { describe, expect, test } from 'vitest';
import {
  type EventBridgeEvent,
  foreignArn,
  MAX_EVENT_BYTES,
  oversize,
  parseCloudTrail,
  parseEnvelope,
  partitionOf,
} from '#core/events/event-envelope.ts';

// Which deliveries the envelope lets in at all: the partition of a region, ARNs of another
// partition or account, events larger than EventBridge delivers, JSON text, the wrong source
// or detail-type. Results are compared whole.

const ACCOUNT = '111122223333';
const OTHER = '444455556666';

const event = (extra: Partial<EventBridgeEvent> = {}): EventBridgeEvent => ({
  version: '0',
  id: 'evt-1',
  source: 'aws.elasticloadbalancing',
  account: ACCOUNT,
  time: '2026-11-21T10:00:00Z',
  region: 'us-east-1',
  resources: [],
  'detail-type': 'AWS API Call via CloudTrail',
  detail: {
    eventID: 'e1',
    eventTime: '2026-11-21T10:00:00Z',
    eventName: 'RegisterTargets',
    eventSource: 'elasticloadbalancing.amazonaws.com',
  },
  ...extra,
});

const tg = (partition = 'aws', account = ACCOUNT, region = 'us-east-1') =>
  `arn:${partition}:elasticloadbalancing:${region}:${account}:targetgroup/web/0123456789abcdef`;

/** `value` nested `levels` objects deep: `{a: {a: ... value}}`. */
const nested = (value: unknown, levels: number): unknown =>
  levels === 0 ? value : { a: nested(value, levels - 1) };

/** `value` inside `levels` lists: `[[... value]]`. */
const nestedLists = (value: unknown, levels: number): unknown =>
  levels === 0 ? value : [nestedLists(value, levels - 1)];

describe('partitionOf', () => {
  test.each([
    ['us-east-1', 'aws'],
    ['eu-west-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
    // Only a prefix names a partition.
    ['xcn-1', 'aws'],
    ['eu-us-gov-1', 'aws'],
  ])('%s is in %s', (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
  });
});

describe('foreignArn: an ARN of the event that is not this account’s', () => {
  type Where = Pick<EventBridgeEvent, 'resources' | 'detail' | 'region' | 'account'>;
  const where = (extra: Partial<Where>): Where => ({
    resources: [],
    detail: undefined,
    region: 'us-east-1',
    account: ACCOUNT,
    ...extra,
  });

  test.each<[string, Partial<Where>, string | undefined]>([
    ['nothing to check', {}, undefined],
    ['our own ARN in resources', { resources: [tg()] }, undefined],
    [
      'another account in resources',
      { resources: ['not an arn', tg('aws', OTHER)] },
      `resources.1: ${tg('aws', OTHER)} belongs to account ${OTHER}, not ${ACCOUNT}`,
    ],
    [
      'another partition in resources',
      { resources: [tg('aws-cn')] },
      `resources.0: ${tg('aws-cn')} is in partition aws-cn, not aws (region us-east-1)`,
    ],
    [
      'another partition and account: the partition is said',
      { resources: [tg('aws-cn', OTHER)] },
      `resources.0: ${tg('aws-cn', OTHER)} is in partition aws-cn, not aws (region us-east-1)`,
    ],
    [
      'a China region with its own partition',
      { region: 'cn-north-1', resources: [tg('aws-cn', ACCOUNT, 'cn-north-1')] },
      undefined,
    ],
    [
      'a China region with a commercial ARN',
      { region: 'cn-north-1', resources: [tg()] },
      `resources.0: ${tg()} is in partition aws, not aws-cn (region cn-north-1)`,
    ],
    // S3 ARNs name no account: nothing to compare.
    ['an ARN without an account', { resources: ['arn:aws:s3:::bucket'] }, undefined],
    ['an ARN cut short', { resources: ['arn:aws:iam'] }, undefined],
    [
      'in the request, under lists and objects',
      {
        detail: {
          requestParameters: { targetGroupArn: tg(), targets: [{ id: 1 }, null, tg('aws', OTHER)] },
        },
      },
      `detail.requestParameters.targets.2: ${tg('aws', OTHER)} belongs to account ${OTHER}, not ${ACCOUNT}`,
    ],
    [
      'in the response',
      { detail: { responseElements: { targetGroups: [{ targetGroupArn: tg('aws', OTHER) }] } } },
      `detail.responseElements.targetGroups.0.targetGroupArn: ${tg('aws', OTHER)} belongs to account ${OTHER}, not ${ACCOUNT}`,
    ],
    [
      'resources are read before the request, the request before the response',
      {
        resources: [tg('aws-cn')],
        detail: {
          requestParameters: { arn: tg('aws', OTHER) },
          responseElements: { arn: tg('aws-us-gov') },
        },
      },
      `resources.0: ${tg('aws-cn')} is in partition aws-cn, not aws (region us-east-1)`,
    ],
    [
      'the request before the response',
      {
        detail: {
          requestParameters: { arn: tg('aws', OTHER) },
          responseElements: { arn: tg('aws-us-gov') },
        },
      },
      `detail.requestParameters.arn: ${tg('aws', OTHER)} belongs to account ${OTHER}, not ${ACCOUNT}`,
    ],
    // Who made the call may be another account: not the resource the event is about.
    [
      'the caller is not checked',
      { detail: { userIdentity: { arn: `arn:aws:iam::${OTHER}:role/deployer` } } },
      undefined,
    ],
    ['a detail that is text', { detail: tg('aws', OTHER) }, undefined],
    [
      'deep, but not too deep to read (32 levels)',
      { detail: { requestParameters: nested(tg('aws', OTHER), 32) } },
      `detail.requestParameters${'.a'.repeat(32)}: ${tg('aws', OTHER)} belongs to account ${OTHER}, not ${ACCOUNT}`,
    ],
    [
      'lists count as levels too: 32 lists deep is read',
      { resources: nestedLists(tg('aws', OTHER), 32) as string[] },
      `resources${'.0'.repeat(32)}: ${tg('aws', OTHER)} belongs to account ${OTHER}, not ${ACCOUNT}`,
    ],
    [
      'lists count as levels too: 33 lists deep is not read',
      { resources: nestedLists(tg('aws', OTHER), 33) as string[] },
      undefined,
    ],
    [
      'deeper than 32 levels is not read',
      { detail: { requestParameters: nested(tg('aws', OTHER), 33) } },
      undefined,
    ],
  ])('%s', (_title, extra, reason) => {
    expect(foreignArn(where(extra))).toBe(reason);
  });
});

describe('oversize: larger than EventBridge delivers', () => {
  // JSON text of a string of n ASCII characters is n + 2 bytes (the quotes).
  test.each<[string, unknown, string | undefined]>([
    ['exactly the limit', 'x'.repeat(MAX_EVENT_BYTES - 2), undefined],
    [
      'one byte over',
      'x'.repeat(MAX_EVENT_BYTES - 1),
      `event is ${MAX_EVENT_BYTES + 1} bytes; EventBridge delivers at most ${MAX_EVENT_BYTES}`,
    ],
    [
      'bytes, not characters, count',
      'é'.repeat(MAX_EVENT_BYTES / 2),
      `event is ${MAX_EVENT_BYTES + 2} bytes; EventBridge delivers at most ${MAX_EVENT_BYTES}`,
    ],
    ['nothing at all', undefined, undefined],
  ])('%s', (_title, raw, reason) => {
    expect(oversize(raw)).toBe(reason);
  });

  test('the limit is 256 KB', () => {
    expect(MAX_EVENT_BYTES).toBe(262_144);
  });
});

describe('parseEnvelope: what is admitted', () => {
  test('an event, as an object or as its JSON text, is the envelope as delivered', () => {
    const e = { ...event(), extra: 'kept' };
    expect(parseEnvelope(e, 'aws.elasticloadbalancing')).toStrictEqual({ ok: true, value: e });
    expect(parseEnvelope(JSON.stringify(e), 'aws.elasticloadbalancing')).toStrictEqual({
      ok: true,
      value: e,
    });
  });

  test('text that is not JSON is malformed', () => {
    const result = parseEnvelope('{not json', 'aws.elasticloadbalancing');
    expect(result).toMatchObject({ ok: false, kind: 'ignored', code: 'malformed' });
    expect(result).not.toHaveProperty('eventId');
  });

  test('an event too large for EventBridge is too-large, with the ids it carries', () => {
    const big = event({ resources: ['x'.repeat(MAX_EVENT_BYTES)] });
    const result = parseEnvelope(big, 'aws.elasticloadbalancing');
    expect(result).toMatchObject({
      ok: false,
      code: 'too-large',
      eventId: 'e1',
      eventName: 'RegisterTargets',
    });
    // As JSON text too: the size of the parsed event counts.
    expect(parseEnvelope(JSON.stringify(big), 'aws.elasticloadbalancing')).toMatchObject({
      code: 'too-large',
    });
  });

  test('another source is malformed, without ids', () => {
    const result = parseEnvelope(event({ source: 'aws.ec2' }), 'aws.elasticloadbalancing');
    expect(result).toStrictEqual({
      ok: false,
      kind: 'ignored',
      code: 'malformed',
      reason: 'malformed: source: unexpected source "aws.ec2"',
    });
  });

  test("another account's resource is foreign-resource, with the record's ids", () => {
    const result = parseEnvelope(
      event({ resources: [tg('aws', OTHER)] }),
      'aws.elasticloadbalancing',
    );
    expect(result).toStrictEqual({
      ok: false,
      kind: 'ignored',
      code: 'foreign-resource',
      reason: `foreign-resource: not this account's resource: resources.0: ${tg('aws', OTHER)} belongs to account ${OTHER}, not ${ACCOUNT}`,
      eventId: 'e1',
      eventName: 'RegisterTargets',
    });
  });

  test.each<[string, Record<string, unknown>]>([
    ['no id', { id: undefined }],
    ['an empty id', { id: '' }],
    ['an empty account', { account: '' }],
    ['an empty region', { region: '' }],
    ['a time that is not ISO 8601', { time: 'yesterday' }],
    ['resources that are not a list', { resources: 'arn' }],
    ['no version', { version: undefined }],
    ['no detail-type', { 'detail-type': undefined }],
  ])('an envelope with %s is malformed', (_title, extra) => {
    expect(parseEnvelope({ ...event(), ...extra }, 'aws.elasticloadbalancing')).toMatchObject({
      ok: false,
      code: 'malformed',
    });
  });
});

describe('parseCloudTrail: what is admitted', () => {
  const source = 'elasticloadbalancing.amazonaws.com';

  test('a successful call is its record as delivered', () => {
    const e = event();
    expect(parseCloudTrail(e, source)).toStrictEqual({ ok: true, value: e.detail });
  });

  test('another detail-type is malformed, without ids', () => {
    expect(
      parseCloudTrail(event({ 'detail-type': 'EC2 Instance State-change Notification' }), source),
    ).toStrictEqual({
      ok: false,
      kind: 'ignored',
      code: 'malformed',
      reason:
        'malformed: detail-type: unexpected detail-type "EC2 Instance State-change Notification"',
    });
  });

  test.each<[string, Record<string, unknown>]>([
    ['an empty eventID', { eventID: '' }],
    ['an empty eventName', { eventName: '' }],
    ['an eventTime that is not ISO 8601', { eventTime: '21/11/2026' }],
    ['no eventSource', { eventSource: undefined }],
  ])('a record with %s is malformed', (_title, extra) => {
    const e = event();
    const detail = { ...(e.detail as object), ...extra };
    expect(parseCloudTrail({ ...e, detail }, source)).toMatchObject({
      ok: false,
      code: 'malformed',
    });
  });

  test('an eventTime with an offset, and a console flag as a boolean, are accepted', () => {
    const e = event();
    const detail = {
      ...(e.detail as object),
      eventTime: '2026-11-21T10:00:00+09:00',
      sessionCredentialFromConsole: true,
    };
    expect(parseCloudTrail({ ...e, detail }, source)).toStrictEqual({ ok: true, value: detail });
  });

  test('an empty errorCode is not a failed call', () => {
    const e = event();
    const detail = { ...(e.detail as object), errorCode: '' };
    expect(parseCloudTrail({ ...e, detail }, source)).toStrictEqual({ ok: true, value: detail });
  });
});

// Equivalent mutants left in event-envelope.ts (also see event-envelope-edges.test.ts):
// - arnsIn's `Array.isArray(value)` branch never taken: an array then goes through the object
//   branch, whose Object.entries gives the same indexes as paths, so the same ARNs and paths.
// - arnsIn's and foreignArn's `typeof ... === 'object'` made true (the `value &&` / `detail &&`
//   kept): a number or boolean has no entries, and a detail that is text has no
//   requestParameters, so nothing more is read either way.
// - oversize's `JSON.stringify(raw) ?? ''` with another fallback text: only `undefined` (raw
//   undefined) falls back, and no fallback of a few bytes comes near the 256 KB limit.
