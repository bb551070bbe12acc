// Which tests killed the mutants on one line: node stryker/killed-by.mjs REPORT.json FILE-SUBSTRING LINE
// (shows that a test was seen failing against the mutant it was written for).
import { readFileSync } from 'node:fs';

const [file = 'reports/mutation/mutation.json', needle = '', line = '0'] = process.argv.slice(2);
const report = JSON.parse(readFileSync(file, 'utf8'));
const names = new Map();
for (const [testFile, { tests }] of Object.entries(report.testFiles ?? {})) {
  for (const t of tests) names.set(t.id, `${testFile.split('/').pop()}: ${t.name}`);
}
for (const [path, { source, mutants }] of Object.entries(report.files)) {
  if (!path.includes(needle)) continue;
  const code = (source.split('\n')[Number(line) - 1] ?? '').trim();
  for (const m of mutants) {
    if (m.location.start.line !== Number(line)) continue;
    console.log(
      `${path.split('/').pop()}:${line} ${m.mutatorName} ${JSON.stringify(m.replacement)} -> ${m.status}   | ${code.slice(0, 80)}`,
    );
    for (const id of m.killedBy ?? []) console.log(`    killed by ${names.get(id) ?? id}`);
  }
}
