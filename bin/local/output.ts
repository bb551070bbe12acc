import Table from 'cli-table3';

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

export const stdio: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** A terminal's classic width; tables are squeezed to it unless `--wide`. */
export const TABLE_WIDTH = 100;
/** A wrapping column never gets narrower than this. */
const MIN_COLUMN = 8;

export interface TableOptions {
  /** Every column at its natural width and full ARNs, however wide that makes the table. */
  readonly wide?: boolean;
  readonly maxWidth?: number;
  /** Columns (by index) that may wrap to fit; the others keep their width. Default: all. */
  readonly wrap?: readonly number[];
}

/** A cell across several columns, e.g. an alert's summary under its row. */
export interface SpanCell {
  readonly colSpan: number;
  readonly content: string;
}

function isSpan(value: unknown): value is SpanCell {
  return typeof value === 'object' && value !== null && 'colSpan' in value;
}

const ELB_ARN =
  /arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]*:\d*:(?:targetgroup|loadbalancer\/(?:net|app|gwy))\/([^/\s|]+)\/[0-9a-f]+/g;

/** A load balancer or target group ARN read by people is its name; `--wide` keeps the ARN. */
export function shortArns(text: string): string {
  return text.replace(ELB_ARN, '$1');
}

/**
 * A plain table for people; `--json` gives machines the same rows. Unless `wide`, ELB ARNs
 * become their names and the widest columns wrap until the table fits `maxWidth` columns
 * (cli-table3 wraps cells to `colWidths`; only the widths are computed here).
 */
export function table(
  head: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<unknown>>,
  options: TableOptions = {},
): string {
  const text = (v: unknown) => {
    const t = v === null || v === undefined ? '-' : String(v);
    return options.wide ? t : shortArns(t);
  };
  const cells = rows.map((row) =>
    row.map((v) => (isSpan(v) ? { colSpan: v.colSpan, content: text(v.content) } : text(v))),
  );
  const plain = cells.filter((row) => !row.some(isSpan)) as string[][];
  const widths = options.wide
    ? undefined
    : fitWidths(head, plain, options.maxWidth ?? TABLE_WIDTH, options.wrap);
  const t = new Table({
    head: [...head],
    style: { head: [], border: [] },
    ...(widths ? { colWidths: widths, wordWrap: true, wrapOnWordBoundary: true } : {}),
  });
  for (const row of cells) t.push(row as never);
  return t.toString();
}

/** Longest line of a cell; cells may already hold several lines. */
function lineWidth(text: string): number {
  return Math.max(0, ...text.split('\n').map((line) => line.length));
}

/**
 * Column widths (padding included, as cli-table3 counts them) whose table fits `max`:
 * the widest column gives up a character at a time. Undefined when it fits as it is.
 */
export function fitWidths(
  head: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string>>,
  max: number,
  wrap?: readonly number[],
): number[] | undefined {
  const padding = 2;
  const widths = head.map(
    (h, i) => Math.max(lineWidth(h), ...rows.map((r) => lineWidth(r[i] ?? ''))) + padding,
  );
  // Ids and numbers keep their width; only the columns allowed to wrap give way.
  const floors = head.map((_, i) =>
    wrap && !wrap.includes(i) ? (widths[i] as number) : MIN_COLUMN + padding,
  );
  const total = () => widths.reduce((a, b) => a + b, 0) + widths.length + 1;
  if (total() <= max) return undefined;
  while (total() > max) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) {
      if ((widths[i] as number) > (floors[i] as number)) {
        if (widest < 0 || (widths[i] as number) > (widths[widest] as number)) widest = i;
      }
    }
    if (widest < 0) break;
    widths[widest] = (widths[widest] as number) - 1;
  }
  return widths;
}
