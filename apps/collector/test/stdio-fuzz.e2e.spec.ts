import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { BusReader, onBus, COLLECTOR_BIN, removeTemporaries, temporaryDir } from './support/collector.harness.js';
import { fuzzStream, mulberry32 } from './support/fuzz-frames.js';

const FUZZ_SERVER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/fuzz.server.mjs');
afterAll(removeTemporaries);

async function relay(options: { seed: number; quarantine: boolean }) {
  const home = temporaryDir('fuzz');
  const fromServer = fuzzStream(options.seed, 3000, 'server');
  const fromClient = fuzzStream(options.seed + 1, 3000, 'client');
  const serverInput = path.join(home, 'server-input.bin');
  const serverReceived = path.join(home, 'server-received.bin');
  writeFileSync(serverInput, fromServer);
  if (options.quarantine) {
    const bus = new BusReader(home);
    await bus.decide('tool.quarantined', 'fuzz', 'quarantined-tool-never-called');
    await bus.close();
  }
  const collector = spawn(process.execPath, [COLLECTOR_BIN, 'stdio', '--server', 'fuzz', '--home', home, '--parse-limit', '64kb', '--capture-limit', '8kb', '--log-file', path.join(home, 'collector.log'), '--', process.execPath, FUZZ_SERVER, serverInput, serverReceived, String(options.seed)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let err = '';
  collector.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  collector.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  let stdinError: Error | null = null;
  collector.stdin.on('error', (error) => (stdinError = error));
  // 'close', not 'exit': the exit can be reported before the parent has read the last bytes of stdout.
  const exited = new Promise<number | null>((resolve) => collector.on('close', (code) => resolve(code)));
  // The client side: the same kind of traffic, in random chunks, interleaved with the server's.
  const random = mulberry32(options.seed + 2);
  for (let offset = 0; offset < fromClient.length; ) {
    const size = Math.max(1, Math.floor(random() ** 3 * 50_000));
    const chunk = fromClient.subarray(offset, offset + size);
    offset += chunk.length;
    if (stdinError) break;
    if (!collector.stdin.write(chunk)) await new Promise((resolve) => collector.stdin.once('drain', resolve));
    if (random() < 0.02) await new Promise((resolve) => setImmediate(resolve));
  }
  collector.stdin.end();
  const code = await exited;
  const counters = readFileSync(path.join(home, 'collector.log'), 'utf8').includes('"internalErrors":0');
  return { home, code, err, counters, stdinError, output: Buffer.concat(out), received: readFileSync(serverReceived), fromServer, fromClient };
}

describe('stdio collector under hostile traffic', () => {
  for (const quarantine of [false, true]) {
    it(`relays thousands of malformed, oversized, partial and interleaved frames byte for byte${quarantine ? ' while a quarantine makes it frame every line' : ''}`, async () => {
      const run = await relay({ seed: quarantine ? 7 : 3, quarantine });
      expect(run.stdinError).toBeNull();
      expect(run.code).toBe(0);
      expect(run.output.length).toBe(run.fromServer.length);
      expect(run.output.equals(run.fromServer)).toBe(true);
      expect(run.received.length).toBe(run.fromClient.length);
      expect(run.received.equals(run.fromClient)).toBe(true);
      expect(run.err).not.toContain('telemetry stopped');
      expect(run.err).not.toContain('internal error');
      expect(run.err).not.toContain('MaxListenersExceededWarning');
      expect(run.counters).toBe(true);
      await onBus(run.home, async (reader) => {
        // Copies may be dropped under such a burst (counted as ringDrops, never the relayed bytes); what was
        // recorded is valid (the reader parses every event with the schema) and unique.
        await vi.waitFor(() => expect(reader.events.length).toBeGreaterThan(100), { timeout: 20_000 });
        expect(new Set(reader.events.map((e) => e.id)).size).toBe(reader.events.length);
        expect(reader.invalid).toEqual([]);
      });
    });
  }
});
