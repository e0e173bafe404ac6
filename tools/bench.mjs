#!/usr/bin/env node
// `npm run bench`: runs every `*/bench/*.bench.mjs` of the workspace one after the other (never in
// parallel: they measure the machine) and passes their JSON lines through to stdout.
// `npm run bench -- bus store` runs only the files whose path contains one of the words.
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const filters = process.argv.slice(2);
const files = [];
for (const group of ['libs', 'apps', 'test']) {
  const base = path.join(root, group);
  if (!existsSync(base)) continue;
  const dirs = group === 'test' ? [base] : readdirSync(base).map((d) => path.join(base, d));
  for (const dir of dirs) {
    const benchDir = path.join(dir, 'bench');
    if (!existsSync(benchDir)) continue;
    for (const f of readdirSync(benchDir).sort()) if (f.endsWith('.bench.mjs')) files.push(path.join(benchDir, f));
  }
}
const selected = files.filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)));
let failures = 0;
for (const file of selected) {
  process.stderr.write(`\nbench: ── ${path.relative(root, file)} ──\n`);
  const run = spawnSync(process.execPath, ['--expose-gc', file], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } });
  if (run.status !== 0) {
    failures += 1;
    process.stderr.write(`bench: ${path.relative(root, file)} failed (exit ${run.status ?? run.signal})\n`);
  }
}
process.stderr.write(`\nbench: ${selected.length - failures}/${selected.length} benchmark files ran\n`);
process.exit(failures ? 1 : 0);
