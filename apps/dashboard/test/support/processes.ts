import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { freePort, ManagedProcess, REPO, waitFor } from '@palisade/test-support';

export { COLLECTOR_BIN, DETECTOR_BIN, type DetectorProcess, REPO, startDetectorProcess, waitFor } from '@palisade/test-support';
export const DASHBOARD = path.join(REPO, 'apps/dashboard');
export const NEXT_BIN = path.join(REPO, 'node_modules/next/dist/bin/next');
export const FIXTURES = path.join(REPO, 'test/fixtures/servers');

export interface Dashboard {
  url: string;
  process: ManagedProcess;
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
  const managed = new ManagedProcess(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/login`)).ok, 'the dashboard', { timeoutMs: 60_000, logs: () => managed.output, abort: () => managed.exited() });
  return { url, process: managed, stop: () => managed.stop() };
}
