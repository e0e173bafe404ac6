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
let values;
try {
  ({ values } = parseArgs({
    options: { 'no-scenarios': { type: 'boolean' }, 'scenarios-only': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  }));
} catch (error) {
  process.stderr.write(`palisade demo: ${error.message} (try --help)\n`);
  process.exit(2);
}
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
/** The launcher's own settings: a bad or contradictory one stops it at start with one line naming it. */
function settings() {
  const port = (name, fallback) => {
    const raw = process.env[name] ?? String(fallback);
    if (!/^\d{1,5}$/.test(raw.trim()) || Number(raw) < 1 || Number(raw) > 65535) throw new Error(`${name}="${raw}" is invalid: must be a port number (1-65535)`);
    return Number(raw);
  };
  const apiPort = port('PALISADE_API_PORT', 4000);
  const dashboardPort = port('PALISADE_DASHBOARD_PORT', 3000);
  if (apiPort === dashboardPort) throw new Error(`PALISADE_API_PORT and PALISADE_DASHBOARD_PORT are both ${apiPort}: the API and the dashboard need a port each`);
  const apiUrl = process.env.PALISADE_API_URL ?? `http://127.0.0.1:${apiPort}`;
  let url;
  try {
    url = new URL(apiUrl);
  } catch {
    throw new Error(`PALISADE_API_URL="${apiUrl}" is invalid: must be an http:// or https:// URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`PALISADE_API_URL="${apiUrl}" is invalid: must be an http:// or https:// URL`);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  const urlPort = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  // Only when this launcher starts the API: --scenarios-only drives a deployment started elsewhere.
  if (loopback && urlPort !== apiPort && !values['scenarios-only']) throw new Error(`PALISADE_API_URL="${apiUrl}" does not reach the API started here on PALISADE_API_PORT=${apiPort}: unset it, or give both the same port`);
  return { apiPort, dashboardPort, apiUrl: apiUrl.replace(/\/+$/, '') };
}
let config;
try {
  config = settings();
} catch (error) {
  process.stderr.write(`palisade demo: ${error.message}\n`);
  process.exit(1);
}
const { apiPort, dashboardPort, apiUrl } = config;
const dashboardUrl = `http://127.0.0.1:${dashboardPort}`;
const env = { ...process.env, PALISADE_HOME: home, PALISADE_API_URL: apiUrl, PALISADE_DASHBOARD_URL: process.env.PALISADE_DASHBOARD_URL ?? dashboardUrl, NEXT_TELEMETRY_DISABLED: '1' };

/**
 * The services' settings (the detector's, the bus's, the store's), read by their own parsers before
 * anything starts: a bad one is the one line naming it, not a detector that dies after the launcher said
 * it was starting. With --scenarios-only only the bus is used. Unbuilt packages are reported further on.
 */
async function checkServiceSettings() {
  if (!existsSync(path.join(root, 'apps/detector/dist/main.js'))) return;
  const { busConfigFromEnv } = await import('@palisade/bus');
  busConfigFromEnv(env);
  if (values['scenarios-only']) return;
  const [{ loadDetectorConfig }, { storeConfigFromEnv }] = await Promise.all([import('@palisade/detector'), import('@palisade/store')]);
  loadDetectorConfig(env);
  storeConfigFromEnv(env);
}
try {
  await checkServiceSettings();
} catch (error) {
  process.stderr.write(`palisade demo: ${error.message}\n`);
  process.exit(1);
}
const say = (line) => process.stdout.write(`${line}\n`);
const children = [];
let stopping = false;

function fail(message) {
  process.stderr.write(`palisade demo: ${message}\n`);
  void shutdown(1);
}

/** Signals a service's whole process group (it runs in its own, see service()). */
function signal(child, name) {
  try {
    process.kill(-child.pid, name);
  } catch {
    child.kill(name);
  }
}

async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) signal(child, 'SIGTERM');
  await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((r) => { const t = setTimeout(() => { signal(child, 'SIGKILL'); r(); }, 8000); child.once('exit', () => { clearTimeout(t); r(); }); }) : null)));
  process.exit(code);
}

/**
 * Stops a service's process group once this launcher is gone, however it ended (`kill -9` included): a
 * `sh` holding a pipe from the launcher sees EOF, sends SIGTERM, and SIGKILL after 8 s. Without it a
 * killed launcher would leave the detector and the dashboard holding their ports, and the next start
 * on the same PALISADE_HOME and ports would refuse to run.
 */
// No `--` before the group: dash, Debian's /bin/sh, takes it for a process id and signals nothing.
const REAPER = 'read _ ; kill -TERM -"$1" 2>/dev/null || exit 0; i=0; while [ $i -lt 16 ] && kill -0 -"$1" 2>/dev/null; do sleep 0.5; i=$((i+1)); done; kill -KILL -"$1" 2>/dev/null; exit 0';
function startReaper(pid) {
  const reaper = spawn('/bin/sh', ['-c', REAPER, 'palisade-reaper', String(pid)], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  reaper.on('error', () => undefined);
  reaper.stdin.on('error', () => undefined);
  reaper.unref();
  reaper.stdin.unref?.();
}
process.on('SIGINT', () => { say('\nstopping…'); void shutdown(0); });
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGHUP', () => void shutdown(0));

/** Lines of a dead service's reason at most, and characters of each. */
const REASON_LINES = 3;
const REASON_CHARS = 300;
/** Characters of a service's output kept in memory (for failureReason); all of it goes to its log file. */
const SERVICE_OUTPUT_KEPT = 64 * 1024;
/**
 * Why a service died, from what it wrote in this run: the message of its error-level JSON log entries
 * (pino: level 50+, `msg` and `err.message`) and the plain lines it wrote after its last ordinary entry
 * (a one-line reason, a crash), without stack frames; the last REASON_LINES of them. Its info lines,
 * often thousands of characters, stay in the log file, and so does the admin token it may have printed.
 */
function failureReason(output, secret) {
  const lines = output.split('\n');
  if (output.length >= SERVICE_OUTPUT_KEPT) lines.shift(); // cut in the middle
  let reasons = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || /^at\s|^\^+$|^Node\.js v\d/.test(line)) continue;
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      entry = undefined;
    }
    if (entry === null || typeof entry !== 'object') {
      reasons.push({ text: line, plain: true });
      continue;
    }
    if (!(typeof entry.level === 'number' && entry.level >= 50)) {
      reasons = reasons.filter((reason) => !reason.plain); // plain lines before an ordinary entry did not end it
      continue;
    }
    const err = entry.err ?? entry.error;
    const detail = typeof err === 'string' ? err : err?.message;
    const msg = typeof entry.msg === 'string' ? entry.msg : '';
    const text = detail && !msg.includes(detail) ? (msg ? `${msg}: ${detail}` : detail) : msg;
    if (text) reasons.push({ text: text.split('\n')[0], plain: false });
  }
  const shown = reasons.map((reason) => reason.text).filter((line, i, all) => !(secret && (line.includes(secret) || (line.endsWith(':') && all[i + 1]?.includes(secret)))));
  return shown.slice(-REASON_LINES).map((line) => (line.length > REASON_CHARS ? `${line.slice(0, REASON_CHARS)}…` : line));
}

/** Starts a service in its own process group, with its output in PALISADE_HOME/logs/NAME.log; a failed start stops the demo. */
function service(name, command, args, extraEnv = {}) {
  mkdirSync(path.join(home, 'logs'), { recursive: true });
  const logFile = path.join(home, 'logs', `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(command, args, { cwd: root, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  if (child.pid !== undefined) startReaper(child.pid);
  let tail = '';
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk) => { log.write(chunk); tail = (tail + chunk).slice(-SERVICE_OUTPUT_KEPT); });
  child.once('exit', (code, signal) => {
    if (stopping) return;
    const reason = failureReason(tail, adminToken());
    fail([`${name} exited (${code ?? signal})${reason.length ? ':' : ' without saying why'}`, ...reason.map((line) => `  ${line}`), `  full log: ${logFile}`].join('\n'));
  });
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
