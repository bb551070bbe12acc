import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ALERT_KINDS } from '#core/alerts/alert.ts';
import type { AlertNotification } from '#core/alerts/alert-lifecycle.ts';
import {
  parseAlertMessage,
  renderSlackPayload,
  renderSnsMessage,
  SLACK_COLOURS,
  type SlackBlock,
} from '#core/alerts/alert-message.ts';
import { PermanentInputError } from '#core/events/errors.ts';

const open: AlertNotification = {
  type: 'open',
  kind: 'stale-target',
  severity: 'critical',
  cluster: 'prod-eu',
  subject:
    'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/k8s-shop-web/0a1b2c3d4e5f6789|10.0.12.7:8080',
  title: 'Stale target 10.0.12.7:8080 in k8s-shop-web',
  summary: 'IP 10.0.12.7 no longer belongs to any ENI; traffic may reach the wrong pod',
  facts: { targetGroup: 'k8s-shop-web', ip: '10.0.12.7', port: 8080, healthy: false },
  openedAt: '2025-03-14T09:00:00.000Z',
};
const remind: AlertNotification = { ...open, type: 'remind' };
const escalate: AlertNotification = { ...open, type: 'remind', escalated: true };
const resolve: AlertNotification = {
  ...open,
  type: 'resolve',
  resolvedAt: '2025-03-14T10:30:00.000Z',
};

const notificationArb: fc.Arbitrary<AlertNotification> = fc
  .record({
    type: fc.constantFrom('open', 'remind', 'resolve'),
    kind: fc.constantFrom(...ALERT_KINDS),
    severity: fc.constantFrom('info', 'warning', 'critical'),
    cluster: fc.string({ minLength: 1, maxLength: 40 }),
    subject: fc.string({ minLength: 1, maxLength: 300 }),
    title: fc.string({ minLength: 1, maxLength: 400 }),
    summary: fc.string({ maxLength: 4000 }),
    facts: fc.dictionary(
      fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9]{0,15}$/),
      fc.oneof(
        fc.string({ maxLength: 2500 }),
        fc.integer(),
        fc.boolean(),
        // -0 does not survive JSON; it is not a value evaluators produce.
        fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x)),
      ),
      { maxKeys: 60 },
    ),
    openedAt: fc.date({
      noInvalidDate: true,
      min: new Date('2000-01-01'),
      max: new Date('2100-01-01'),
    }),
    resolvedAt: fc.date({
      noInvalidDate: true,
      min: new Date('2000-01-01'),
      max: new Date('2100-01-01'),
    }),
    escalated: fc.boolean(),
  })
  .map(({ openedAt, resolvedAt, escalated, ...n }): AlertNotification => {
    if (n.type === 'resolve') {
      return { ...n, openedAt: openedAt.toISOString(), resolvedAt: resolvedAt.toISOString() };
    }
    const marker = n.type === 'remind' && escalated ? { escalated } : {};
    return { ...n, openedAt: openedAt.toISOString(), ...marker };
  });

describe('SNS message', () => {
  test('the body is the notification as JSON', () => {
    // Act
    const { message } = renderSnsMessage(resolve);

    // Assess
    expect(JSON.parse(message)).toEqual({
      type: 'resolve',
      kind: 'stale-target',
      severity: 'critical',
      cluster: 'prod-eu',
      subject: open.subject,
      title: open.title,
      summary: open.summary,
      facts: { targetGroup: 'k8s-shop-web', ip: '10.0.12.7', port: 8080, healthy: false },
      openedAt: '2025-03-14T09:00:00.000Z',
      resolvedAt: '2025-03-14T10:30:00.000Z',
    });
  });

  test('an escalation is a remind whose body carries escalated: true', () => {
    // Act
    const body = JSON.parse(renderSnsMessage(escalate).message) as Record<string, unknown>;
    const plain = JSON.parse(renderSnsMessage(remind).message) as Record<string, unknown>;

    // Assess
    expect(body).toMatchObject({ type: 'remind', escalated: true });
    expect(plain).not.toHaveProperty('escalated');
  });

  test.each([open, remind, escalate, resolve])(
    '$type carries type, kind, severity and cluster as String attributes',
    (n) => {
      // Act
      const { attributes } = renderSnsMessage(n);

      // Assess
      expect(attributes).toEqual({
        type: { DataType: 'String', StringValue: n.type },
        kind: { DataType: 'String', StringValue: 'stale-target' },
        severity: { DataType: 'String', StringValue: 'critical' },
        cluster: { DataType: 'String', StringValue: 'prod-eu' },
      });
    },
  );

  test('an empty cluster still gives SNS a non-empty attribute', () => {
    const { attributes } = renderSnsMessage({ ...open, cluster: '' });
    expect(attributes.cluster.StringValue).not.toBe('');
  });

  test('non-finite numbers survive as text instead of breaking the parse', () => {
    // Prepare
    const odd = { ...open, facts: { ratio: Number.NaN, limit: Number.POSITIVE_INFINITY } };

    // Act
    const parsed = parseAlertMessage(renderSnsMessage(odd).message);

    // Assess
    expect(parsed.facts).toEqual({ ratio: 'NaN', limit: 'Infinity' });
  });

  test('property: parse(render(n)) gives n back', () => {
    fc.assert(
      fc.property(notificationArb, (n) => {
        expect(parseAlertMessage(renderSnsMessage(n).message)).toEqual(n);
      }),
      { numRuns: 200 },
    );
  });
});

describe('parseAlertMessage rejects with a one-line reason', () => {
  const valid = JSON.parse(renderSnsMessage(resolve).message) as Record<string, unknown>;
  const without = (key: string) => JSON.stringify({ ...valid, [key]: undefined });

  test.each([
    { case: 'not JSON', body: 'Hello from the SNS console', mentions: 'not JSON' },
    { case: 'a JSON string', body: '"open"', mentions: '(root)' },
    {
      case: 'unknown kind',
      body: JSON.stringify({ ...valid, kind: 'cpu-high' }),
      mentions: 'kind',
    },
    {
      case: 'unknown severity',
      body: JSON.stringify({ ...valid, severity: 'sev1' }),
      mentions: 'severity',
    },
    { case: 'missing title', body: without('title'), mentions: 'title' },
    { case: 'resolve without resolvedAt', body: without('resolvedAt'), mentions: 'resolvedAt' },
    {
      case: 'an escalated resolve',
      body: JSON.stringify({ ...valid, escalated: true }),
      mentions: 'escalated',
    },
    {
      case: 'escalated not a boolean',
      body: JSON.stringify({ ...valid, type: 'remind', escalated: 'yes' }),
      mentions: 'escalated',
    },
    {
      case: 'openedAt not a timestamp',
      body: JSON.stringify({ ...valid, openedAt: 'Friday' }),
      mentions: 'openedAt',
    },
    {
      case: 'a fact that is an object',
      body: JSON.stringify({ ...valid, facts: { a: { b: 1 } } }),
      mentions: 'facts',
    },
  ])('$case', ({ body, mentions }) => {
    // Act
    const attempt = () => parseAlertMessage(body);

    // Assess
    expect(attempt).toThrow(PermanentInputError);
    expect(attempt).toThrow(mentions);
    expect(() => parseAlertMessage(body)).not.toThrow(/\n/);
  });

  test('unknown keys from a newer producer are ignored', () => {
    const parsed = parseAlertMessage(
      JSON.stringify({ ...valid, runbook: 'https://example.com/rb' }),
    );
    expect(parsed).toEqual(resolve);
  });

  test('escalated: false reads as a plain remind', () => {
    const body = JSON.parse(renderSnsMessage(remind).message) as Record<string, unknown>;
    expect(parseAlertMessage(JSON.stringify({ ...body, escalated: false }))).toEqual(remind);
  });
});

function allText(blocks: readonly SlackBlock[]): string[] {
  return blocks.flatMap((b) => {
    if (b.type === 'header') return [b.text.text];
    if (b.type === 'context') return b.elements.map((e) => e.text);
    return [...(b.text ? [b.text.text] : []), ...(b.fields ?? []).map((f) => f.text)];
  });
}

function header(blocks: readonly SlackBlock[]): string {
  const first = blocks[0];
  if (first?.type !== 'header') throw new Error('first block is not a header');
  return first.text.text;
}

describe('Slack payload', () => {
  test('an open shows the title in the header, severity colour, every fact, and a fallback text', () => {
    // Act
    const payload = renderSlackPayload(open);

    // Assess
    const details = allText(payload.attachments[0].blocks).join('\n');
    expect(header(payload.blocks)).toContain(open.title);
    expect(header(payload.blocks)).not.toMatch(/Resolved|Reminder|Escalated/);
    expect(payload.attachments[0].color).toBe(SLACK_COLOURS.critical);
    for (const [key, value] of Object.entries(open.facts)) {
      expect(details).toContain(`*${key}*\n${value}`);
    }
    expect(details).toContain(open.summary);
    expect(payload.text).toContain(open.title);
    expect(payload.text).toContain('prod-eu');
  });

  test.each([
    ['info', SLACK_COLOURS.info],
    ['warning', SLACK_COLOURS.warning],
    ['critical', SLACK_COLOURS.critical],
  ] as const)('%s alerts get their own colour', (severity, colour) => {
    expect(renderSlackPayload({ ...open, severity }).attachments[0].color).toBe(colour);
  });

  test('the severity colours and the resolved colour are all different', () => {
    expect(new Set(Object.values(SLACK_COLOURS)).size).toBe(Object.keys(SLACK_COLOURS).length);
  });

  test('a remind is marked as a reminder', () => {
    // Act
    const payload = renderSlackPayload(remind);

    // Assess
    expect(header(payload.blocks)).toContain(`Reminder: ${open.title}`);
    expect(payload.text.startsWith('Reminder:')).toBe(true);
    expect(payload.attachments[0].color).toBe(SLACK_COLOURS.critical);
  });

  test('an escalation is marked as one, not as a reminder, in the severity colour', () => {
    // Act
    const payload = renderSlackPayload({ ...escalate, severity: 'critical' });

    // Assess
    expect(header(payload.blocks)).toContain(`Escalated: ${open.title}`);
    expect(payload.text.startsWith('Escalated: [CRITICAL]')).toBe(true);
    expect(payload.text).not.toContain('Reminder');
    expect(payload.attachments[0].color).toBe(SLACK_COLOURS.critical);
  });

  test('a resolve says Resolved, turns green and shows when', () => {
    // Act
    const payload = renderSlackPayload(resolve);

    // Assess
    expect(header(payload.blocks)).toContain(`Resolved: ${open.title}`);
    expect(payload.text.startsWith(`Resolved: ${open.title}`)).toBe(true);
    expect(payload.attachments[0].color).toBe(SLACK_COLOURS.resolved);
    expect(allText(payload.attachments[0].blocks).join('\n')).toContain('2025-03-14T10:30:00.000Z');
  });

  test('Slack control characters in data are escaped, so nobody gets @channel-pinged by a fact', () => {
    // Prepare
    const sneaky = {
      ...open,
      summary: 'a <!channel> & b',
      facts: { note: '<https://evil.example|click>' },
    };

    // Act
    const text = [
      renderSlackPayload(sneaky).text,
      ...allText(renderSlackPayload(sneaky).attachments[0].blocks),
    ].join('\n');

    // Assess
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<https://');
    expect(text).toContain('a &lt;!channel&gt; &amp; b');
  });

  test('more facts than Slack can show are split into sections and the rest counted', () => {
    // Prepare
    const facts = Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`fact${i}`, i]));

    // Act
    const blocks = renderSlackPayload({ ...open, facts }).attachments[0].blocks;

    // Assess
    const fieldCount = blocks.reduce(
      (sum, b) => sum + (b.type === 'section' ? (b.fields?.length ?? 0) : 0),
      0,
    );
    expect(fieldCount).toBe(40);
    expect(allText(blocks).join('\n')).toContain('5 more facts');
  });

  test('property: every payload stays within Block Kit limits', () => {
    fc.assert(
      fc.property(notificationArb, (n) => {
        const payload = renderSlackPayload(n);
        const blocks = [...payload.blocks, ...payload.attachments[0].blocks];
        expect(blocks.length).toBeLessThanOrEqual(50);
        for (const b of blocks) {
          if (b.type === 'header') expect(Array.from(b.text.text).length).toBeLessThanOrEqual(150);
          if (b.type === 'section') {
            if (b.text) expect(Array.from(b.text.text).length).toBeLessThanOrEqual(3000);
            expect(b.fields?.length ?? 0).toBeLessThanOrEqual(10);
            for (const f of b.fields ?? [])
              expect(Array.from(f.text).length).toBeLessThanOrEqual(2000);
            expect(b.text !== undefined || (b.fields?.length ?? 0) > 0).toBe(true);
          }
          if (b.type === 'context') {
            expect(b.elements.length).toBeLessThanOrEqual(10);
            for (const e of b.elements) expect(Array.from(e.text).length).toBeLessThanOrEqual(3000);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
