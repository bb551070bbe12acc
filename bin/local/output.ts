import Table from 'cli-table3';

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

export const stdio: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** A plain table for people; `--json` gives machines the same rows. */
export function table(
  head: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<unknown>>,
): string {
  const t = new Table({ head: [...head], style: { head: [], border: [] } });
  for (const row of rows) t.push(row.map((v) => (v === null || v === undefined ? '-' : String(v))));
  return t.toString();
}
