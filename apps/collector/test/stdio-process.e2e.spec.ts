import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { COLLECTOR_BIN, removeTemporaries, temporaryDir } from './support/collector.harness.js';

const PROBE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/process-probe.server.mjs');
afterAll(removeTemporaries);

function run(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const child = spawn(process.execPath, [COLLECTOR_BIN, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // 'close' (stdout and stderr read to the end), not 'exit': the tests read both after the process ends.
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('stdio collector as a process', () => {
  it('passes arguments, working directory, environment and stderr through, and exits with the server’s status', async () => {
    const home = temporaryDir('proc');
    const cwd = temporaryDir('proc-cwd');
    const pidFile = path.join(home, 'probe.pid');
    const probe = run(['stdio', '--server', 'probe', '--home', home, '--verbose', '--', process.execPath, PROBE, pidFile, '--flag', 'value with spaces'], { cwd, env: { PALISADE_E2E_VARIABLE: 'passed-through' } });
    await vi.waitFor(() => expect(probe.out()).toContain('\n'), { timeout: 10_000 });
    probe.child.stdin?.end();
    expect(await probe.exited).toBe(3);
    // Stdout carries the server's bytes only, even with --verbose (logs go to stderr).
    expect(probe.out()).toBe(`${JSON.stringify({ argv: ['--flag', 'value with spaces'], cwd, variable: 'passed-through' })}\n`);
    expect(probe.err()).toContain('probe: hello on stderr');
    expect(probe.err()).toContain('collector stopped');
  });

  it('forwards SIGTERM to the server and exits with its status', async () => {
    const home = temporaryDir('proc-term');
    const pidFile = path.join(home, 'probe.pid');
    const probe = run(['stdio', '--server', 'probe', '--home', home, '--', process.execPath, PROBE, pidFile]);
    await vi.waitFor(() => expect(probe.out()).toContain('\n'), { timeout: 10_000 });
    probe.child.kill('SIGTERM');
    expect(await probe.exited).toBe(42);
    expect(readFileSync(`${pidFile}.signal`, 'utf8')).toBe('SIGTERM');
  });

  it('never leaves the server orphaned, even when the collector is killed with SIGKILL', async () => {
    const home = temporaryDir('proc-kill');
    const pidFile = path.join(home, 'probe.pid');
    const probe = run(['stdio', '--server', 'probe', '--home', home, '--', process.execPath, PROBE, pidFile]);
    await vi.waitFor(() => expect(existsSync(pidFile) && probe.out().includes('\n')).toBe(true), { timeout: 10_000 });
    const serverPid = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(serverPid)).toBe(true);
    probe.child.kill('SIGKILL');
    await probe.exited;
    await vi.waitFor(() => expect(alive(serverPid)).toBe(false), { timeout: 10_000 });
  });

  it('terminates a server that does not stop on its own when the collector is killed with SIGKILL', async () => {
    // A server that ignores the end of its stdin (a hung one, or one whose work outlives its client): only
    // the reaper can stop it, by signalling its process group.
    const home = temporaryDir('proc-kill-stubborn');
    const pidFile = path.join(home, 'server.pid');
    const probe = run(['stdio', '--server', 'stubborn', '--home', home, '--', '/bin/sh', '-c', 'echo $$ > "$1"; exec sleep 600', 'stubborn', pidFile]);
    await vi.waitFor(() => expect(existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '').toBe(true), { timeout: 10_000 });
    const serverPid = Number(readFileSync(pidFile, 'utf8'));
    try {
      // 'exit', not 'close': the server shares the collector's stderr, which stays open while it runs.
      const killed = new Promise((resolve) => probe.child.once('exit', resolve));
      probe.child.kill('SIGKILL');
      await killed;
      await vi.waitFor(() => expect(alive(serverPid)).toBe(false), { timeout: 10_000 });
    } finally {
      if (alive(serverPid)) process.kill(serverPid, 'SIGKILL');
    }
  });

  it('stops with exit status 2 and one line naming the problem for bad arguments', async () => {
    const notAFolder = path.join(temporaryDir('bad-home'), 'file');
    writeFileSync(notAFolder, '');
    const cases: [string[], RegExp][] = [
      [['stdio', '--server', 'x', '--home', notAFolder, '--', 'node'], /^palisade-collector: --home ".*": is not a folder\n?$/],
      [['stdio', '--server', 'x', '--flush-ms', 'often', '--', 'node'], /^palisade-collector: --flush-ms "often": must be a duration/],
      [['stdio', '--server', 'x'], /^palisade-collector: missing the server command/],
      [['stdio', '--bogus'], /^palisade-collector: unknown option --bogus/],
      [['proxy'], /^palisade-collector: unknown command "proxy"/],
      [['http', '--server', 'x'], /^palisade-collector: --upstream: is required/],
    ];
    for (const [args, message] of cases) {
      const probe = run(args, { env: { PALISADE_HOME: temporaryDir('bad') } });
      expect(await probe.exited).toBe(2);
      expect(probe.err()).toMatch(message);
      expect(probe.err().trim().split('\n')).toHaveLength(1);
      expect(probe.out()).toBe('');
    }
  });

  it('answers --help for every command and exits 127 when the server command does not exist', async () => {
    for (const args of [['--help'], ['stdio', '--help'], ['http', '--help']]) {
      const help = run(args);
      expect(await help.exited).toBe(0);
      expect(help.out()).toContain('Usage');
    }
    // No command at all is a usage error: the usage goes to stderr, never to stdout (an MCP client's pipe).
    const bare = run([]);
    expect(await bare.exited).toBe(2);
    expect(bare.out()).toBe('');
    expect(bare.err()).toContain('Usage');
    // A data folder that cannot be made stops at once with one line (Node's recursive mkdir spins under /proc).
    if (existsSync('/proc/self')) {
      const proc = run(['stdio', '--server', 'x', '--home', '/proc/palisade-nope', '--', 'true']);
      expect(await proc.exited).toBe(2);
      expect(proc.err().trim()).toBe('palisade-collector: --home "/proc/palisade-nope": cannot be created (ENOENT)');
    }
    const missing = run(['stdio', '--server', 'x', '--home', temporaryDir('missing'), '--', 'palisade-no-such-command-xyz']);
    expect(await missing.exited).toBe(127);
    expect(missing.err()).toContain('cannot start palisade-no-such-command-xyz');
  });
});

