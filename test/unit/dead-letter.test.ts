import { describe, expect, test } from 'vitest';
import { describePayload, readDeadLetter } from '#core/events/dead-letter.ts';

/** Redrive reads each DLQ message with these: what it re-sends, and the operator's line. */
const assign = {
  id: 'env-1',
  'detail-type': 'AWS API Call via CloudTrail',
  detail: { eventName: 'AssignPrivateIpAddresses', eventID: 'ct-1' },
};

describe('describePayload: one line per message', () => {
  test.each<[string, unknown, string]>([
    ['CloudTrail name and id', assign, 'AssignPrivateIpAddresses ct-1'],
    ['name without an id', { detail: { eventName: 'RunInstances' } }, 'RunInstances'],
    [
      'the envelope id when the detail has none',
      { id: 'env-2', 'detail-type': 'EC2 Instance State-change Notification', detail: {} },
      'EC2 Instance State-change Notification env-2',
    ],
    ['a non-string id is left out', { detail: { eventName: 'X', eventID: 7 } }, 'X'],
    ['SNS records are counted', { Records: [{}, {}] }, '2 SNS record(s)'],
    [
      'a detail that is not an object',
      { detail: 'x', 'detail-type': 'Scheduled Event' },
      'Scheduled Event',
    ],
    ['an object with nothing to name', { foo: 1 }, 'event'],
    ['an array is not an event', [1, 2], 'object'],
    ['null', null, 'object'],
    ['a string', 'hello', 'string'],
  ])('%s', (_name, payload, line) => {
    expect(describePayload(payload)).toBe(line);
  });
});

describe('readDeadLetter: what goes back to the function', () => {
  test.each<[string, string, unknown]>([
    [
      "Lambda's on-failure record: its requestPayload, with the condition",
      JSON.stringify({
        requestContext: { condition: 'RetriesExhausted' },
        requestPayload: assign,
      }),
      {
        ok: true,
        payload: assign,
        origin: 'on-failure record (RetriesExhausted)',
        summary: 'AssignPrivateIpAddresses ct-1',
      },
    ],
    [
      'an on-failure record without a condition says failed',
      JSON.stringify({ requestContext: {}, requestPayload: assign }),
      {
        ok: true,
        payload: assign,
        origin: 'on-failure record (failed)',
        summary: 'AssignPrivateIpAddresses ct-1',
      },
    ],
    [
      'an EventBridge event the rule could not deliver: the event itself',
      JSON.stringify(assign),
      {
        ok: true,
        payload: assign,
        origin: 'undelivered EventBridge event',
        summary: 'AssignPrivateIpAddresses ct-1',
      },
    ],
    ['not JSON', '{nope', { ok: false, reason: 'body is not JSON' }],
    ['a JSON array', '[1]', { ok: false, reason: 'body is not a JSON object' }],
    ['JSON null', 'null', { ok: false, reason: 'body is not a JSON object' }],
    [
      'requestContext without requestPayload',
      JSON.stringify({ requestContext: {} }),
      { ok: false, reason: 'neither an on-failure record nor an EventBridge event' },
    ],
    [
      'requestPayload without requestContext',
      JSON.stringify({ requestPayload: assign }),
      { ok: false, reason: 'neither an on-failure record nor an EventBridge event' },
    ],
    [
      'detail-type without detail',
      JSON.stringify({ 'detail-type': 'X' }),
      { ok: false, reason: 'neither an on-failure record nor an EventBridge event' },
    ],
    [
      'detail without a string detail-type',
      JSON.stringify({ 'detail-type': 3, detail: {} }),
      { ok: false, reason: 'neither an on-failure record nor an EventBridge event' },
    ],
  ])('%s', (_name, body, expected) => {
    expect(readDeadLetter(body)).toStrictEqual(expected);
  });
});
