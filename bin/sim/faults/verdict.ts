import type { FaultSuiteResult } from './run-fault-suite.ts';

/** The reasons a fault-suite run is not clean, one line each; empty when everything held. */
export function unexplained(result: FaultSuiteResult): string[] {
  const d = result.details;
  const out: string[] = [];
  for (const line of d.diff) out.push(`ledger vs moto: ${line}`);
  for (const key of d.lost) out.push(`alert lost: ${key}`);
  for (const key of d.doubled) out.push(`alert doubled: ${key}`);
  for (const record of d.recordsLost) out.push(`owned record lost: ${record}`);
  for (const record of d.foreignTouched) out.push(`foreign record touched: ${record}`);
  if (d.unexpectedExits > 0)
    out.push(`handler process exited on its own ${d.unexpectedExits} times`);
  return out;
}
