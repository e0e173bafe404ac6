import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const REPO = path.resolve(import.meta.dirname, '../../../..');
export const DASHBOARD = path.join(REPO, 'apps/dashboard');
export const DETECTOR_BIN = path.join(REPO, 'apps/detector/bin/palisade-detector.js');
export const COLLECTOR_BIN = path.join(REPO, 'apps/collector/bin/palisade-collector.js');
export const NEXT_BIN = path.join(REPO, 'node_modules/next/dist/bin/next');
export const FIXTURES = path.join(REPO, 'test/fixtures/servers');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it returns a value; fails with `what` and the process output after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 30_000, logs?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}${logs ? `\n${logs().slice(-3000)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A child process we started, stopped by its own PID (SIGTERM, then SIGKILL after a grace period). */
export class Managed {
  output = '';
  constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (d: Buffer) => (this.output = (this.output + d.toString()).slice(-20_000)));
    child.stderr?.on('data', (d: Buffer) => (this.output = (this.output + d.toString()).slice(-20_000)));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop(graceMs = 8_000): Promise<void> {
    if (!this.running) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

export interface Detector {
  home: string;
  url: string;
  adminToken: string;
  process: Managed;
  api<T = unknown>(method: string, route: string, body?: unknown, token?: string): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

/** The built detector (`palisade-detector serve`: API and worker) on a fresh PALISADE_HOME. */
export async function startDetector(env: Record<string, string> = {}, home = mkdtempSync(path.join(tmpdir(), 'palisade-dashboard-'))): Promise<Detector> {
  const port = await freePort();
  const adminToken = `admin-${randomBytes(18).toString('hex')}`;
  const child = spawn(process.execPath, [DETECTOR_BIN, 'serve'], {
    env: { ...process.env, PALISADE_HOME: home, PALISADE_API_PORT: String(port), PALISADE_ADMIN_TOKEN: adminToken, PALISADE_LOG_LEVEL: 'warn', PALISADE_RULES_DIR: path.join(REPO, 'rules'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const managed = new Managed(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => managed.running && (await fetch(`${url}/api/health`)).ok, 'the detector API', 60_000, () => managed.output);
  return {
    home,
    url,
    adminToken,
    process: managed,
    async api(method, route, body, token = adminToken) {
      const response = await fetch(`${url}${route}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : null) as never };
    },
    async stop() {
      await managed.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export interface Dashboard {
  url: string;
  process: Managed;
  stop(): Promise<void>;
}

/** The built dashboard (`next start`, bound to 127.0.0.1) against a detector; its PID is next's own. */
export async function startDashboard(apiUrl: string, env: Record<string, string> = {}): Promise<Dashboard> {
  if (!existsSync(path.join(DASHBOARD, '.next/BUILD_ID'))) throw new Error('apps/dashboard is not built: run `node tools/build.mjs` (npm test builds first)');
  const port = await freePort();
  const child = spawn(process.execPath, [NEXT_BIN, 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: DASHBOARD,
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', PALISADE_API_URL: apiUrl, PALISADE_DASHBOARD_REFRESH_SECONDS: '2', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const managed = new Managed(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => managed.running && (await fetch(`${url}/login`)).ok, 'the dashboard', 60_000, () => managed.output);
  return { url, process: managed, stop: () => managed.stop() };
}
