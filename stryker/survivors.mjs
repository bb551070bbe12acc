// Lists surviving and uncovered mutants from Stryker's JSON report, one line each:
// npm run mutate:survivors [-- path-filter [report.json]]
import { readFileSync } from 'node:fs';

const [filter = '', file = 'reports/mutation/mutation.json'] = process.argv.slice(2);
const report = JSON.parse(readFileSync(file, 'utf8'));
for (const [path, { source, mutants }] of Object.entries(report.files)) {
  if (!path.includes(filter)) continue;
  const lines = source.split('\n');
  for (const m of mutants) {
    if (m.static || (m.status !== 'Survived' && m.status !== 'NoCoverage')) continue;
    const line = m.location.start.line;
    const replacement = JSON.stringify(m.replacement ?? '').slice(0, 70);
    const code = (lines[line - 1] ?? '').trim().slice(0, 90);
    console.log(
      `${path.split('/').pop()}:${line} ${m.status} ${m.mutatorName} ${replacement} | ${code}`,
    );
  }
}
