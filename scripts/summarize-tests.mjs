// Prints the closing line CI reads: "N passed, N failed[, N skipped]". Typecheck and lint
// failures count as failed checks so a red static check can never hide behind green tests.
import { readFileSync } from 'node:fs';

const [file, staticFailuresText = '0'] = process.argv.slice(2);
const staticFailures = Number(staticFailuresText);
let passed = 0;
let failed = staticFailures;
let skipped = 0;
try {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed = report.numPassedTests;
  failed += report.numFailedTests;
  skipped = report.numPendingTests + report.numTodoTests;
  // A suite that failed outside its tests (load error, failing beforeAll) has no failed test of its
  // own, its tests show as skipped; count the suite itself as a failure.
  failed += report.testResults.filter(
    (r) => r.status === 'failed' && !r.assertionResults.some((a) => a.status === 'failed'),
  ).length;
} catch (error) {
  console.error(`ci: no vitest report (${error.message})`);
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
