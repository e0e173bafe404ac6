#!/usr/bin/env node
// `npm run demo`: Palisade on the embedded default. Starts the detector (API + pipeline worker) and the
// dashboard on PALISADE_HOME (./.palisade unless set; reused if it exists), drives the bundled scenarios
// (real MCP servers, benign and malicious, through real collectors), prints the dashboard URL and an
// admin login, and keeps running until Ctrl-C. `npm start` (--no-scenarios) runs the same services only.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { 'no-scenarios': { type: 'boolean' }, 'scenarios-only': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  strict: true,
});
if (values.help) {
  process.stdout.write(`Usage: npm run demo [-- --no-scenarios | --scenarios-only]
  (default)          start the detector and the dashboard, run the bundled scenarios, keep running
  --no-scenarios     the services only (what \`npm start\` does)
  --scenarios-only   drive the scenarios against an already running deployment (the bus in PALISADE_HOME or Kafka)
Environment: PALISADE_HOME (./.palisade), PALISADE_API_PORT (4000), PALISADE_DASHBOARD_PORT (3000), PALISADE_ADMIN_TOKEN, SMTP_URL, … (README)
`);
  process.exit(0);
}

const home = path.resolve(process.env.PALISADE_HOME ?? path.join(root, '.palisade'));
try {
  (await import('@palisade/schema')).prepareDataHome(home);
} catch (error) {
  process.stderr.write(`palisade demo: ${error.message}\n`);
  process.exit(1);
}
const apiPort = Number(process.env.PALISADE_API_PORT ?? 4000);
const dashboardPort = Number(process.env.PALISADE_DASHBOARD_PORT ?? 3000);
const apiUrl = process.env.PALISADE_API_URL ?? `http://127.0.0.1:${apiPort}`;
const dashboardUrl = `http://127.0.0.1:${dashboardPort}`;
const env = { ...process.env, PALISADE_HOME: home, PALISADE_API_URL: apiUrl, PALISADE_DASHBOARD_URL: process.env.PALISADE_DASHBOARD_URL ?? dashboardUrl, NEXT_TELEMETRY_DISABLED: '1' };
const say = (line) => process.stdout.write(`${line}\n`);
const children = [];
let stopping = false;

function fail(message) {
  process.stderr.write(`palisade demo: ${message}\n`);
  void shutdown(1);
}

async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((r) => { const t = setTimeout(() => { child.kill('SIGKILL'); r(); }, 8000); child.once('exit', () => { clearTimeout(t); r(); }); }) : null)));
  process.exit(code);
}
process.on('SIGINT', () => { say('\nstopping…'); void shutdown(0); });
process.on('SIGTERM', () => void shutdown(0));

/** Starts a service with its output in PALISADE_HOME/logs/NAME.log; a failed start stops the demo. */
function service(name, command, args, extraEnv = {}) {
  mkdirSync(path.join(home, 'logs'), { recursive: true });
  const logFile = path.join(home, 'logs', `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(command, args, { cwd: root, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk) => { log.write(chunk); tail = (tail + chunk).slice(-4000); });
  child.once('exit', (code, signal) => { if (!stopping) fail(`${name} exited (${code ?? signal}); see ${logFile}:\n${tail}`); });
  children.push(child);
  return { child, logFile, tail: () => tail };
}

async function waitFor(what, check, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (stopping) throw new Error('stopped');
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function portFree(port) {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => { const s = createServer(); s.once('error', () => resolve(false)); s.listen(port, '127.0.0.1', () => s.close(() => resolve(true))); });
}

function adminToken() {
  if (process.env.PALISADE_ADMIN_TOKEN) return process.env.PALISADE_ADMIN_TOKEN;
  const file = path.join(home, 'secrets/admin-token');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
}

async function api(route) {
  const response = await fetch(`${apiUrl}${route}`, { headers: { authorization: `Bearer ${adminToken()}` } });
  if (!response.ok) throw new Error(`${route}: HTTP ${response.status}`);
  return response.json();
}

async function runScenarioSet() {
  const { runScenarios } = await import('../test/scenarios/scenarios.mjs');
  say('driving the bundled scenarios through real collectors:');
  const started = Date.now();
  await runScenarios({ env: { PALISADE_HOME: home, ...(process.env.PALISADE_BUS ? { PALISADE_BUS: process.env.PALISADE_BUS } : {}), ...(process.env.KAFKA_BROKERS ? { KAFKA_BROKERS: process.env.KAFKA_BROKERS } : {}) }, onProgress: (s, i, n) => say(`  [${String(i + 1).padStart(2)}/${n}] ${s.title}`) });
  say(`scenarios done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function main() {
  const started = Date.now();
  if (values['scenarios-only']) {
    await runScenarioSet();
    process.exit(0);
  }
  say(`Palisade — embedded default in ${home}${existsSync(path.join(home, 'store.db')) ? ' (reusing it)' : ''}`);
  for (const [name, port] of [['PALISADE_API_PORT', apiPort], ['PALISADE_DASHBOARD_PORT', dashboardPort]]) {
    if (!(await portFree(port))) return fail(`port ${port} is in use (set ${name} to another port, or stop what uses it)`);
  }
  if (!existsSync(path.join(root, 'apps/detector/dist/main.js'))) return fail('the packages are not built: run `npm ci` (it builds everything) or `npm run build`');

  say(`starting the detector (API ${apiUrl}, pipeline worker)…`);
  const detector = service('detector', process.execPath, [path.join(root, 'apps/detector/bin/palisade-detector.js'), 'serve']);
  await waitFor('the detector API', async () => (await fetch(`${apiUrl}/api/health`)).ok);

  const dashboardBuilt = existsSync(path.join(root, 'apps/dashboard/.next/BUILD_ID'));
  if (dashboardBuilt) {
    say(`starting the dashboard (${dashboardUrl})…`);
    service('dashboard', path.join(root, 'node_modules/.bin/next'), ['start', path.join(root, 'apps/dashboard'), '-H', '127.0.0.1', '-p', String(dashboardPort)]);
    await waitFor('the dashboard', async () => (await fetch(`${dashboardUrl}/login`, { redirect: 'manual' })).status < 500);
  } else {
    say('the dashboard is not built (apps/dashboard/.next missing): run `npm run build`; continuing with the API only');
  }

  if (!values['no-scenarios']) {
    await runScenarioSet();
    await waitFor('the pipeline to catch up', async () => (await (await fetch(`${apiUrl}/api/health`)).json()).lagEvents === 0, 60_000);
    const counts = await api('/api/incidents/counts');
    const incidents = await api('/api/incidents?sort=severity&limit=500');
    const { incidentSummary } = await import('../test/scenarios/scenarios.mjs');
    for (const line of incidentSummary(incidents, counts)) say(line);
  }

  say('');
  say('─'.repeat(72));
  say(`  Dashboard:    ${dashboardBuilt ? dashboardUrl : '(not built)'}`);
  say(`  API:          ${apiUrl}/api   (OpenAPI: ${apiUrl}/api/openapi.json)`);
  say(`  Admin token:  ${adminToken() ?? '(see the detector log)'}`);
  say('                paste it on the dashboard login page; keep it secret');
  say(`  Logs:         ${path.join(home, 'logs')}`);
  say(`  Ready in ${((Date.now() - started) / 1000).toFixed(0)} s. Ctrl-C stops everything.`);
  say('─'.repeat(72));
  void detector;
}

main().catch((error) => fail(error.message));
