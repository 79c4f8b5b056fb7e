#!/usr/bin/env node
// Prints one closing line per Vitest JSON report, then the total, in the plain form
// "label: N passed, N failed, N skipped" that CI reads (Vitest's own summary is not one it reads).
// Usage: node scripts/test-summary.mjs label=path.json [label=path.json ...]
import { readFileSync } from 'node:fs';

const total = { passed: 0, failed: 0, skipped: 0 };
let missing = false;
for (const arg of process.argv.slice(2)) {
  const [label, file] = arg.split('=');
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    console.log(`${label}: no report at ${file} (${error.code ?? error.message})`);
    missing = true;
    continue;
  }
  // A file that failed to load counts as a failure even though it ran no test.
  const failedSuites = (report.testResults ?? []).filter((r) => r.status === 'failed' && (r.assertionResults ?? []).length === 0).length;
  const counts = {
    passed: report.numPassedTests,
    failed: report.numFailedTests + failedSuites,
    skipped: report.numPendingTests + (report.numTodoTests ?? 0),
  };
  for (const key of Object.keys(total)) total[key] += counts[key];
  console.log(`${label}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
}
console.log(`total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(missing || total.failed > 0 || total.passed === 0 ? 1 : 0);
