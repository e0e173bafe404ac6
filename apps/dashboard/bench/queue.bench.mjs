// Dashboard benchmark: the incident queue's server time over 10,000 incidents. A detector store is seeded
// with 10,000 incidents (writeBatch), the built detector serves it, the built dashboard (`next start`)
// renders the queue with an analyst's session cookie, and each request is timed from the client: time to
// first byte (the streamed shell) and to the full HTML (every Suspense boundary resolved), p50/p99.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// eslint-disable-next-line @nx/enforce-module-boundaries -- seeding the store is the benchmark's set-up; the dashboard itself reads only the detector API
import { createStore, storeConfigFromEnv } from '@palisade/store';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the workspace's bench harness lives in tools/, outside every project
import { percentile, progress, report } from '../../../tools/bench-kit.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dashboardDir = path.join(repo, 'apps/dashboard');
const INCIDENTS = 10_000;
const ROUNDS = Number(process.env.BENCH_DASHBOARD_ROUNDS ?? 120);
const WARMUP = 15;
const GOAL_MS = 300;

const SERVERS = ['mail', 'files', 'crm', 'github', 'slack', 'browser', 'shell', 'calendar'];
const TOOLS = ['send_email', 'read_file', 'write_file', 'lookup_contact', 'create_issue', 'post_message', 'fetch_url', 'run_command', 'list_events', 'search'];
const CATEGORIES = ['tool_poisoning', 'command_injection', 'sensitive_data_exfiltration', 'recipient_change', 'new_egress_domain', 'path_traversal', 'response_size_spike'];
const SEVERITIES = ['low', 'medium', 'high', 'critical'];
const STATUSES = ['open', 'open', 'open', 'triaging', 'contained', 'resolved', 'false_positive'];

let seed = 7;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const pick = (list) => list[Math.floor(random() * list.length)];

/** Ten thousand incidents over the last week, one a minute, with the mix of a busy install. */
function incident(index, base) {
  const at = base + index * 60_000;
  const server = pick(SERVERS);
  const tool = pick(TOOLS);
  const category = pick(CATEGORIES);
  const other = pick(CATEGORIES);
  return {
    id: `inc_bench_${String(index).padStart(6, '0')}`,
    title: `${category.replaceAll('_', ' ')} on ${server}/${tool}`,
    createdAt: new Date(at).toISOString(),
    updatedAt: new Date(at).toISOString(),
    firstSeen: new Date(at).toISOString(),
    lastSeen: new Date(at + Math.floor(random() * 600_000)).toISOString(),
    severity: pick(SEVERITIES),
    status: pick(STATUSES),
    assignee: random() < 0.3 ? pick(['alice', 'bob', 'carol']) : null,
    server,
    tool,
    sessionId: `session-${index % 500}`,
    categories: category === other ? [category] : [category, other],
    alertIds: [`alr_bench_${index}_1`, `alr_bench_${index}_2`],
    alertCount: 2,
    notes: random() < 0.2 ? [{ ts: new Date(at).toISOString(), author: 'alice', text: 'Checked the recipient against the allow-list' }] : [],
    disposition: null,
  };
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitUntil(check, what, child) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what}: the process exited (${child.exitCode})`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** One GET: ms to the response headers (first byte of the stream) and to the end of the HTML. */
async function timed(url, cookie) {
  const started = performance.now();
  const response = await fetch(url, { headers: { cookie }, redirect: 'manual' });
  const ttfb = performance.now() - started;
  const html = await response.text();
  const full = performance.now() - started;
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  if (!html.includes('data-incident-id')) throw new Error(`${url}: no incident rows in the HTML`);
  return { ttfb, full };
}

async function main() {
  if (!existsSync(path.join(dashboardDir, '.next/BUILD_ID'))) throw new Error('apps/dashboard is not built (npm run build)');
  const home = mkdtempSync(path.join(tmpdir(), 'palisade-dashboard-bench-'));
  const children = [];
  try {
    progress(`dashboard: seeding ${INCIDENTS} incidents`);
    const env = { PALISADE_HOME: home };
    const store = await createStore(storeConfigFromEnv(env));
    const base = Date.now() - INCIDENTS * 60_000;
    for (let start = 0; start < INCIDENTS; start += 500) {
      await store.writeBatch({ incidents: Array.from({ length: Math.min(500, INCIDENTS - start) }, (_, i) => incident(start + i, base)) });
    }
    await store.close();

    const apiPort = await freePort();
    const adminToken = `bench-${randomBytes(16).toString('hex')}`;
    const detector = spawn(process.execPath, [path.join(repo, 'apps/detector/bin/palisade-detector.js'), 'serve'], {
      env: { ...process.env, ...env, PALISADE_API_PORT: String(apiPort), PALISADE_ADMIN_TOKEN: adminToken, PALISADE_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(detector);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitUntil(async () => (await fetch(`${apiUrl}/api/health`)).ok, 'the detector', detector);
    const analyst = await (
      await fetch(`${apiUrl}/api/tokens`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'alice', role: 'analyst' }) })
    ).json();

    const port = await freePort();
    const next = spawn(process.execPath, [path.join(repo, 'node_modules/next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(port)], {
      cwd: dashboardDir,
      env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', PALISADE_API_URL: apiUrl },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(next);
    const url = `http://127.0.0.1:${port}`;
    await waitUntil(async () => (await fetch(`${url}/login`)).ok, 'the dashboard', next);

    const login = await fetch(`${url}/auth/login`, { method: 'POST', redirect: 'manual', headers: { origin: url, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: analyst.token }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    if (!cookie.startsWith('palisade_session=')) throw new Error(`sign-in failed (${login.status} ${login.headers.get('location')})`);

    const pages = {
      'open-high': '/incidents?severity=high&status=open',
      'open-default': '/incidents',
      'all-search': '/incidents?status=all&q=exfiltration',
      'category-server-24h': '/incidents?status=all&category=tool_poisoning&server=mail&range=24h',
      'page-2': null,
    };
    // The second page of the default queue, through its cursor.
    const first = await (await fetch(`${apiUrl}/api/incidents?status=open&sort=severity&limit=50`, { headers: { authorization: `Bearer ${analyst.token}` } })).json();
    pages['page-2'] = `/incidents?cursor=${encodeURIComponent(first.nextCursor)}`;

    for (let i = 0; i < WARMUP; i += 1) for (const route of Object.values(pages)) await timed(`${url}${route}`, cookie);
    const samples = Object.fromEntries(Object.keys(pages).map((name) => [name, { ttfb: [], full: [] }]));
    progress(`dashboard: ${ROUNDS} rounds of ${Object.keys(pages).length} queue pages`);
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const [name, route] of Object.entries(pages)) {
        const t = await timed(`${url}${route}`, cookie);
        samples[name].ttfb.push(t.ttfb);
        samples[name].full.push(t.full);
      }
    }
    // The same filtered query straight from the API, to show what rendering adds.
    const apiSamples = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      const started = performance.now();
      await (await fetch(`${apiUrl}/api/incidents?status=open&severity=high&sort=severity&limit=50`, { headers: { authorization: `Bearer ${analyst.token}` } })).text();
      apiSamples.push(performance.now() - started);
    }

    const round2 = (v) => Math.round(v * 100) / 100;
    const all = Object.values(samples).flatMap((s) => s.full);
    const figures = {
      incidents: INCIDENTS,
      requests: all.length,
      fullP50Ms: round2(percentile(all, 50)),
      fullP99Ms: round2(percentile(all, 99)),
      apiOnlyP50Ms: round2(percentile(apiSamples, 50)),
      apiOnlyP99Ms: round2(percentile(apiSamples, 99)),
    };
    const units = { incidents: 'incidents', requests: 'requests', fullP50Ms: 'ms', fullP99Ms: 'ms', apiOnlyP50Ms: 'ms', apiOnlyP99Ms: 'ms' };
    for (const [name, s] of Object.entries(samples)) {
      figures[`${name}.ttfbP50Ms`] = round2(percentile(s.ttfb, 50));
      figures[`${name}.fullP50Ms`] = round2(percentile(s.full, 50));
      figures[`${name}.fullP99Ms`] = round2(percentile(s.full, 99));
      Object.assign(units, { [`${name}.ttfbP50Ms`]: 'ms', [`${name}.fullP50Ms`]: 'ms', [`${name}.fullP99Ms`]: 'ms' });
    }
    report({
      name: 'dashboard.incident-queue',
      figures,
      units,
      goal: { fullP99Ms: `< ${GOAL_MS}`, met: figures.fullP99Ms < GOAL_MS },
      notes: `GET of the queue page with a session cookie, sequential, over ${INCIDENTS} incidents in the embedded store; full = whole streamed HTML (counts, rows, sidebar health), ttfb = first byte. Pages: ${Object.entries(pages)
        .map(([n, r]) => `${n} ${r.slice(0, 60)}`)
        .join('; ')}. apiOnly = GET /api/incidents?status=open&severity=high alone.`,
    });
  } finally {
    for (const child of children.reverse()) await stop(child);
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
