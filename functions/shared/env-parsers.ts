import * as z from 'zod';
import { ConfigError } from './errors.ts';

/** zod pieces the configuration loaders share, so every variable fails with the same kind of message. */

export type Env = Record<string, string | undefined>;

/** EKS cluster names. */
export const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/;

/**
 * Validates `env` against `schema`. The first problem found is reported as
 * `VARIABLE: reason`, so a broken deployment says what to fix.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Env): z.output<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `${String(issue?.path[0] ?? 'environment')}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

/** Why a variable's text is not what it should be; becomes the variable's one issue. */
export class Problem {
  constructor(readonly problem: string) {}
}

/** A transform from a parse that answers a value or a Problem. */
export function checked<T, V = string>(parse: (value: V) => T | Problem) {
  return (value: V, ctx: z.RefinementCtx): T => {
    const result = parse(value);
    if (result instanceof Problem) {
      ctx.addIssue({ code: 'custom', message: result.problem });
      return z.NEVER;
    }
    return result;
  };
}

/** The comma-separated entries of a value, trimmed. */
export const entries = (value: string): string[] => value.split(',').map((s) => s.trim());

/** A whole number of at least `min`; `fallback` when unset. */
export const intWithDefault = (fallback: number, min = 0) =>
  z.coerce.number().int().min(min).default(fallback);

/** "true" or "false"; false when unset. */
export const flag = () =>
  z
    .enum(['true', 'false'], { error: 'must be "true" or "false"' })
    .default('false')
    .transform((v) => v === 'true');

function names(value: string, what: string, pattern: RegExp): string[] | Problem {
  const items = entries(value);
  const bad = items.find((item) => !pattern.test(item));
  return bad === undefined ? items : new Problem(`"${bad}" is not a valid ${what}`);
}

const REQUIRED_LIST = 'is required ("all" or a comma-separated list)';

/** "all", or a comma-separated list of names; empty entries are a mistake, not a wildcard. */
export const listOrAll = (what: string, pattern: RegExp) =>
  z
    .string({ error: REQUIRED_LIST })
    .trim()
    .min(1, REQUIRED_LIST)
    .transform(
      checked((value) => (value === 'all' ? ('all' as const) : names(value, what, pattern))),
    );

/** Like listOrAll, but unset or empty means none. */
export const listOrNone = (what: string, pattern: RegExp) =>
  z
    .string()
    .trim()
    .default('')
    .transform(
      checked((value): 'all' | string[] | Problem => {
        if (value === 'all') return 'all';
        if (value === '') return [];
        return names(value, what, pattern);
      }),
    );

export interface NameValueMapOptions<T> {
  /** What the names are, for "cluster prod is listed twice". */
  readonly name: string;
  readonly pattern: RegExp;
  /** What an entry should look like, for `"prod" is not cluster=N`. */
  readonly shape: string;
  /** The value of one entry; `undefined` reports the shape, a Problem is reported after the entry. */
  readonly value: (text: string) => T | Problem | undefined;
}

/** `name=value,...` into a map, each name checked against `pattern` and listed once; unset or empty means none. */
export const nameValueMap = <T>(options: NameValueMapOptions<T>) =>
  z
    .string()
    .trim()
    .default('')
    .transform(
      checked((value): Record<string, T> | Problem => {
        const out: Record<string, T> = {};
        if (value === '') return out;
        for (const entry of entries(value)) {
          const match = /^([^=\s]+)\s*=\s*(\S+)$/.exec(entry);
          const key = match?.[1] ?? '';
          const parsed =
            match && options.pattern.test(key) ? options.value(match[2] ?? '') : undefined;
          if (parsed === undefined) return new Problem(`"${entry}" is not ${options.shape}`);
          if (parsed instanceof Problem) return new Problem(`"${entry}": ${parsed.problem}`);
          if (key in out) return new Problem(`${options.name} ${key} is listed twice`);
          out[key] = parsed;
        }
        return out;
      }),
    );

const RATE_UNIT_MS: Readonly<Record<string, number>> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

/** The milliseconds between runs of an EventBridge `rate(...)` expression; a `cron(...)` has none. */
export function scheduleEveryMs(expression: string): number | undefined | Problem {
  if (/^cron\(.*\)$/.test(expression)) return undefined;
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  const count = Number(rate?.[1]);
  const unit = RATE_UNIT_MS[rate?.[2] ?? ''];
  if (!unit || !(count >= 1)) {
    return new Problem(
      `"${expression}" is not an EventBridge schedule (rate(N minutes) or cron(...))`,
    );
  }
  return count * unit;
}

/** An EventBridge schedule expression, as its interval in milliseconds; unset or cron: none. */
export const scheduleInterval = z
  .string()
  .trim()
  .optional()
  .transform(checked((value: string | undefined) => (value ? scheduleEveryMs(value) : undefined)));
