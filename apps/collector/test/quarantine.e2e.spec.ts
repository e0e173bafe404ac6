import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startLocalServer } from './support/local-http.server.js';
import { BusReader, onBus, COLLECTOR_BIN, connect, removeTemporaries, SERVERS, stdioTransport, temporaryDir } from './support/collector.harness.js';

const processes: ChildProcess[] = [];
afterAll(() => {
  for (const child of processes) child.kill('SIGKILL');
  removeTemporaries();
});

const names = async (client: Awaited<ReturnType<typeof connect>>) => (await client.listTools()).tools.map((t) => t.name);

/** server-everything over Streamable HTTP on a free port; resolves with the port once it listens. */
async function everythingOverHttp(): Promise<number> {
  const port = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as AddressInfo;
      probe.close(() => resolve(free));
    });
  });
  const upstream = spawn(process.execPath, [SERVERS.everything, 'streamableHttp'], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  processes.push(upstream);
  await new Promise<void>((resolve) => upstream.stderr?.on('data', (d: Buffer) => /listening/i.test(d.toString()) && resolve()));
  return port;
}

/** The http collector for server NAME in front of `upstream`; resolves with the URL it listens on. */
async function httpCollector(name: string, home: string, upstream: string, flags: string[] = []): Promise<string> {
  const proxy = spawn(process.execPath, [COLLECTOR_BIN, 'http', '--server', name, '--home', home, ...flags, '--upstream', upstream], { stdio: ['ignore', 'ignore', 'pipe'] });
  processes.push(proxy);
  return new Promise<string>((resolve) => proxy.stderr?.on('data', (d: Buffer) => {
    const match = /listening on (\S+)/.exec(d.toString());
    if (match?.[1]) resolve(match[1]);
  }));
}

describe('quarantine enforcement', () => {
  it('stdio: hides a quarantined tool, answers calls to it itself, records the block, and lifts it on release', async () => {
    const home = temporaryDir('quarantine-stdio');
    const control = new BusReader(home);
    await control.decide('tool.quarantined', 'everything', 'echo', 'hidden instructions in the description');
    const client = await connect(stdioTransport({ command: process.execPath, args: [SERVERS.everything, 'stdio'] }, { name: 'everything', home }));
    try {
      expect(await names(client)).not.toContain('echo');
      expect(await names(client)).toContain('get-sum');
      await expect(client.callTool({ name: 'echo', arguments: { message: 'x' } })).rejects.toThrow(/quarantined/);
      expect(await client.callTool({ name: 'get-sum', arguments: { a: 1, b: 1 } })).toMatchObject({ content: [{ text: expect.stringContaining('2') }] });

      await control.decide('tool.released', 'everything', 'echo', 'approved by analyst');
      await vi.waitFor(async () => expect(await names(client)).toContain('echo'), { timeout: 10_000, interval: 100 });
      expect(await client.callTool({ name: 'echo', arguments: { message: 'back' } })).toEqual({ content: [{ type: 'text', text: 'Echo: back' }] });

      // A decision taken while the session runs reaches it too.
      await control.decide('tool.quarantined', 'everything', 'get-sum', 'exfiltration');
      await vi.waitFor(() => expect(client.callTool({ name: 'get-sum', arguments: { a: 1, b: 2 } })).rejects.toThrow(/quarantined/), { timeout: 10_000, interval: 100 });
    } finally {
      await client.close();
      await control.close();
    }
    await onBus(home, async (reader) => {
      await vi.waitFor(() => expect(reader.find((e) => e['palisade.outcome'] === 'blocked').length).toBeGreaterThanOrEqual(2), { timeout: 10_000 });
      const blocked = reader.find((e) => e['palisade.outcome'] === 'blocked' && e['gen_ai.tool.name'] === 'echo')[0]!;
      expect(blocked).toMatchObject({ 'error.type': 'quarantined', 'palisade.request.params': { name: 'echo', arguments: { message: 'x' } } });
      expect(blocked['palisade.block.reason']).toContain('hidden instructions in the description');
      expect(blocked['palisade.response.error']?.message).toContain('quarantined');
      // The server never saw the blocked call: no echo event other than the block and the call after release.
      expect(reader.find((e) => e['gen_ai.tool.name'] === 'echo').map((e) => e['palisade.outcome'])).toEqual(['blocked', 'ok']);
    });
  });

  it('http: the same over Streamable HTTP', async () => {
    const home = temporaryDir('quarantine-http');
    const control = new BusReader(home);
    await control.decide('tool.quarantined', 'everything-http', 'echo');
    const port = await everythingOverHttp();
    const url = await httpCollector('everything-http', home, `http://127.0.0.1:${port}/mcp`);
    const client = await connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
    try {
      expect(await names(client)).not.toContain('echo');
      await expect(client.callTool({ name: 'echo', arguments: { message: 'x' } })).rejects.toThrow(/quarantined/);
      expect(await client.callTool({ name: 'get-sum', arguments: { a: 2, b: 2 } })).toMatchObject({ content: [{ text: expect.stringContaining('4') }] });
      await control.decide('tool.released', 'everything-http', 'echo');
      await vi.waitFor(async () => expect(await names(client)).toContain('echo'), { timeout: 10_000, interval: 100 });
    } finally {
      await client.close();
      await control.close();
    }
  });

  it('http: refuses a body too large to inspect while a tool is quarantined, instead of passing the call on unchecked', async () => {
    // A model told to pass a whole file as an argument makes exactly such a call to the quarantined tool.
    const home = temporaryDir('quarantine-http-large');
    const control = new BusReader(home);
    await control.decide('tool.quarantined', 'everything-large', 'echo', 'exfiltration through a large argument');
    const port = await everythingOverHttp();
    const url = await httpCollector('everything-large', home, `http://127.0.0.1:${port}/mcp`, ['--parse-limit', '64kb']);
    const client = await connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
    try {
      expect(await names(client)).not.toContain('echo');
      const large = 'x'.repeat(100 * 1024);
      await expect(client.callTool({ name: 'echo', arguments: { message: large } })).rejects.toThrow(/parse-limit/);
      // Small calls to other tools go on as before.
      expect(await client.callTool({ name: 'get-sum', arguments: { a: 2, b: 3 } })).toMatchObject({ content: [{ text: expect.stringContaining('5') }] });
    } finally {
      await client.close();
      await control.close();
    }
  });

  it('http: removes a quarantined tool from a tools/list answer whose server escaped its letters', async () => {
    // `"\u0074ools"` is the key "tools": a server that wrote it so kept its quarantined tool listed.
    const home = temporaryDir('quarantine-http-escaped');
    const control = new BusReader(home);
    await control.decide('tool.quarantined', 'escaping', 'evil', 'poisoned description');
    const upstream = await startLocalServer((request, res) => {
      const { id } = JSON.parse(request.body) as { id: number };
      res.writeHead(200, { 'content-type': 'application/json' }).end(`{"jsonrpc":"2.0","id":${id},"result":{"\\u0074ools":[{"name":"good","inputSchema":{}},{"name":"evil","description":"x","inputSchema":{}}]}}`);
    });
    const url = await httpCollector('escaping', home, `${upstream.url}/mcp`);
    try {
      const response = await fetch(`${url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{"jsonrpc":"2.0","id":3,"method":"tools/list"}' });
      const answer = (await response.json()) as { result: Record<string, { name: string }[]> };
      expect(Object.values(answer.result).flat().map((tool) => tool.name)).toEqual(['good']);
    } finally {
      await upstream.close();
      await control.close();
    }
  });

  it('http: refuses a compressed body while a tool is quarantined (it cannot be read, and servers inflate it)', async () => {
    // express.json(), in front of many MCP servers, inflates a gzip body: the call inside would reach the quarantined tool.
    const home = temporaryDir('quarantine-http-gzip');
    const control = new BusReader(home);
    await control.decide('tool.quarantined', 'compressed', 'evil', 'poisoned description');
    const upstream = await startLocalServer((_request, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","id":1,"result":{}}'));
    const url = await httpCollector('compressed', home, `${upstream.url}/mcp`);
    try {
      const call = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"evil","arguments":{}}}';
      const response = await fetch(`${url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', accept: 'application/json, text/event-stream' }, body: gzipSync(call) });
      expect(response.status).toBe(415);
      expect(await response.text()).toContain('content-encoding');
      expect(upstream.seen).toEqual([]);
    } finally {
      await upstream.close();
      await control.close();
    }
  });

  it('http: blocks a quarantined call behind a byte-order mark, and refuses bodies it cannot read as JSON-RPC, instead of forwarding them', async () => {
    // A server with a lenient parser (a decoder that drops the BOM, JSON5, a batch with an odd element) would run these calls.
    const home = temporaryDir('quarantine-http-unparsed');
    const control = new BusReader(home);
    await control.decide('tool.quarantined', 'lenient', 'evil', 'poisoned description');
    const upstream = await startLocalServer((_request, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","id":1,"result":{}}'));
    const url = await httpCollector('lenient', home, `${upstream.url}/mcp`);
    const post = (body: string) => fetch(`${url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body });
    const call = (id: number, name: string) => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } });
    try {
      const bom = await post(`\uFEFF${call(1, 'evil')}`);
      expect(await bom.json()).toMatchObject({ id: 1, error: { code: -32003 } });
      for (const body of [`[42,${call(2, 'evil')}]`, "{jsonrpc:'2.0',id:3,method:'tools/call',params:{name:'evil',arguments:{}},}", `${call(4, 'evil')}\n${call(5, 'evil')}`]) {
        const refused = await post(body);
        expect(refused.status).toBe(400);
        expect(await refused.json()).toMatchObject({ id: null, error: { code: -32600, message: expect.stringContaining('not valid JSON-RPC') } });
      }
      expect(upstream.seen).toEqual([]);
      // Calls the collector can read go on as before.
      expect((await post(call(6, 'good'))).status).toBe(200);
      expect(upstream.seen.map((request) => request.body)).toEqual([call(6, 'good')]);
    } finally {
      await upstream.close();
      await control.close();
    }
    await onBus(home, async (reader) => {
      // Every message is recorded, the refused ones too.
      await vi.waitFor(() => expect(reader.find((e) => e['palisade.outcome'] === 'blocked').length).toBeGreaterThanOrEqual(1), { timeout: 10_000 });
    });
  });

  it('--bus http: learns quarantines by polling GET /api/tools with the collector token', async () => {
    const home = temporaryDir('quarantine-api');
    let quarantined = true;
    const api = await startLocalServer((req, res) => {
      if (req.url.startsWith('/api/tools')) {
        const items = [{ server: 'everything', tool: 'echo', quarantine: quarantined ? { reason: 'poisoning', incidentId: 'INC-3', since: '', by: 'analyst' } : null }];
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items, total: 1 }));
        return;
      }
      res.writeHead(202).end('{}');
    });
    const client = await connect(
      stdioTransport(
        { command: process.execPath, args: [SERVERS.everything, 'stdio'], env: { PALISADE_INGEST_TOKEN: 'collector-token' } },
        { name: 'everything', home, flags: ['--bus', 'http', '--api-url', api.url, '--quarantine-poll', '200ms'] },
      ),
    );
    try {
      // The first poll can answer after the collector's bounded wait for the quarantine state when the machine
      // is loaded (its worker runs at a lower priority): the refusal is checked once the polled state is known.
      await vi.waitFor(async () => expect(await names(client)).not.toContain('echo'), { timeout: 10_000, interval: 100 });
      await expect(client.callTool({ name: 'echo', arguments: { message: 'x' } })).rejects.toThrow(/quarantined/);
      quarantined = false;
      await vi.waitFor(async () => expect(await names(client)).toContain('echo'), { timeout: 10_000, interval: 100 });
    } finally {
      await client.close();
      await api.close();
    }
    const polls = api.seen.filter((r) => r.url.startsWith('/api/tools'));
    expect(polls[0]?.headers.authorization).toBe('Bearer collector-token');
    const ingested = api.seen.filter((r) => r.url === '/api/ingest').flatMap((r) => r.body.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>));
    expect(ingested.some((e) => e['palisade.outcome'] === 'blocked' && e['gen_ai.tool.name'] === 'echo')).toBe(true);
  });
});
