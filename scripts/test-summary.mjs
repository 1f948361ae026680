// Prints Vitest's totals as one plain closing line ("N passed, N failed, N skipped") for CI logs, preceded by one
// line per test file with skipped tests (those needing Redis or curl when they are missing, for instance).
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';

const file = process.argv[2];
if (!file || !existsSync(file)) {
  console.log('tests: no result file (the test run did not finish)');
  process.exit(0);
}
const r = JSON.parse(readFileSync(file, 'utf8'));
for (const result of r.testResults ?? []) {
  const skippedHere = (result.assertionResults ?? []).filter((test) => test.status === 'pending' || test.status === 'skipped' || test.status === 'todo');
  if (skippedHere.length > 0) console.log(`skipped: ${skippedHere.length} in ${relative(process.cwd(), result.name)}`);
}
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
