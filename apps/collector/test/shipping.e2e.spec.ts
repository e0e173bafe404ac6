import { generateKeyPairSync } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { TelemetryEvent } from '@palisade/schema';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { DiskSpool } from '../src/pipeline/disk.spool.js';
import { startLocalServer } from './support/local-http.server.js';
import { collectorStderr, connect, onBus, removeTemporaries, SERVERS, stdioTransport, temporaryDir } from './support/collector.harness.js';

afterAll(removeTemporaries);

const everything = { command: process.execPath, args: [SERVERS.everything, 'stdio'], env: { PALISADE_INGEST_TOKEN: 'collector-token' } };

/** A fake detector API whose ingest endpoint can be taken down and brought back. */
async function fakeDetector() {
  const state = { up: false };
  const received: TelemetryEvent[] = [];
  const api = await startLocalServer((req, res) => {
    if (req.url.startsWith('/api/tools')) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[],"total":0}');
    if (!state.up) return void res.writeHead(503).end('detector unavailable');
    for (const line of req.body.trim().split('\n')) received.push(JSON.parse(line) as TelemetryEvent);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  return { api, state, received };
}

/** Bytes of spool segments on disk (read without opening the spools). */
function spoolBytes(home: string): number {
  const root = path.join(home, 'spool');
  if (!existsSync(root)) return 0;
  let total = 0;
  for (const dir of readdirSync(root)) for (const file of readdirSync(path.join(root, dir))) if (file.startsWith('segment-')) total += statSync(path.join(root, dir, file)).size;
  return total;
}

/** Every event a dead collector's spools hold (read from a copy, so the spools themselves stay as they are). */
async function spooledEvents(home: string): Promise<TelemetryEvent[]> {
  const copy = temporaryDir('spool-copy');
  cpSync(path.join(home, 'spool'), copy, { recursive: true });
  const events: TelemetryEvent[] = [];
  for (const dir of readdirSync(copy)) {
    const spool = await DiskSpool.open(path.join(copy, dir), { maxBytes: Number.MAX_SAFE_INTEGER });
    for (let record = await spool.peek(); record; record = await spool.peek()) {
      events.push(...record.events.map((e) => JSON.parse(e.json) as TelemetryEvent));
      await spool.commit(record.next);
    }
    await spool.close();
  }
  return events;
}

const echoes = (events: TelemetryEvent[]) => new Map(events.filter((e) => e['gen_ai.tool.name'] === 'echo').map((e) => [e.id, (e['palisade.request.params'] as { arguments: { message: string } }).arguments.message]));

describe('shipping with --bus http and a token the detector does not know', () => {
  it('says so once on stderr without --verbose, never printing the token, and keeps the calls unaffected', async () => {
    const home = temporaryDir('ship-refused');
    const api = await startLocalServer((_req, res) => void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"code":"unauthorized","message":"invalid token"}}'));
    const transport = stdioTransport(everything, { name: 'everything', home, flags: ['--bus', 'http', '--api-url', api.url, '--flush-ms', '20', '--quarantine-poll', '100ms'] });
    const client = await connect(transport);
    try {
      for (let i = 0; i < 5; i += 1) expect(await client.callTool({ name: 'echo', arguments: { message: `call ${i}` } })).toEqual({ content: [{ type: 'text', text: `Echo: call ${i}` }] });
      await vi.waitFor(() => expect(collectorStderr(transport)).toContain('PALISADE_INGEST_TOKEN'), { timeout: 10_000 });
      await new Promise((resolve) => setTimeout(resolve, 500));
      const said = collectorStderr(transport).split('\n').filter((line) => line.startsWith('palisade-collector:'));
      expect(said).toEqual([`palisade-collector: the detector at ${api.url} does not know PALISADE_INGEST_TOKEN (HTTP 401): events wait in the spool and no quarantine reaches this collector until it accepts a collector token (palisade-detector token create --name NAME --role collector)`]);
      expect(collectorStderr(transport)).not.toContain('collector-token');
    } finally {
      await client.close();
      await api.close();
    }
  });
});

describe('shipping with --bus http and a detector it cannot reach', () => {
  it('says so once on stderr without --verbose, and once more when it answers and the spool is delivered', async () => {
    const home = temporaryDir('ship-unreachable');
    // A port where nothing listens (connection refused), where the detector comes up later.
    const gone = await startLocalServer(() => undefined);
    await gone.close();
    const apiUrl = gone.url;
    const transport = stdioTransport(everything, { name: 'everything', home, flags: ['--bus', 'http', '--api-url', apiUrl, '--flush-ms', '20', '--quarantine-poll', '100ms'] });
    const said = () => collectorStderr(transport).split('\n').filter((line) => line.startsWith('palisade-collector:'));
    const client = await connect(transport);
    const received: TelemetryEvent[] = [];
    let api: Awaited<ReturnType<typeof startLocalServer>> | undefined;
    try {
      for (let i = 0; i < 5; i += 1) expect(await client.callTool({ name: 'echo', arguments: { message: `call ${i}` } })).toEqual({ content: [{ type: 'text', text: `Echo: call ${i}` }] });
      await vi.waitFor(() => expect(said()).toHaveLength(1), { timeout: 10_000 });
      // The first failed poll can say it before the calls' events reach the spool (the telemetry worker lags
      // behind the relay on a loaded machine): the detector comes up once all five are there.
      await vi.waitFor(async () => expect(echoes(await spooledEvents(home)).size).toBe(5), { timeout: 20_000, interval: 200 });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(said()).toEqual([expect.stringMatching(new RegExp(`^palisade-collector: cannot reach the detector at ${apiUrl} \\(.*ECONNREFUSED.*\\): events are kept in the spool \\(${home}/spool/[^)]+\\) and sent once it answers; no quarantine state reaches this collector until then`))]);

      api = await startLocalServer((req, res) => {
        if (req.url.startsWith('/api/tools')) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[],"total":0}');
        for (const line of req.body.trim().split('\n')) received.push(JSON.parse(line) as TelemetryEvent);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      }, Number(new URL(apiUrl).port));
      await vi.waitFor(() => expect(said()).toHaveLength(2), { timeout: 20_000, interval: 100 });
      const delivered = Number(/^palisade-collector: the detector at (\S+) answers again: delivered (\d+) spooled events$/.exec(said()[1]!)?.[2]);
      expect(echoes(received).size).toBe(5);
      expect(delivered).toBeGreaterThanOrEqual(5);
      expect(delivered).toBeLessThanOrEqual(received.length);
      expect(collectorStderr(transport)).not.toContain('collector-token');
    } finally {
      await client.close();
      await api?.close();
    }
  });
});

describe('shipping with --bus http and a detector answering 503', () => {
  it('says so once on stderr without --verbose once it goes on, with the reason, leaving the MCP traffic on stdout unaffected, and the recovery once the spool is delivered', async () => {
    const home = temporaryDir('ship-erroring');
    const state = { up: false };
    const received: TelemetryEvent[] = [];
    const api = await startLocalServer((req, res) => {
      if (!state.up) return void res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":"unavailable","message":"store unavailable"}}');
      if (req.url.startsWith('/api/tools')) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[],"total":0}');
      for (const line of req.body.trim().split('\n')) received.push(JSON.parse(line) as TelemetryEvent);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    const transport = stdioTransport(everything, { name: 'everything', home, flags: ['--bus', 'http', '--api-url', api.url, '--flush-ms', '20', '--quarantine-poll', '100ms'] });
    const said = () => collectorStderr(transport).split('\n').filter((line) => line.startsWith('palisade-collector:'));
    const client = await connect(transport);
    // Anything but JSON-RPC on stdout would reach the client as an error.
    const clientErrors: Error[] = [];
    client.onerror = (error) => clientErrors.push(error);
    try {
      for (let i = 0; i < 5; i += 1) expect(await client.callTool({ name: 'echo', arguments: { message: `call ${i}` } })).toEqual({ content: [{ type: 'text', text: `Echo: call ${i}` }] });
      // 10 s of 503 answers go by before it is said.
      await vi.waitFor(() => expect(said()).toHaveLength(1), { timeout: 25_000, interval: 100 });
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (let i = 5; i < 8; i += 1) expect(await client.callTool({ name: 'echo', arguments: { message: `call ${i}` } })).toEqual({ content: [{ type: 'text', text: `Echo: call ${i}` }] });
      expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('echo');
      expect(said()).toEqual([
        expect.stringMatching(
          new RegExp(
            `^palisade-collector: the detector at ${api.url} answers HTTP 503 \\((POST /api/ingest|GET /api/tools) for \\d+ s: store unavailable\\): events are kept in the spool \\(${home}/spool/[^)]+\\) and sent once it accepts them; no quarantine state reaches this collector until it answers \\(check the detector's log\\)$`,
          ),
        ),
      ]);
      expect(spoolBytes(home)).toBeGreaterThan(0);
      expect(received).toEqual([]);

      state.up = true;
      await vi.waitFor(() => expect(said()).toHaveLength(2), { timeout: 20_000, interval: 100 });
      expect(said()[1]).toMatch(new RegExp(`^palisade-collector: the detector at ${api.url} answers again: delivered \\d+ spooled events$`));
      await vi.waitFor(() => expect(echoes(received).size).toBe(8), { timeout: 10_000, interval: 100 });
      expect(clientErrors).toEqual([]);
      expect(collectorStderr(transport)).not.toContain('collector-token');
    } finally {
      await client.close();
      await api.close();
    }
  }, 60_000);
});

describe('shipping when the bus is down', () => {
  it('keeps calls unaffected, spools the events, and delivers every one once the bus is back', async () => {
    const home = temporaryDir('ship-down');
    const { api, state, received } = await fakeDetector();
    const client = await connect(stdioTransport(everything, { name: 'everything', home, flags: ['--bus', 'http', '--api-url', api.url, '--flush-ms', '50'] }));
    try {
      for (let i = 0; i < 30; i += 1) expect(await client.callTool({ name: 'echo', arguments: { message: `call ${i}` } })).toEqual({ content: [{ type: 'text', text: `Echo: call ${i}` }] });
      await vi.waitFor(() => expect(spoolBytes(home)).toBeGreaterThan(0), { timeout: 10_000 });
      expect(received).toHaveLength(0);
      state.up = true;
      await vi.waitFor(() => expect(echoes(received).size).toBe(30), { timeout: 20_000, interval: 100 });
      expect([...echoes(received).values()].sort()).toEqual(Array.from({ length: 30 }, (_, i) => `call ${i}`).sort());
    } finally {
      await client.close();
      await api.close();
    }
    const ids = received.map((e) => e.id);
    expect(new Set(ids).size).toBeGreaterThanOrEqual(32);
  });

  it('loses no event acknowledged to the spool when the collector is killed with SIGKILL; a restarted collector ships them', async () => {
    const home = temporaryDir('ship-kill');
    const log = path.join(home, 'collector.log');
    const { api } = await fakeDetector();
    const transport = stdioTransport(everything, { name: 'everything', home, flags: ['--bus', 'http', '--api-url', api.url, '--flush-ms', '20', '--log-file', log, '--stats-interval', '1s'] });
    const client = await connect(transport);
    for (let i = 0; i < 20; i += 1) await client.callTool({ name: 'echo', arguments: { message: `before kill ${i}` } });
    // `spooled` counts events whose spool append was fsynced: what the collector has acknowledged.
    const spooledCounter = () => {
      const lines = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
      const health = lines.map((line) => JSON.parse(line) as { counters?: { spooled: number } }).filter((entry) => entry.counters);
      return health.at(-1)?.counters?.spooled ?? 0;
    };
    await vi.waitFor(() => expect(spooledCounter()).toBeGreaterThanOrEqual(22), { timeout: 20_000, interval: 100 });
    const acknowledgedCount = spooledCounter();
    process.kill(transport.pid!, 'SIGKILL');
    await client.close().catch(() => undefined);
    await api.close();

    const acknowledged = await spooledEvents(home);
    expect(acknowledged.length).toBeGreaterThanOrEqual(acknowledgedCount);
    expect(echoes(acknowledged).size).toBe(20);

    // A new collector on the same PALISADE_HOME (embedded sqlite bus) claims the dead one's spool and ships it.
    const next = await connect(stdioTransport(everything, { name: 'everything', home }));
    await next.listTools();
    try {
      await onBus(home, async (reader) => {
        await vi.waitFor(
          () => {
            const shipped = new Set(reader.events.map((e) => e.id));
            expect(acknowledged.filter((e) => !shipped.has(e.id))).toEqual([]);
          },
          { timeout: 20_000, interval: 100 },
        );
      });
    } finally {
      await next.close();
    }
  });

  it('never lets a raw AWS key or private key reach the spool, the bus, the ingest API or the logs: only fingerprints', async () => {
    const home = temporaryDir('ship-secrets');
    const awsKey = 'AKIAQ4LMPQZ7T3XWRB5N';
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const pemBody = pem.split('\n')[1]!;
    const { api, state, received } = await fakeDetector();
    const log = path.join(home, 'collector.log');
    const message = `deploy with ${awsKey} and\n${pem}`;
    // First with the bus down: the events wait in the spool.
    const first = await connect(stdioTransport(everything, { name: 'everything', home, flags: ['--bus', 'http', '--api-url', api.url, '--verbose', '--log-file', log] }));
    expect(await first.callTool({ name: 'echo', arguments: { message } })).toEqual({ content: [{ type: 'text', text: `Echo: ${message}` }] });
    await vi.waitFor(() => expect(spoolBytes(home)).toBeGreaterThan(0), { timeout: 10_000 });
    await first.close();
    const spooled = await spooledEvents(home);
    const call = spooled.find((e) => e['gen_ai.tool.name'] === 'echo')!;
    expect(call['palisade.findings'].map((f) => `${f.type}:${f.where}`)).toEqual(expect.arrayContaining(['aws_access_key:request', 'private_key:request', 'aws_access_key:response', 'private_key:response']));
    expect(JSON.stringify(call['palisade.request.params'])).toMatch(/\[REDACTED:aws_access_key:[0-9a-f]+\]/);
    // Then through the embedded sqlite bus (the spool is replayed there) and the ingest API.
    const second = await connect(stdioTransport(everything, { name: 'everything', home, flags: ['--log-file', log] }));
    await second.callTool({ name: 'echo', arguments: { message } });
    await second.close();
    state.up = true;
    const third = await connect(stdioTransport(everything, { name: 'everything', home, flags: ['--bus', 'http', '--api-url', api.url] }));
    await third.callTool({ name: 'echo', arguments: { message } });
    await third.close();
    await api.close();
    await onBus(home, async (reader) => {
      await vi.waitFor(() => expect(reader.find((e) => e['gen_ai.tool.name'] === 'echo')).toHaveLength(2), { timeout: 10_000 });
      expect(reader.find((e) => e['gen_ai.tool.name'] === 'echo').every((e) => e['palisade.findings'].some((f) => f.type === 'private_key'))).toBe(true);
    });
    expect(received.find((e) => e['gen_ai.tool.name'] === 'echo')?.['palisade.findings'].length).toBeGreaterThan(0);
    expect(JSON.stringify(received)).not.toContain(awsKey);
    expect(JSON.stringify(received)).not.toContain(pemBody);
    // Every file the collectors wrote under PALISADE_HOME: bus (with its WAL), spools, dead letters, logs.
    const files = (readdirSync(home, { recursive: true }) as string[]).map((f) => path.join(home, f)).filter((f) => statSync(f).isFile());
    expect(files.some((f) => f.endsWith('bus.db'))).toBe(true);
    expect(files.some((f) => f.endsWith('collector.log'))).toBe(true);
    for (const file of files) {
      const bytes = readFileSync(file);
      expect(bytes.includes(awsKey), file).toBe(false);
      expect(bytes.includes(pemBody), file).toBe(false);
    }
  });
});
