#!/usr/bin/env node
// `npm test`: build (end-to-end specs spawn the built CLIs), lint with the architecture rules,
// typecheck every package, then every Vitest project; prints one pass/fail summary and exits 0 only
// if every step passed. Extra arguments go to Vitest (e.g. `npm test -- --project bus`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NEXT_TELEMETRY_DISABLED: '1', FORCE_COLOR: process.env.FORCE_COLOR ?? '1' };
const vitestArgs = process.argv.slice(2);
const nx = path.join(root, 'node_modules/nx/dist/bin/nx.js');
const reportDir = mkdtempSync(path.join(tmpdir(), 'palisade-test-'));
const reportFile = path.join(reportDir, 'vitest.json');

const steps = [
  { name: 'build', cmd: [process.execPath, path.join(root, 'tools/build.mjs')] },
  { name: 'lint', cmd: [process.execPath, path.join(root, 'node_modules/eslint/bin/eslint.js'), '--max-warnings', '0', '.'] },
  { name: 'typecheck', cmd: [process.execPath, nx, 'run-many', '-t', 'typecheck', '--parallel=2', '--outputStyle=static'] },
  {
    name: 'tests',
    cmd: [process.execPath, path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`, ...vitestArgs],
  },
];

const results = [];
for (const step of steps) {
  process.stdout.write(`\n━━ ${step.name} ━━\n`);
  const started = Date.now();
  const run = spawnSync(step.cmd[0], step.cmd.slice(1), { cwd: root, env, stdio: 'inherit' });
  results.push({ name: step.name, ok: run.status === 0, seconds: (Date.now() - started) / 1000, status: run.status ?? run.signal });
  if (step.name === 'build' && run.status !== 0) break; // nothing else can run without a build
}

let counts = '';
try {
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  counts = `${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped, ${report.numTotalTests} tests in ${report.numTotalTestSuites} suites`;
  const failed = report.testResults?.flatMap((file) => file.assertionResults.filter((a) => a.status === 'failed').map((a) => `${path.relative(root, file.name)} › ${a.fullName}`)) ?? [];
  if (failed.length) counts += `\n  failed:\n${failed.map((f) => `    ✗ ${f}`).join('\n')}`;
} catch {
  counts = 'no test report (tests did not run to the end)';
}
rmSync(reportDir, { recursive: true, force: true });

const allOk = results.length === steps.length && results.every((r) => r.ok);
process.stdout.write('\n━━ summary ━━\n');
for (const r of results) process.stdout.write(`  ${r.ok ? 'PASS' : 'FAIL'}  ${r.name.padEnd(10)} ${r.seconds.toFixed(1).padStart(7)} s${r.ok ? '' : `  (exit ${r.status})`}\n`);
for (const s of steps.slice(results.length)) process.stdout.write(`  SKIP  ${s.name} (build failed)\n`);
process.stdout.write(`  tests: ${counts}\n`);
process.stdout.write(allOk ? '\nALL PASSED\n' : '\nFAILED\n');
process.exit(allOk ? 0 : 1);
