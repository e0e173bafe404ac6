import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const REPO = path.resolve(import.meta.dirname, '../..');

/** A free TCP port on 127.0.0.1. */
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

export interface DetectorProcess {
  home: string;
  url: string;
  token: string;
  env: Record<string, string>;
  child: ChildProcess;
  api<T = unknown>(method: string, route: string, body?: unknown): Promise<{ status: number; body: T }>;
  waitFor<T>(check: () => Promise<T | undefined | null | false>, what: string, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

/** Starts the built detector (`palisade-detector serve`) on a fresh PALISADE_HOME, as a user would. */
export async function startDetectorProcess(extraEnv: Record<string, string> = {}): Promise<DetectorProcess> {
  const home = mkdtempSync(path.join(tmpdir(), 'palisade-e2e-'));
  const port = await freePort();
  const env: Record<string, string> = { ...(process.env as Record<string, string>), PALISADE_HOME: home, PALISADE_API_PORT: String(port), PALISADE_LOG_LEVEL: 'warn', ...extraEnv };
  const child = spawn(process.execPath, [path.join(REPO, 'apps/detector/bin/palisade-detector.js'), 'serve'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const waitFor = async <T>(check: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 30_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the detector exited (${child.exitCode}) while waiting for ${what}:\n${stderr.slice(-3000)}`);
      const value = await check().catch(() => undefined);
      if (value !== undefined && value !== null && value !== false) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${stderr.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await waitFor(async () => (await fetch(`${url}/api/health`)).ok, 'the detector API');
  const token = readFileSync(path.join(home, 'secrets/admin-token'), 'utf8').trim();
  return {
    home,
    url,
    token,
    env,
    child,
    waitFor,
    async api(method, route, body) {
      const response = await fetch(`${url}${route}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : null) as never };
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}
