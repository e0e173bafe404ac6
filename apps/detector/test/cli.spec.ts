import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createStore, storeConfigFromEnv } from '@palisade/store';
import { DETECTOR_BIN } from '@palisade/test-support';
import { afterAll, describe, expect, it } from 'vitest';

const home = mkdtempSync(path.join(tmpdir(), 'palisade-cli-spec-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** How long one run of the CLI may take before it is stopped: it must stop by itself before. */
const RUN_TIMEOUT_MS = 30_000;

/**
 * A test's time limit for the runs of the CLI it makes, one after the other: each may take its whole
 * RUN_TIMEOUT_MS on a loaded machine (the CLI loads the whole detector to start; seconds each when the
 * cores are shared), so a test of several runs must not be held to the one-run default.
 */
const forRuns = (runs: number) => ({ timeout: runs * RUN_TIMEOUT_MS + 10_000 });

/** Runs the built CLI; resolves with its exit code and output (it must stop by itself within RUN_TIMEOUT_MS). */
function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [DETECTOR_BIN, ...args], { env: { ...process.env, PALISADE_HOME: home, PALISADE_LOG_LEVEL: 'error', ...env }, timeout: RUN_TIMEOUT_MS }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const oneLine = (text: string) => text.trimEnd().split('\n');

describe('palisade-detector --help', () => {
  it('prints every command with --help, and one command’s usage with COMMAND --help or help COMMAND', forRuns(3), async () => {
    const all = await run(['--help']);
    expect(all.code).toBe(0);
    for (const command of ['[serve]', 'verify-export PATH', 'token create', 'token list', 'token revoke ID|NAME']) expect(all.stdout).toContain(`palisade-detector ${command}`);
    const token = await run(['token', 'create', '--help']);
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/^Usage:\n {2}palisade-detector token create --name NAME/);
    expect(token.stdout).not.toContain('verify-export');
    const verify = await run(['help', 'verify-export']);
    expect(verify.stdout).toContain('--key');
    expect(verify.stdout).not.toContain('token create');
    expect(verify.stdout).not.toContain('PALISADE_HOME');
  });
});

/** A port on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('palisade-detector at start: one line naming what is wrong', () => {
  it('names KAFKA_BROKERS when no broker there answers, without the Kafka client’s retries or a stack', async () => {
    const brokers = `127.0.0.1:${await closedPort()}`;
    const result = await run(['serve'], { PALISADE_BUS: 'kafka', KAFKA_BROKERS: brokers, PALISADE_API_PORT: String(await closedPort()) });
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toEqual([expect.stringMatching(new RegExp(`^palisade-detector: KAFKA_BROKERS=${brokers.replaceAll('.', '\\.')}: .*ECONNREFUSED`))]);
  }, 40_000);

  it('names ELASTICSEARCH_URL, without its password, when no cluster answers there', async () => {
    const port = await closedPort();
    const result = await run(['serve'], { PALISADE_STORE: 'elasticsearch', ELASTICSEARCH_URL: `http://elastic:s3cret-pw@127.0.0.1:${port}`, PALISADE_API_PORT: String(await closedPort()) });
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toEqual([expect.stringMatching(new RegExp(`^palisade-detector: ELASTICSEARCH_URL=http://127\\.0\\.0\\.1:${port}/: .*ECONNREFUSED`))]);
    expect(result.stderr).not.toContain('s3cret-pw');
  }, 40_000);

  it('names an unknown option (exit 2)', forRuns(1), async () => {
    const result = await run(['serve', '--bogus']);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toEqual([expect.stringMatching(/^palisade-detector: Unknown option '--bogus'.*\(try --help\)$/)]);
  });

  it('names PALISADE_API_PORT when the port is taken', forRuns(1), async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await run(['serve'], { PALISADE_API_PORT: String(port), PALISADE_LOG_LEVEL: 'info' });
      expect(result.code).toBe(1);
      expect(oneLine(result.stderr).at(-1)).toBe(`palisade-detector: PALISADE_API_PORT=${port}: the port is already in use on 127.0.0.1 (another detector running?)`);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      // Only that line says it: no log line of the same error, which came before or after it at random.
      expect(result.stderr).not.toContain('EADDRINUSE');
    } finally {
      blocker.close();
    }
  });

  it.runIf(existsSync('/proc/self'))('names PALISADE_HOME when it cannot be created, instead of spinning', forRuns(1), async () => {
    const result = await run(['serve'], { PALISADE_HOME: '/proc/palisade-nope' });
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toEqual(['palisade-detector: PALISADE_HOME "/proc/palisade-nope": cannot be created (ENOENT)']);
  });
});

/** The audit entries of one action in the store of the CLI's PALISADE_HOME: target and details. */
async function audited(action: string): Promise<{ target: string; details: unknown }[]> {
  const store = await createStore(storeConfigFromEnv({ PALISADE_HOME: home }));
  try {
    return (await store.audit.list({ action, limit: 10 })).items.map((e) => ({ target: e.target, details: e.details }));
  } finally {
    await store.close();
  }
}

describe('palisade-detector token', () => {
  it('keeps token names unique among live tokens, as the API does, and audits a creation under the token id', forRuns(3), async () => {
    const first = await run(['token', 'create', '--name', 'ann', '--role', 'analyst']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^pal_\S+\n$/);
    const again = await run(['token', 'create', '--name', 'ann', '--role', 'admin']);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(oneLine(again.stderr)).toEqual(['palisade-detector token create: a token named "ann" exists already (revoke it first, or choose another name)']);
    const list = await run(['token', 'list']);
    expect(oneLine(list.stdout)).toEqual([expect.stringMatching(/^\S+\tanalyst\tann\tactive\t-$/)]);

    const id = list.stdout.split('\t')[0]!;
    expect(await audited('token.create')).toEqual([{ target: `token:${id}`, details: { name: 'ann', role: 'analyst' } }]);
  });

  it('revokes a token by name or id, audits it, and frees the name for a new token', forRuns(7), async () => {
    const created = await run(['token', 'create', '--name', 'ci-collector', '--role', 'collector']);
    expect(created.code).toBe(0);
    const id = oneLine((await run(['token', 'list'])).stdout).find((line) => line.includes('\tci-collector\t'))!.split('\t')[0]!;

    const revoked = await run(['token', 'revoke', 'ci-collector']);
    expect(revoked.code).toBe(0);
    expect(oneLine(revoked.stdout)).toEqual([`revoked ${id} (collector ci-collector)`]);
    expect(oneLine((await run(['token', 'list'])).stdout)).toContainEqual(`${id}\tcollector\tci-collector\trevoked\t-`);
    const again = await run(['token', 'revoke', id]);
    expect(again.code).toBe(1);
    expect(oneLine(again.stderr)).toEqual([`palisade-detector token revoke: no live token with the id or name "${id}" (\`token list\` shows them)`]);
    expect((await run(['token', 'revoke'])).code).toBe(2);
    expect((await run(['token', 'create', '--name', 'ci-collector', '--role', 'collector'])).code).toBe(0);

    expect(await audited('token.revoke')).toEqual([{ target: `token:${id}`, details: { name: 'ci-collector', role: 'collector' } }]);
  });
});
