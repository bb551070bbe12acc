// Prints the mutation score of each functions/core domain folder (and the modules the DNS
// goal names) from Stryker's JSON report: npm run mutate:scores [-- path/to/mutation.json].
// Score as Stryker counts it: detected (killed + timeout) over valid mutants (detected +
// survived + no coverage); ignored mutants (message text) and compile/runtime errors are out,
// and so are static mutants (ignoreStatic in stryker.config.mjs), also those whose result an
// incremental file kept from a run before that setting.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'reports/mutation/mutation.json';
const report = JSON.parse(readFileSync(file, 'utf8'));
const DETECTED = new Set(['Killed', 'Timeout']);

const rows = new Map();
const count = (key, mutant) => {
  const status = mutant.static ? 'Ignored' : mutant.status;
  const row = rows.get(key) ?? { detected: 0, survived: 0, noCoverage: 0, ignored: 0 };
  if (DETECTED.has(status)) row.detected++;
  else if (status === 'Survived') row.survived++;
  else if (status === 'NoCoverage') row.noCoverage++;
  else if (status === 'Ignored') row.ignored++;
  rows.set(key, row);
};
const SINGLED_OUT = new Set(['dns/dns-plan.ts', 'dns/dns-batch.ts']);
for (const [path, { mutants }] of Object.entries(report.files)) {
  const inCore = path.replace(/^.*functions\/core\//, '');
  const folder = inCore.split('/')[0];
  for (const m of mutants) {
    count('core (all)', m);
    count(`${folder}/`, m);
    if (SINGLED_OUT.has(inCore)) count(inCore, m);
  }
}

const line = (cells) => `| ${cells.join(' | ')} |`;
console.log(line(['scope', 'score %', 'killed', 'survived', 'no coverage', 'ignored']));
console.log(line(['---', '---:', '---:', '---:', '---:', '---:']));
for (const [key, r] of [...rows].sort(([a], [b]) => a.localeCompare(b))) {
  const valid = r.detected + r.survived + r.noCoverage;
  const score = valid === 0 ? 'n/a' : ((100 * r.detected) / valid).toFixed(2);
  console.log(line([key, score, r.detected, r.survived, r.noCoverage, r.ignored]));
}
