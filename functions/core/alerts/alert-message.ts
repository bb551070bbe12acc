import * as z from 'zod';
import { ALERT_KINDS, type Severity } from '#core/alerts/alert.ts';
import type { AlertNotification } from '#core/alerts/alert-lifecycle.ts';
import { PermanentInputError } from '#core/events/errors.ts';

// ---------------------------------------------------------------- SNS

/** Shape of SNS Publish's MessageAttributes values, kept here so core needs no SDK types. */
export interface SnsStringAttribute {
  readonly DataType: 'String';
  readonly StringValue: string;
}

export interface SnsAlertMessage {
  /** JSON body: the notification itself. */
  readonly message: string;
  /** For subscription filter policies: type, kind, severity, cluster. */
  readonly attributes: Readonly<
    Record<'type' | 'kind' | 'severity' | 'cluster', SnsStringAttribute>
  >;
}

export function renderSnsMessage(notification: AlertNotification): SnsAlertMessage {
  const body = {
    type: notification.type,
    kind: notification.kind,
    severity: notification.severity,
    cluster: notification.cluster,
    subject: notification.subject,
    title: notification.title,
    summary: notification.summary,
    facts: jsonSafeFacts(notification.facts),
    openedAt: notification.openedAt,
    ...(notification.resolvedAt !== undefined ? { resolvedAt: notification.resolvedAt } : {}),
    ...(notification.escalated ? { escalated: true } : {}),
  };
  return {
    message: JSON.stringify(body),
    attributes: {
      type: stringAttribute(notification.type),
      kind: stringAttribute(notification.kind),
      severity: stringAttribute(notification.severity),
      // SNS rejects an empty String attribute, and a rejected publish would lose the alert.
      cluster: stringAttribute(notification.cluster || 'unknown'),
    },
  };
}

function stringAttribute(value: string): SnsStringAttribute {
  return { DataType: 'String', StringValue: value };
}

/** JSON turns NaN/Infinity into null, which the parser would then reject: keep them as text. */
function jsonSafeFacts(
  facts: AlertNotification['facts'],
): Record<string, string | number | boolean> {
  return Object.fromEntries(
    Object.entries(facts).map(([k, v]) => [
      k,
      typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
    ]),
  );
}

const SEVERITIES = ['info', 'warning', 'critical'] as const satisfies readonly Severity[];
const isoTime = z.iso.datetime({ offset: true });

/** Unknown keys are stripped, not rejected, so a newer producer does not break an older notify. */
export const alertNotificationSchema = z
  .object({
    type: z.enum(['open', 'remind', 'resolve']),
    kind: z.enum(ALERT_KINDS),
    severity: z.enum(SEVERITIES),
    cluster: z.string().min(1),
    subject: z.string().min(1),
    title: z.string().min(1),
    summary: z.string(),
    facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    openedAt: isoTime,
    resolvedAt: isoTime.optional(),
    escalated: z.boolean().optional(),
  })
  .refine((n) => n.type !== 'resolve' || n.resolvedAt !== undefined, {
    message: 'a resolve needs resolvedAt',
    path: ['resolvedAt'],
  })
  .refine((n) => !n.escalated || n.type === 'remind', {
    message: 'only a remind can be an escalation',
    path: ['escalated'],
  });

/** Parses an SNS message body back into a notification; the error message is one line. */
export function parseAlertMessage(body: string): AlertNotification {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new PermanentInputError('alert message is not JSON');
  }
  const parsed = alertNotificationSchema.safeParse(json);
  if (!parsed.success) {
    const { issues } = parsed.error;
    // A few issues are enough to recognise a foreign message; enum listings make each one long.
    const reasons = issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    const more = issues.length > 3 ? ` (+${issues.length - 3} more)` : '';
    throw new PermanentInputError(`alert message is invalid: ${reasons.join('; ')}${more}`);
  }
  const { resolvedAt, escalated, ...rest } = parsed.data;
  return {
    ...rest,
    ...(resolvedAt !== undefined ? { resolvedAt } : {}),
    ...(escalated ? { escalated } : {}),
  };
}

// ---------------------------------------------------------------- Slack

export interface SlackText {
  readonly type: 'plain_text' | 'mrkdwn';
  readonly text: string;
  readonly emoji?: boolean;
}

export type SlackBlock =
  | { readonly type: 'header'; readonly text: SlackText }
  | { readonly type: 'section'; readonly text?: SlackText; readonly fields?: readonly SlackText[] }
  | { readonly type: 'context'; readonly elements: readonly SlackText[] };

export interface SlackPayload {
  /** Shown in push notifications and by clients that cannot render blocks. */
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
  /** Incoming webhooks show a colour bar only on (legacy) attachments, so details go there. */
  readonly attachments: readonly [
    { readonly color: string; readonly blocks: readonly SlackBlock[] },
  ];
}

// Block Kit limits (docs.slack.dev, header and section block references).
const HEADER_MAX = 150;
const SECTION_TEXT_MAX = 3000;
const FIELD_MAX = 2000;
const FIELDS_PER_SECTION = 10;
const FIELD_SECTIONS_MAX = 4;

export const SLACK_COLOURS = {
  critical: '#a30200',
  warning: '#daa038',
  info: '#1d9bd1',
  resolved: '#2eb886',
} as const;

const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: ':red_circle:',
  warning: ':large_orange_circle:',
  info: ':large_blue_circle:',
};

/** Headline prefix: an escalation is a remind, told apart so the rise in severity stands out. */
const MARKERS = {
  open: '',
  remind: 'Reminder: ',
  escalate: 'Escalated: ',
  resolve: 'Resolved: ',
} as const;

export function renderSlackPayload(n: AlertNotification): SlackPayload {
  const resolved = n.type === 'resolve';
  const marker = MARKERS[n.escalated ? 'escalate' : n.type];
  const emoji = resolved ? ':white_check_mark:' : SEVERITY_EMOJI[n.severity];
  const label = resolved ? '' : `[${n.severity.toUpperCase()}] `;

  const details: SlackBlock[] = [];
  if (n.summary) {
    details.push({
      type: 'section',
      text: mrkdwn(truncate(escapeMrkdwn(n.summary), SECTION_TEXT_MAX)),
    });
  }
  details.push(...factSections(n.facts));
  details.push({ type: 'context', elements: [mrkdwn(contextLine(n))] });

  return {
    text: escapeMrkdwn(
      `${marker}${label}${n.title} (${n.cluster})${n.summary ? `: ${n.summary}` : ''}`,
    ),
    blocks: [
      {
        type: 'header',
        text: {
          type: 'plain_text',
          text: truncate(`${emoji} ${marker}${n.title}`, HEADER_MAX),
          emoji: true,
        },
      },
    ],
    attachments: [
      { color: resolved ? SLACK_COLOURS.resolved : SLACK_COLOURS[n.severity], blocks: details },
    ],
  };
}

function factSections(facts: AlertNotification['facts']): SlackBlock[] {
  const fields = Object.entries(facts).map(([k, v]) =>
    mrkdwn(truncate(`*${escapeMrkdwn(k)}*\n${escapeMrkdwn(String(v))}`, FIELD_MAX)),
  );
  const shown = fields.slice(0, FIELDS_PER_SECTION * FIELD_SECTIONS_MAX);
  const blocks: SlackBlock[] = [];
  for (let i = 0; i < shown.length; i += FIELDS_PER_SECTION) {
    blocks.push({ type: 'section', fields: shown.slice(i, i + FIELDS_PER_SECTION) });
  }
  const hidden = fields.length - shown.length;
  if (hidden > 0) {
    blocks.push({
      type: 'context',
      elements: [mrkdwn(`${hidden} more facts are in the SNS message.`)],
    });
  }
  return blocks;
}

function contextLine(n: AlertNotification): string {
  const parts = [
    `*Severity* ${n.severity}`,
    `*Cluster* ${escapeMrkdwn(n.cluster)}`,
    `*Kind* ${n.kind}`,
    `*Subject* ${escapeMrkdwn(n.subject)}`,
    `*${n.type === 'remind' ? 'Open since' : 'Opened'}* ${n.openedAt}`,
  ];
  if (n.resolvedAt !== undefined) parts.push(`*Resolved* ${n.resolvedAt}`);
  return truncate(parts.join('  ·  '), SECTION_TEXT_MAX);
}

function mrkdwn(text: string): SlackText {
  return { type: 'mrkdwn', text };
}

/** Slack reads &, < and > as control characters (links, mentions); subjects like `arn|ip:port` must stay literal. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  // Drop a half-cut entity such as "&am" so Slack does not show it raw.
  return `${chars
    .slice(0, max - 1)
    .join('')
    .replace(/&[a-z]*$/, '')}…`;
}
