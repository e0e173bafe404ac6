import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ManagedProcess, REPO, freePort, waitFor } from '@palisade/test-support';
import { afterAll, describe, expect, it } from 'vitest';

// `npm start` / `npm run demo` as a user runs them: tools/demo.mjs with the built detector and dashboard.
const LAUNCHER = path.join(REPO, 'tools/demo.mjs');
const home = mkdtempSync(path.join(tmpdir(), 'palisade-launcher-'));
const started: ManagedProcess[] = [];

function launch(env: Record<string, string>): ManagedProcess {
  // Its own process group, so that whatever it leaves behind can be cleaned up after a failed check.
  const child = spawn(process.execPath, [LAUNCHER, '--no-scenarios'], { env: { ...process.env, PALISADE_HOME: home, PALISADE_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const managed = new ManagedProcess(child);
  started.push(managed);
  return managed;
}

/**
 * Whether a server answers at `url`: a refused connection is no; an answer is yes however slow it comes
 * (a loaded machine), so it is waited for rather than cut off and taken for a stopped server.
 */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(60_000) });
    return true;
  } catch {
    return false;
  }
}

afterAll(() => {
  for (const { child } of started) {
    try {
      process.kill(-(child.pid ?? 0), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(home, { recursive: true, force: true });
});

describe('npm start (tools/demo.mjs)', () => {
  it.each([
    [{ PALISADE_API_PORT: 'abc' }, 'PALISADE_API_PORT="abc" is invalid'],
    [{ PALISADE_DASHBOARD_PORT: '99999' }, 'PALISADE_DASHBOARD_PORT="99999" is invalid'],
    [{ PALISADE_API_URL: 'notaurl' }, 'PALISADE_API_URL="notaurl" is invalid'],
    [{ PALISADE_API_PORT: '4710', PALISADE_API_URL: 'http://127.0.0.1:4000' }, 'PALISADE_API_URL="http://127.0.0.1:4000" does not reach the API started here on PALISADE_API_PORT=4710'],
    [{ PALISADE_API_PORT: '4710', PALISADE_DASHBOARD_PORT: '4710' }, 'PALISADE_API_PORT and PALISADE_DASHBOARD_PORT are both 4710'],
    // The detector's own settings, checked before anything starts rather than by a detector that dies.
    [{ PALISADE_BUS: 'redis' }, 'PALISADE_BUS must be sqlite or kafka (got "redis")'],
    [{ PALISADE_BUS: 'kafka' }, 'PALISADE_BUS=kafka needs KAFKA_BROKERS'],
    [{ PALISADE_STORE: 'elasticsearch' }, 'PALISADE_STORE=elasticsearch needs ELASTICSEARCH_URL'],
    [{ SMTP_URL: 'smtp://' }, 'SMTP_URL (value not shown) is invalid'],
    [{ PALISADE_AUTO_QUARANTINE: 'maybe' }, 'PALISADE_AUTO_QUARANTINE="maybe" is invalid'],
  ])('stops at start with one line naming a bad setting: %o', (env, message) => {
    const run = spawnSync(process.execPath, [LAUNCHER, '--no-scenarios'], { env: { ...process.env, PALISADE_HOME: home, ...env }, encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringContaining(message)]);
  });

  it('drives the scenarios with --scenarios-only whatever API URL is set: it starts no API of its own', () => {
    const run = spawnSync(process.execPath, [LAUNCHER, '--scenarios-only'], { env: { ...process.env, PALISADE_HOME: home, PALISADE_API_URL: 'http://127.0.0.1:4710' }, encoding: 'utf8', timeout: 110_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/scenarios done in/);
  }, 120_000);

  it('says in a few lines why a service died at start, and where its full log is', async () => {
    // The API's port is taken on the address the detector binds (not on the one the launcher checks):
    // only the detector finds out, after logging its start at the default level.
    const port = await freePort();
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.2', resolve));
    try {
      const env = { PALISADE_HOME: home, PALISADE_LOG_LEVEL: 'info', PALISADE_API_HOST: '127.0.0.2', PALISADE_API_PORT: String(port), PALISADE_DASHBOARD_PORT: String(await freePort()) };
      const run = spawnSync(process.execPath, [LAUNCHER, '--no-scenarios'], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
      expect(run.status).toBe(1);
      const said = run.stderr.trim().split('\n');
      expect(said[0]).toBe('palisade demo: detector exited (1):');
      expect(said.at(-1)).toBe(`  full log: ${path.join(home, 'logs/detector.log')}`);
      expect(said.length).toBeLessThanOrEqual(5);
      expect(run.stderr.length).toBeLessThan(800);
      expect(run.stderr).toContain(`PALISADE_API_PORT=${port}: the port is already in use on 127.0.0.2`);
      expect(run.stderr).not.toContain('"level"');
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 70_000);

  it('names an unknown option in one line (exit 2)', () => {
    const run = spawnSync(process.execPath, [LAUNCHER, '--no-scenario'], { env: { ...process.env, PALISADE_HOME: home }, encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual(["palisade demo: Unknown option '--no-scenario' (try --help)"]);
  });

  it('leaves nothing running when it is killed with kill -9, and starts again on the same home and ports', async () => {
    const [apiPort, dashboardPort] = [await freePort(), await freePort()];
    const env = { PALISADE_API_PORT: String(apiPort), PALISADE_DASHBOARD_PORT: String(dashboardPort) };
    const health = `http://127.0.0.1:${apiPort}/api/health`;
    const dashboard = `http://127.0.0.1:${dashboardPort}/login`;

    const first = launch(env);
    await waitFor(async () => first.output.includes('Ctrl-C stops everything'), 'the first start', { timeoutMs: 120_000, logs: () => first.output, abort: () => first.exited() });
    expect(await answers(health)).toBe(true);
    first.child.kill('SIGKILL');
    await waitFor(async () => !(await answers(health)) && !(await answers(dashboard)), 'the detector and the dashboard to stop with their launcher', { timeoutMs: 20_000 });

    const second = launch(env);
    await waitFor(async () => second.output.includes('Ctrl-C stops everything'), 'the second start', { timeoutMs: 120_000, logs: () => second.output, abort: () => second.exited() });
    expect(second.output).toContain('(reusing it)');
    await second.stop(20_000);
    expect(second.child.exitCode).toBe(0);
    expect(await answers(health)).toBe(false);
    expect(await answers(dashboard)).toBe(false);
  });
});
