// Merges Stryker JSON reports of separate runs (one per core folder) into one, so that the
// whole-core run can start from it as its incremental file and `mutate:scores` can read it:
//   node stryker/merge-reports.mjs OUT.json IN1.json IN2.json ...
// Test ids are per run, so every test is re-identified by its file and name; a test file
// seen in several runs keeps its latest version (later inputs win).
import { readFileSync, writeFileSync } from 'node:fs';

const [out, ...inputs] = process.argv.slice(2);
if (!out || inputs.length === 0) {
  console.error('usage: merge-reports.mjs OUT.json IN.json...');
  process.exit(2);
}

const merged = { files: {}, testFiles: {} };
const idOf = new Map(); // `${file}\u0000${name}` -> new id
const testFiles = new Map(); // file -> { source, tests: Map(name -> test) }

for (const input of inputs) {
  const report = JSON.parse(readFileSync(input, 'utf8'));
  const local = new Map(); // this run's id -> new id
  for (const [file, { source, tests }] of Object.entries(report.testFiles ?? {})) {
    const entry = { source, tests: new Map() };
    for (const test of tests) {
      const key = `${file}\u0000${test.name}`;
      if (!idOf.has(key)) idOf.set(key, String(idOf.size));
      const id = idOf.get(key);
      local.set(test.id, id);
      entry.tests.set(test.name, { ...test, id });
    }
    testFiles.set(file, entry);
  }
  const remap = (ids) => ids?.map((id) => local.get(id)).filter((id) => id !== undefined);
  for (const [file, data] of Object.entries(report.files)) {
    merged.files[file] = {
      ...data,
      mutants: data.mutants.map((m) => ({
        ...m,
        ...(m.coveredBy ? { coveredBy: remap(m.coveredBy) } : {}),
        ...(m.killedBy ? { killedBy: remap(m.killedBy) } : {}),
      })),
    };
  }
  for (const key of ['schemaVersion', 'thresholds', 'projectRoot', 'config', 'framework']) {
    if (report[key] !== undefined) merged[key] = report[key];
  }
}
for (const [file, { source, tests }] of testFiles) {
  merged.testFiles[file] = {
    ...(source === undefined ? {} : { source }),
    tests: [...tests.values()],
  };
}
writeFileSync(out, JSON.stringify(merged));
console.log(
  `${out}: ${Object.keys(merged.files).length} source files, ${idOf.size} tests from ${inputs.length} reports`,
);
