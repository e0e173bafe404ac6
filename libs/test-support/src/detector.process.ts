import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.js';
import { ManagedProcess } from './managed.process.js';
import { DETECTOR_BIN, REPO } from './repo.paths.js';
import { waitFor } from './wait-for.js';

export interface DetectorProcessOptions {
  /** Variables on top of this process's environment and the defaults below. */
  env?: Record<string, string>;
  /** PALISADE_HOME (a fresh temporary folder, removed by `stop`, when not given). */
  home?: string;
}

export interface DetectorProcess {
  home: string;
  url: string;
  adminToken: string;
  /** The environment the detector runs with (for CLIs started against the same home). */
  env: Record<string, string>;
  process: ManagedProcess;
  /** A JSON API call with the admin token (or `token`); the body parsed, null when empty. */
  api<T = unknown>(method: string, route: string, body?: unknown, token?: string): Promise<{ status: number; body: T }>;
  /** `waitFor` that fails at once, with the detector's output, if the detector exits. */
  waitFor<T>(check: () => Promise<T | undefined | null | false>, what: string, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

/**
 * The built detector (`palisade-detector serve`: API and worker) as a user starts it, on 127.0.0.1 with a
 * free port and a known admin token; resolves once `/api/health` answers.
 */
export async function startDetectorProcess(options: DetectorProcessOptions = {}): Promise<DetectorProcess> {
  const temporary = options.home === undefined;
  const home = options.home ?? mkdtempSync(path.join(tmpdir(), 'palisade-test-'));
  const port = await freePort();
  const adminToken = `admin-${randomBytes(18).toString('hex')}`;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PALISADE_HOME: home,
    PALISADE_API_PORT: String(port),
    PALISADE_ADMIN_TOKEN: adminToken,
    PALISADE_LOG_LEVEL: 'warn',
    PALISADE_RULES_DIR: path.join(REPO, 'rules'),
    ...options.env,
  };
  const managed = new ManagedProcess(spawn(process.execPath, [DETECTOR_BIN, 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
  const url = `http://127.0.0.1:${port}`;
  const waitForDetector = <T>(check: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 30_000) =>
    waitFor(check, what, { timeoutMs, intervalMs: 50, logs: () => managed.output, abort: () => managed.exited() });
  await waitForDetector(async () => (await fetch(`${url}/api/health`)).ok, 'the detector API', 60_000);
  return {
    home,
    url,
    adminToken,
    env,
    process: managed,
    waitFor: waitForDetector,
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
      if (temporary) rmSync(home, { recursive: true, force: true });
    },
  };
}
