import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { onBus, COLLECTOR_BIN, connect, removeTemporaries, SERVERS, temporaryDir } from './support/collector.harness.js';

const processes: ChildProcess[] = [];
afterAll(() => {
  for (const child of processes) child.kill('SIGKILL');
  removeTemporaries();
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** server-everything over HTTP (`streamableHttp` or `sse`), on a free port. */
async function everything(mode: 'streamableHttp' | 'sse'): Promise<string> {
  const port = await freePort();
  const child = spawn(process.execPath, [SERVERS.everything, mode], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  processes.push(child);
  await new Promise<void>((resolve) => child.stderr?.on('data', (d: Buffer) => /listening|running/i.test(d.toString()) && resolve()));
  return `http://127.0.0.1:${port}`;
}

/** The collector in http mode in front of `upstream`; resolves with the URL it listens on. */
async function collector(home: string, upstream: string, extra: string[] = []): Promise<{ url: string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [COLLECTOR_BIN, 'http', '--server', 'everything-http', '--home', home, '--upstream', upstream, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  processes.push(child);
  const url = await new Promise<string>((resolve) => child.stderr?.on('data', (d: Buffer) => {
    const match = /listening on (\S+)/.exec(d.toString());
    if (match?.[1]) resolve(match[1]);
  }));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { url, stop: () => (child.kill('SIGTERM'), exited) };
}

async function session(client: Client) {
  const outcome = async (work: () => Promise<unknown>) => work().then((value) => ({ value }), (error: Error) => ({ error: error.message }));
  const steps: number[] = [];
  return {
    server: client.getServerVersion(),
    tools: (await client.listTools()).tools,
    echo: await outcome(() => client.callTool({ name: 'echo', arguments: { message: 'over http' } })),
    sum: await outcome(() => client.callTool({ name: 'get-sum', arguments: { a: 1, b: 2 } })),
    missing: await outcome(() => client.callTool({ name: 'no-such-tool', arguments: {} })),
    long: await outcome(() => client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 0.2, steps: 2 } }, undefined, { onprogress: (p) => steps.push(p.progress) })),
    steps,
    resources: (await client.listResources()).resources,
  };
}

describe('http collector with real MCP servers', () => {
  it('Streamable HTTP: the client sees what it sees directly, and events carry the Mcp-Session-Id', async () => {
    const home = temporaryDir('http-streamable');
    const upstream = await everything('streamableHttp');
    const proxy = await collector(home, `${upstream}/mcp`);
    const direct = await connect(new StreamableHTTPClientTransport(new URL(`${upstream}/mcp`)));
    const proxiedTransport = new StreamableHTTPClientTransport(new URL(`${proxy.url}/mcp`));
    const proxied = await connect(proxiedTransport);
    try {
      expect(await session(proxied)).toEqual(await session(direct));
      const sessionId = proxiedTransport.sessionId;
      expect(sessionId).toBeTruthy();
      await proxiedTransport.terminateSession();
      await onBus(home, async (reader) => {
        await vi.waitFor(() => expect(reader.find((e) => e['gen_ai.tool.name'] === 'trigger-long-running-operation')).toHaveLength(1), { timeout: 10_000 });
        expect(reader.events.every((e) => e['mcp.session.id'] === sessionId)).toBe(true);
        expect(reader.invalid).toEqual([]);
        expect(reader.find((e) => e['gen_ai.tool.name'] === 'echo')[0]).toMatchObject({
          'network.transport': 'tcp',
          'network.protocol.name': 'http',
          'server.address': '127.0.0.1',
          'palisade.client.name': 'palisade-e2e',
          'palisade.server.reported_name': 'mcp-servers/everything',
          'palisade.outcome': 'ok',
          'palisade.response.result': { content: [{ type: 'text', text: 'Echo: over http' }] },
        });
        expect(reader.find((e) => e['mcp.method.name'] === 'notifications/progress').length).toBeGreaterThanOrEqual(2);
        expect(reader.find((e) => e['mcp.method.name'] === 'tools/list')[0]?.['palisade.response.result']).toHaveProperty('tools');
      });
    } finally {
      await direct.close();
      await proxied.close();
      expect(await proxy.stop()).toBe(0);
    }
  });

  it('legacy SSE transport: GET /sse and POST /message?sessionId= go through, recorded under that session', async () => {
    const home = temporaryDir('http-sse');
    const upstream = await everything('sse');
    const proxy = await collector(home, `${upstream}/sse`);
    const direct = await connect(new SSEClientTransport(new URL(`${upstream}/sse`)));
    const proxied = await connect(new SSEClientTransport(new URL(`${proxy.url}/sse`)));
    try {
      expect(await session(proxied)).toEqual(await session(direct));
    } finally {
      await direct.close();
      await proxied.close();
    }
    await onBus(home, async (reader) => {
      await vi.waitFor(() => expect(reader.find((e) => e['gen_ai.tool.name'] === 'get-sum')).toHaveLength(1), { timeout: 10_000 });
      const sessions = new Set(reader.events.map((e) => e['mcp.session.id']));
      expect(sessions.size).toBe(1);
      expect(reader.invalid).toEqual([]);
      expect(reader.find((e) => e['mcp.method.name'] === 'initialize')[0]?.['palisade.server.reported_name']).toBe('mcp-servers/everything');
    });
    await proxy.stop();
  });

  it('passes Authorization on to a stateless server and never records it', async () => {
    const home = temporaryDir('http-auth');
    const seen: (string | undefined)[] = [];
    const upstream = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      const server = new McpServer({ name: 'auth-probe', version: '1.0.0' });
      server.registerTool('whoami', { inputSchema: { who: z.string() } }, ({ who }) => ({ content: [{ type: 'text', text: `hello ${who}` }] }));
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on('close', () => void transport.close());
      void server.connect(transport).then(() => transport.handleRequest(req, res));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const port = (upstream.address() as AddressInfo).port;
    const proxy = await collector(home, `http://127.0.0.1:${port}/mcp`, ['--log-file', path.join(home, 'collector.log'), '--verbose']);
    const token = 'Bearer palisade-secret-token-4242';
    const client = await connect(new StreamableHTTPClientTransport(new URL(`${proxy.url}/mcp`), { requestInit: { headers: { authorization: token } } }));
    try {
      expect(await client.callTool({ name: 'whoami', arguments: { who: 'agent' } })).toEqual({ content: [{ type: 'text', text: 'hello agent' }] });
    } finally {
      await client.close();
    }
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((value) => value === token)).toBe(true);
    await onBus(home, async (reader) => {
      await vi.waitFor(() => expect(reader.find((e) => e['gen_ai.tool.name'] === 'whoami')).toHaveLength(1), { timeout: 10_000 });
    });
    await proxy.stop();
    upstream.close();
    for (const file of readdirSync(home, { recursive: true }) as string[]) {
      const full = path.join(home, file);
      if (file.endsWith('.key')) continue;
      try {
        expect(readFileSync(full).includes('palisade-secret-token-4242')).toBe(false);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EISDIR') throw error;
      }
    }
  });
});

describe('http collector on a loopback address', () => {
  it('refuses a request naming another host (DNS rebinding), so a web page cannot reach the server through it', async () => {
    // A page of attacker.example, once its name resolves to 127.0.0.1, is same-origin with the collector; the
    // collector sends the upstream's own Host, which would defeat the server's own Host check.
    const home = temporaryDir('http-rebinding');
    const hosts: (string | undefined)[] = [];
    const upstream = http.createServer((req, res) => {
      hosts.push(req.headers.host);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"jsonrpc":"2.0","id":1,"result":{}}');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const port = (upstream.address() as AddressInfo).port;
    const proxy = await collector(home, `http://127.0.0.1:${port}/mcp`);
    const { port: proxyPort } = new URL(proxy.url);
    const send = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(`${proxy.url}/mcp`, { method: 'POST', headers: { host, 'content-type': 'application/json', accept: 'application/json, text/event-stream' } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end('{"jsonrpc":"2.0","id":1,"method":"ping"}');
      });
    try {
      expect(await send(`attacker.example:${proxyPort}`)).toBe(403);
      expect(await send('attacker.example')).toBe(403);
      expect(hosts).toEqual([]);
      for (const host of [`127.0.0.1:${proxyPort}`, `localhost:${proxyPort}`, `[::1]:${proxyPort}`, 'localhost']) expect(await send(host), host).toBe(200);
      expect(hosts).toHaveLength(4);
    } finally {
      await proxy.stop();
      upstream.close();
    }
  });
});

describe('http collector with credentials in its upstream URL', () => {
  it('writes the upstream on stderr and in its log without the user, password or query that may carry a key', async () => {
    // Hosted MCP servers often take their API key in the URL (`?api_key=`), some a user and password.
    const home = temporaryDir('http-upstream-secret');
    const logFile = path.join(home, 'collector.log');
    const upstream = 'http://probe:pw-in-url-4242@127.0.0.1:9/mcp?api_key=key-in-url-4242';
    const child = spawn(process.execPath, [COLLECTOR_BIN, 'http', '--server', 'hosted', '--home', home, '--upstream', upstream, '--log-file', logFile, '--verbose'], { stdio: ['ignore', 'pipe', 'pipe'] });
    processes.push(child);
    let stderr = '';
    await new Promise<void>((resolve) => child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      // --verbose: the log's lines come on stderr too; stop once the listening line is in the log.
      if (/listening on/.test(stderr) && /http proxy listening/.test(stderr)) resolve();
    }));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    expect(stderr).toContain('→ http://127.0.0.1:9/mcp?…');
    const logged = readFileSync(logFile, 'utf8');
    expect(logged).toContain('http proxy listening');
    for (const text of [stderr, logged]) {
      expect(text).not.toContain('pw-in-url-4242');
      expect(text).not.toContain('key-in-url-4242');
    }
  });
});

/** One POST from a plain HTTP client, its body written in `parts` (the first on its own, so it streams). */
async function post(url: string, parts: string[]): Promise<{ status: number; contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    const [first, ...rest] = parts;
    req.write(first ?? '');
    // The rest follows a moment later: the collector learns the server is unreachable while the body still comes.
    setTimeout(() => req.end(rest.join('')), 50);
  });
}

describe('http collector in front of an unreachable server', () => {
  it('answers each request with a JSON-RPC error carrying its id, and a notification with no JSON-RPC message', async () => {
    const home = temporaryDir('http-unreachable');
    const closed = await freePort();
    const proxy = await collector(home, `http://127.0.0.1:${closed}/mcp`, ['--capture-limit', '4kb', '--parse-limit', '4kb']);
    const url = `${proxy.url}/mcp`;
    const unreachable = { code: -32000, message: expect.stringMatching(/unreachable \(ECONNREFUSED\)/) as unknown };
    try {
      // A tools/list waits for the quarantine state, so its body is read whole; every later POST streams through.
      const listed = await post(url, ['{"jsonrpc":"2.0","id":"list-1",', '"method":"tools/list"}']);
      expect(listed.status).toBe(502);
      expect(JSON.parse(listed.body)).toEqual({ jsonrpc: '2.0', id: 'list-1', error: unreachable });

      const call = await post(url, ['{"jsonrpc":"2.0","id":7,"method":"tools/call",', '"params":{"name":"echo","arguments":{"message":"hi"}}}']);
      expect(call.status).toBe(502);
      expect(JSON.parse(call.body)).toEqual({ jsonrpc: '2.0', id: 7, error: unreachable });

      const batch = await post(url, ['[{"jsonrpc":"2.0","id":1,"method":"ping"},', '{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":1,"progress":1}},{"jsonrpc":"2.0","id":"b","method":"tools/list"}]']);
      expect(batch.status).toBe(502);
      expect(JSON.parse(batch.body)).toEqual([
        { jsonrpc: '2.0', id: 1, error: unreachable },
        { jsonrpc: '2.0', id: 'b', error: unreachable },
      ]);

      const notification = await post(url, ['{"jsonrpc":"2.0",', '"method":"notifications/initialized"}']);
      expect(notification).toEqual({ status: 502, contentType: 'text/plain; charset=utf-8', body: 'Palisade collector: the MCP server is unreachable (ECONNREFUSED)' });

      // Beyond the parse limit the body is never parsed whole: the id is the one at its start.
      const large = await post(url, ['{"jsonrpc":"2.0","id":"big-1","method":"tools/call",', `"params":{"name":"echo","arguments":{"message":"${'x'.repeat(20_000)}"}}}`]);
      expect(large.status).toBe(502);
      expect(JSON.parse(large.body)).toEqual({ jsonrpc: '2.0', id: 'big-1', error: unreachable });
    } finally {
      expect(await proxy.stop()).toBe(0);
    }
  });
});
