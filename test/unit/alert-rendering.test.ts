import { describe, expect, test } from 'vitest';
import type { AlertCondition } from '#core/alerts/alert.ts';
import {
  type AlertNotification,
  type AlertPolicy,
  nextAlert,
} from '#core/alerts/alert-lifecycle.ts';
import { parseAlertMessage, renderSlackPayload } from '#core/alerts/alert-message.ts';
import { canonical } from '#core/alerts/canonical.ts';
import { settleAlert } from '#core/alerts/settle-alert.ts';
import { InMemoryAlertStore, RecordingNotifier } from '#test/helpers/capacity-fakes.ts';

// What an operator reads in Slack, compared whole; the canonical form settling compares
// records by; and failures settling must not swallow. Gaps found by mutation testing.

const open: AlertNotification = {
  type: 'open',
  kind: 'subnet-exhaustion',
  severity: 'warning',
  cluster: 'prod',
  subject: 'subnet-0abc',
  title: 'Subnet subnet-0abc running out of addresses',
  summary: '12/251 addresses free',
  facts: { free: 12, cidr: '10.0.1.0/24' },
  openedAt: '2025-03-14T09:00:00.000Z',
};

describe('Slack payload, whole', () => {
  test('an open', () => {
    expect(renderSlackPayload(open)).toStrictEqual({
      text: '[WARNING] Subnet subnet-0abc running out of addresses (prod): 12/251 addresses free',
      blocks: [
        {
          type: 'header',
          text: {
            type: 'plain_text',
            text: ':large_orange_circle: Subnet subnet-0abc running out of addresses',
            emoji: true,
          },
        },
      ],
      attachments: [
        {
          color: '#daa038',
          blocks: [
            { type: 'section', text: { type: 'mrkdwn', text: '12/251 addresses free' } },
            {
              type: 'section',
              fields: [
                { type: 'mrkdwn', text: '*free*\n12' },
                { type: 'mrkdwn', text: '*cidr*\n10.0.1.0/24' },
              ],
            },
            {
              type: 'context',
              elements: [
                {
                  type: 'mrkdwn',
                  text: '*Severity* warning  ·  *Cluster* prod  ·  *Kind* subnet-exhaustion  ·  *Subject* subnet-0abc  ·  *Opened* 2025-03-14T09:00:00.000Z',
                },
              ],
            },
          ],
        },
      ],
    });
  });

  test('a remind says since when it is open; a resolve says when it cleared', () => {
    const remind = renderSlackPayload({ ...open, type: 'remind' });
    const resolve = renderSlackPayload({
      ...open,
      type: 'resolve',
      resolvedAt: '2025-03-14T10:00:00.000Z',
    });
    const context = (p: ReturnType<typeof renderSlackPayload>) => {
      const last = p.attachments[0].blocks.at(-1);
      return last?.type === 'context' ? last.elements[0]?.text : undefined;
    };
    expect(context(remind)).toBe(
      '*Severity* warning  ·  *Cluster* prod  ·  *Kind* subnet-exhaustion  ·  *Subject* subnet-0abc  ·  *Open since* 2025-03-14T09:00:00.000Z',
    );
    expect(context(resolve)).toBe(
      '*Severity* warning  ·  *Cluster* prod  ·  *Kind* subnet-exhaustion  ·  *Subject* subnet-0abc  ·  *Opened* 2025-03-14T09:00:00.000Z  ·  *Resolved* 2025-03-14T10:00:00.000Z',
    );
    expect(resolve.blocks[0]).toStrictEqual({
      type: 'header',
      text: {
        type: 'plain_text',
        text: ':white_check_mark: Resolved: Subnet subnet-0abc running out of addresses',
        emoji: true,
      },
    });
    expect(resolve.text).toBe(
      'Resolved: Subnet subnet-0abc running out of addresses (prod): 12/251 addresses free',
    );
  });

  test('without a summary there is no summary section and no colon in the text', () => {
    const payload = renderSlackPayload({ ...open, summary: '', facts: {} });
    expect(payload.text).toBe('[WARNING] Subnet subnet-0abc running out of addresses (prod)');
    expect(payload.attachments[0].blocks.map((b) => b.type)).toStrictEqual(['context']);
  });

  test('a summary over 3,000 characters is cut with an ellipsis, never inside an entity', () => {
    const long = renderSlackPayload({ ...open, summary: `${'x'.repeat(2996)}&&&&` });
    const section = long.attachments[0].blocks[0];
    const text = section?.type === 'section' ? section.text?.text : undefined;
    expect(text).toBe(`${'x'.repeat(2996)}…`);

    const early = renderSlackPayload({ ...open, summary: `a & b ${'z'.repeat(3000)}` });
    const head = early.attachments[0].blocks[0];
    expect(head?.type === 'section' ? head.text?.text.slice(0, 12) : undefined).toBe(
      'a &amp; b zz',
    );

    const exact = renderSlackPayload({ ...open, summary: 'y'.repeat(3000) });
    const first = exact.attachments[0].blocks[0];
    expect(first?.type === 'section' ? first.text?.text : undefined).toBe('y'.repeat(3000));
  });

  test.each([
    [40, 4, undefined],
    [41, 4, '1 more facts are in the SNS message.'],
    [45, 4, '5 more facts are in the SNS message.'],
  ])('%i facts: %i sections of fields, then %s', (count, sections, more) => {
    const facts = Object.fromEntries(Array.from({ length: count }, (_, i) => [`f${i}`, i]));
    const blocks = renderSlackPayload({ ...open, summary: '', facts }).attachments[0].blocks;
    expect(blocks.filter((b) => b.type === 'section')).toHaveLength(sections);
    const contexts = blocks.filter((b) => b.type === 'context');
    const texts = contexts.map((b) => (b.type === 'context' ? b.elements[0]?.text : ''));
    expect(texts.slice(0, -1)).toStrictEqual(more === undefined ? [] : [more]);
  });
});

describe('parsing an SNS alert message back', () => {
  test('an open comes back without a resolvedAt or escalated key', () => {
    expect(parseAlertMessage(JSON.stringify(open))).toStrictEqual(open);
  });

  test.each([
    ['{}', /^alert message is invalid: .+ \(\+\d+ more\)$/],
    [JSON.stringify({ ...open, cluster: '' }), /^alert message is invalid: cluster: [^(]+$/],
  ])('the reason names at most three problems and counts the rest: %s', (body, message) => {
    expect(() => parseAlertMessage(body)).toThrow(message);
  });
});

describe('canonical', () => {
  test.each<[unknown, string]>([
    [{ b: 1, a: 2 }, '{"a":2,"b":1}'],
    [{ a: undefined, b: null }, '{"b":null}'],
    [[3, { z: 1, y: [2, 1] }], '[3,{"y":[2,1],"z":1}]'],
    [{ n: { d: 'x', c: true } }, '{"n":{"c":true,"d":"x"}}'],
    ['text', '"text"'],
    [7, '7'],
    [null, 'null'],
    [[], '[]'],
    [{}, '{}'],
  ])('%j -> %s', (value, text) => {
    expect(canonical(value)).toBe(text);
  });

  test('key order does not matter, values do', () => {
    expect(canonical({ x: 1, y: { p: 1, q: 2 } })).toBe(canonical({ y: { q: 2, p: 1 }, x: 1 }));
    expect(canonical({ x: [1, 2] })).not.toBe(canonical({ x: [2, 1] }));
  });
});

describe('failures are not swallowed', () => {
  const policy: AlertPolicy = { remindAfterSeconds: 3600 };
  const condition: AlertCondition = {
    kind: 'subnet-exhaustion',
    subject: 'subnet-0abc',
    cluster: 'prod',
    active: true,
    severity: 'warning',
    title: 't',
    summary: 's',
    facts: {},
  };

  test('a store that fails for another reason than a conflict fails the settling', async () => {
    const alerts = new InMemoryAlertStore();
    alerts.beforePut = () => {
      throw new Error('ProvisionedThroughputExceeded');
    };
    await expect(
      settleAlert(condition, { alerts, notifier: new RecordingNotifier(), policy }, open.openedAt),
    ).rejects.toThrow('ProvisionedThroughputExceeded');
  });

  test.each<[string, string, AlertPolicy, RegExp]>([
    ['a bad clock', 'not-a-time', policy, /^now is not an ISO timestamp: not-a-time$/],
    [
      'no remind interval',
      open.openedAt,
      { remindAfterSeconds: 0 },
      /^remindAfterSeconds must be > 0, got 0$/,
    ],
    [
      'a negative quiet period',
      open.openedAt,
      { remindAfterSeconds: 60, reopenQuietSeconds: -1 },
      /^reopenQuietSeconds must be >= 0, got -1$/,
    ],
  ])('%s is named in the error', (_title, now, p, message) => {
    expect(() => nextAlert(undefined, condition, now, p)).toThrow(message);
  });

  test('a stored time that is not a time is named in the error', () => {
    const record = { ...nextAlert(undefined, condition, open.openedAt, policy).record };
    expect(() =>
      nextAlert(
        { ...record, status: 'open', lastNotifiedAt: 'garbage' } as never,
        condition,
        open.openedAt,
        policy,
      ),
    ).toThrow(/^lastNotifiedAt is not an ISO timestamp: garbage$/);
    expect(() =>
      nextAlert(
        { ...record, status: 'resolved', resolvedAt: 'garbage' } as never,
        condition,
        open.openedAt,
        { ...policy, reopenQuietSeconds: 60 },
      ),
    ).toThrow(/^resolvedAt is not an ISO timestamp: garbage$/);
  });
});

// Surviving mutants that cannot change behaviour:
// - alert-lifecycle toNotification's `type === 'resolve' && resolvedAt !== undefined` loosened:
//   only a resolve's record carries resolvedAt (a re-open starts a fresh record).
// - canonical's key comparator with '<=' / '>=' or a constant 'greater' branch: object keys
//   are unique, and V8 sorts short arrays by insertion, which only asks 'less'.
// - settleAlert's `b !== undefined &&` dropped (canonical(undefined) is undefined, never equal
//   to a record's text) and throwFailures' `> 1` as `>= 1` (one failure was thrown above).
// - parseAlertMessage's "(+N more)" count and issue list: the text of an error message.
