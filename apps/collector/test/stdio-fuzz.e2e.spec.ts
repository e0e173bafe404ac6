import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { BusReader, onBus, COLLECTOR_BIN, removeTemporaries, temporaryDir } from './support/collector.harness.js';
import { checkClientFrame } from '../src/pipeline/rpc-frame.decoder.js';
import { fuzzStream, mulberry32 } from './support/fuzz-frames.js';

const FUZZ_SERVER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/fuzz.server.mjs');
afterAll(removeTemporaries);

/** The client lines a quarantine lets through: the blank ones and those that are valid JSON-RPC (the others cannot be checked). */
function checkable(stream: Buffer): Buffer {
  const kept: Buffer[] = [];
  for (let start = 0; start < stream.length; ) {
    const nl = stream.indexOf(0x0a, start);
    const end = nl === -1 ? stream.length : nl + 1;
    const line = stream.subarray(start, end);
    const text = line.toString('utf8');
    if (text.trim() === '' || checkClientFrame(text).checked) kept.push(line);
    start = end;
  }
  return Buffer.concat(kept);
}

/** The collector's answers to client lines it could not check, which it writes between server lines. */
const REFUSAL = /\{"jsonrpc":"2\.0","id":(?:-?\d+|"(?:[^"\\]|\\.)*"),"error":\{"code":-32600,"message":"Palisade: a message that is not valid JSON-RPC[^"]*"\}\}\n/g;

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
    it(`relays thousands of malformed, oversized, partial and interleaved frames ${quarantine ? 'while a quarantine makes it frame and check every line' : 'byte for byte'}`, async () => {
      const run = await relay({ seed: quarantine ? 7 : 3, quarantine });
      expect(run.stdinError).toBeNull();
      expect(run.code).toBe(0);
      // While a tool is quarantined, client lines that are not valid JSON-RPC are kept from the server, and
      // those naming an id are answered by the collector; everything else goes through byte for byte.
      const shown = run.output.toString('latin1');
      const output = quarantine ? Buffer.from(shown.replace(REFUSAL, ''), 'latin1') : run.output;
      if (quarantine) expect(shown.match(REFUSAL)?.length).toBeGreaterThan(0);
      const expected = quarantine ? checkable(run.fromClient) : run.fromClient;
      if (quarantine) expect(expected.length).toBeLessThan(run.fromClient.length);
      expect(output.length).toBe(run.fromServer.length);
      expect(output.equals(run.fromServer)).toBe(true);
      expect(run.received.length).toBe(expected.length);
      expect(run.received.equals(expected)).toBe(true);
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
