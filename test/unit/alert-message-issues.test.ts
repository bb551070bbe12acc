import { describe, expect, test } from 'vitest';
import type { AlertRecord } from '#core/alerts/alert-lifecycle.ts';
import { nextAlert } from '#core/alerts/alert-lifecycle.ts';
import { parseAlertMessage } from '#core/alerts/alert-message.ts';

// An invalid alert message names at most three of its problems and counts the rest; a remind
// never carries a resolve time, even from a record that kept one.

const valid = {
  type: 'open',
  kind: 'stale-target',
  severity: 'warning',
  cluster: 'c',
  subject: 's',
  title: 't',
  summary: 'x',
  facts: {},
  openedAt: '2026-11-21T10:00:00Z',
};
const without = (...keys: string[]) =>
  JSON.stringify(Object.fromEntries(Object.entries(valid).filter(([k]) => !keys.includes(k))));

describe('parseAlertMessage: what an invalid message says', () => {
  test('the complete message parses', () => {
    expect(parseAlertMessage(JSON.stringify(valid))).toMatchObject({ type: 'open', subject: 's' });
  });

  test('a message that is not an object is wrong at its root', () => {
    expect(() => parseAlertMessage('5')).toThrow(/^alert message is invalid: \(root\): /);
  });

  test.each([
    ['three problems, all named', without('title', 'summary', 'cluster'), 3, ''],
    [
      'four problems: three named, one counted',
      without('title', 'summary', 'cluster', 'subject'),
      3,
      ' (+1 more)',
    ],
  ])('%s', (_title, body, named, more) => {
    expect(() => parseAlertMessage(body)).toThrow(/^alert message is invalid: /);
    let message = '';
    try {
      parseAlertMessage(body);
    } catch (error) {
      message = (error as Error).message;
    }
    const reasons = message
      .replace(/^alert message is invalid: /, '')
      .replace(/ \(\+\d+ more\)$/, '');
    expect(reasons.split('; ')).toHaveLength(named);
    expect(message.endsWith(`expected string, received undefined${more}`)).toBe(true);
  });
});

describe('nextAlert: resolvedAt goes only with a resolve', () => {
  test('a remind of an open record that kept a resolve time does not carry it', () => {
    const open: AlertRecord = {
      kind: 'stale-target',
      subject: 's',
      cluster: 'c',
      status: 'open',
      severity: 'warning',
      title: 't',
      summary: 'x',
      facts: {},
      openedAt: '2026-11-21T10:00:00Z',
      lastNotifiedAt: '2026-11-21T10:00:00Z',
      notifyCount: 1,
      resolvedAt: '2026-11-21T09:00:00Z',
    };
    const { notification } = nextAlert(
      open,
      {
        kind: 'stale-target',
        subject: 's',
        cluster: 'c',
        active: true,
        severity: 'warning',
        title: 't',
        summary: 'x',
        facts: {},
      },
      '2026-11-21T12:00:00Z',
      { remindAfterSeconds: 3600 },
    );
    expect(notification?.type).toBe('remind');
    expect(notification).not.toHaveProperty('resolvedAt');
  });
});

// Equivalent mutant left in toNotification: `record.resolvedAt !== undefined` made true (the
// record of a resolve always has its resolve time).
