#!/usr/bin/env node
// Builds every package (libraries, CLIs, dashboard) through Nx, with its local cache and no cloud.
// Runs from `npm ci` (the root `prepare` script), so every command works right after install.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NEXT_TELEMETRY_DISABLED: '1', NX_SKIP_NX_CACHE: process.env.NX_SKIP_NX_CACHE ?? '' };
const started = Date.now();
process.stderr.write('palisade: building packages (nx run-many -t build)…\n');
const result = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules/nx/dist/bin/nx.js'), 'run-many', '-t', 'build', '--parallel=2', '--outputStyle=static'],
  { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] },
);
if (result.status !== 0) {
  process.stderr.write(`palisade: build failed (exit ${result.status ?? result.signal})\n`);
  process.exit(result.status ?? 1);
}
process.stderr.write(`palisade: build done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
