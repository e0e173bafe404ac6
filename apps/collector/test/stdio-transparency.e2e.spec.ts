import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CreateMessageRequestSchema, LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { onBus, connect, removeTemporaries, SERVERS, stdioTransport, temporaryDir } from './support/collector.harness.js';

afterAll(removeTemporaries);

/** What a client observes of a server, for a side-by-side comparison. */
async function observe(client: Client, calls: { name: string; arguments?: Record<string, unknown> }[]) {
  const outcome = async (work: () => Promise<unknown>) => work().then((value) => ({ value }), (error: Error & { code?: number }) => ({ error: { message: error.message, code: error.code } }));
  return {
    server: client.getServerVersion(),
    capabilities: client.getServerCapabilities(),
    instructions: client.getInstructions(),
    tools: (await client.listTools()).tools,
    calls: await Promise.all(calls.map((call) => outcome(() => client.callTool(call)))),
  };
}

function withSampling(client: Client): Client {
  client.setRequestHandler(CreateMessageRequestSchema, () => ({ model: 'test-model', role: 'assistant', content: { type: 'text', text: 'sampled answer' } }));
  return client;
}

describe('stdio collector with the real MCP servers', () => {
  it('server-everything: the client sees what it sees directly (tools, results, errors, progress, sampling, notifications) and the events land on the bus', async () => {
    const home = temporaryDir('stdio-everything');
    const server = { command: process.execPath, args: [SERVERS.everything, 'stdio'] };
    const calls = [
      { name: 'echo', arguments: { message: 'hello through palisade' } },
      { name: 'get-sum', arguments: { a: 2, b: 40 } },
      { name: 'get-tiny-image', arguments: {} },
      { name: 'get-annotated-message', arguments: { messageType: 'error', includeImage: true } },
      { name: 'get-structured-content', arguments: { location: 'Chicago' } },
      { name: 'trigger-sampling-request', arguments: { prompt: 'say hi', maxTokens: 5 } },
      { name: 'get-sum', arguments: { a: 'not a number' } },
      { name: 'no-such-tool', arguments: {} },
    ];
    const direct = withSampling(await connect(stdioTransport(server)));
    const proxied = withSampling(await connect(stdioTransport(server, { name: 'everything', home })));
    try {
      const [seenDirect, seenProxied] = [await observe(direct, calls), await observe(proxied, calls)];
      expect(seenProxied).toEqual(seenDirect);
      expect(seenProxied.calls[6]).toMatchObject({ value: { isError: true } });

      const progress = async (client: Client) => {
        const steps: number[] = [];
        const logs: string[] = [];
        client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logs.push(String(n.params.level)));
        const result = await client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 0.3, steps: 3 } }, undefined, { onprogress: (p) => steps.push(p.progress) });
        return { result, steps };
      };
      // The server may send its last progress notification after the result (a race inside the server):
      // the results are the same and progress goes 1, 2, 3 as far as it goes, with or without the collector.
      const [progressDirect, progressProxied] = [await progress(direct), await progress(proxied)];
      expect(progressProxied.result).toEqual(progressDirect.result);
      for (const { steps } of [progressDirect, progressProxied]) expect([1, 2, 3].slice(0, Math.max(2, steps.length))).toEqual(steps);
      const [resourcesDirect, resourcesProxied] = [await direct.listResources(), await proxied.listResources()];
      expect(resourcesProxied).toEqual(resourcesDirect);
      const uri = resourcesDirect.resources[0]!.uri;
      expect(await proxied.readResource({ uri })).toEqual(await direct.readResource({ uri }));
      expect(await proxied.getPrompt({ name: 'args-prompt', arguments: { city: 'Paris' } })).toEqual(await direct.getPrompt({ name: 'args-prompt', arguments: { city: 'Paris' } }));
    } finally {
      await direct.close();
      await proxied.close();
    }

    await onBus(home, async (reader) => {
      await vi.waitFor(() => expect(reader.find((e) => e['gen_ai.tool.name'] === 'trigger-long-running-operation')).toHaveLength(1), { timeout: 10_000 });
      const init = reader.find((e) => e['mcp.method.name'] === 'initialize')[0]!;
      expect(init).toMatchObject({
        'palisade.server.name': 'everything',
        'palisade.client.name': 'palisade-e2e',
        'palisade.client.version': '1.0.0',
        'palisade.server.reported_name': 'mcp-servers/everything',
        'network.transport': 'pipe',
        'network.protocol.name': 'stdio',
        'palisade.outcome': 'ok',
      });
      expect((init['palisade.response.result'] as { instructions?: string }).instructions).toContain('Everything Server');
      const list = reader.find((e) => e['mcp.method.name'] === 'tools/list')[0]!;
      const listed = (list['palisade.response.result'] as { tools: { name: string; description?: string; inputSchema?: unknown }[] }).tools;
      expect(listed.map((t) => t.name)).toContain('echo');
      expect(listed.every((t) => t.inputSchema !== undefined && t.description !== undefined)).toBe(true);
      const echo = reader.find((e) => e['gen_ai.tool.name'] === 'echo')[0]!;
      expect(echo).toMatchObject({
        'palisade.event.kind': 'request',
        'palisade.direction': 'client_to_server',
        'gen_ai.operation.name': 'execute_tool',
        'palisade.outcome': 'ok',
        'palisade.client.name': 'palisade-e2e',
        'palisade.request.params': { name: 'echo', arguments: { message: 'hello through palisade' } },
        'palisade.response.result': { content: [{ type: 'text', text: 'Echo: hello through palisade' }] },
        'palisade.capture.request': { truncated: false },
      });
      expect(echo['palisade.duration_ms']).toBeGreaterThan(0);
      expect(echo['mcp.session.id']).toBe(init['mcp.session.id']);
      expect(reader.find((e) => e['mcp.method.name'] === 'sampling/createMessage')[0]).toMatchObject({ 'palisade.direction': 'server_to_client', 'palisade.outcome': 'ok' });
      expect(reader.find((e) => e['mcp.method.name'] === 'notifications/progress').length).toBeGreaterThanOrEqual(3);
      expect(reader.find((e) => e['gen_ai.tool.name'] === 'no-such-tool')[0]?.['palisade.outcome']).toMatch(/error|tool_error/);
      expect(reader.find((e) => e['mcp.method.name'] === 'resources/read')[0]?.['mcp.resource.uri']).toBeDefined();
      expect(reader.find((e) => e['mcp.method.name'] === 'prompts/get')[0]?.['gen_ai.prompt.name']).toBe('args-prompt');
      expect(new Set(reader.events.map((e) => e.id)).size).toBe(reader.events.length);
      expect(reader.invalid).toEqual([]);
    });
  });

  it('server-filesystem: results and refusals are identical through the collector, and recorded', async () => {
    const home = temporaryDir('stdio-fs');
    const root = temporaryDir('fs-root');
    writeFileSync(path.join(root, 'notes.txt'), 'palisade notes\n');
    const server = { command: process.execPath, args: [SERVERS.filesystem, root] };
    const calls = [
      { name: 'list_allowed_directories', arguments: {} },
      { name: 'read_text_file', arguments: { path: path.join(root, 'notes.txt') } },
      { name: 'list_directory', arguments: { path: root } },
      { name: 'read_text_file', arguments: { path: '/etc/passwd' } },
    ];
    const direct = await connect(stdioTransport(server));
    const proxied = await connect(stdioTransport(server, { name: 'filesystem', home }));
    try {
      expect(await observe(proxied, calls)).toEqual(await observe(direct, calls));
    } finally {
      await direct.close();
      await proxied.close();
    }
    await onBus(home, async (reader) => {
      await vi.waitFor(() => expect(reader.find((e) => e['gen_ai.tool.name'] === 'read_text_file')).toHaveLength(2), { timeout: 10_000 });
      const refused = reader.find((e) => e['gen_ai.tool.name'] === 'read_text_file' && JSON.stringify(e['palisade.request.params']).includes('/etc/passwd'))[0]!;
      expect(refused['palisade.outcome']).toBe('tool_error');
      expect(refused['palisade.server.reported_name']).toBe('secure-filesystem-server');
    });
  });

  it('server-memory: writes and reads behave the same through the collector', async () => {
    const home = temporaryDir('stdio-memory');
    const data = temporaryDir('memory-data');
    const run = async (client: Client) => {
      await client.callTool({ name: 'create_entities', arguments: { entities: [{ name: 'Palisade', entityType: 'project', observations: ['watches MCP traffic'] }] } });
      return client.callTool({ name: 'read_graph', arguments: {} });
    };
    const direct = await connect(stdioTransport({ command: process.execPath, args: [SERVERS.memory], env: { MEMORY_FILE_PATH: path.join(data, 'direct.jsonl') } }));
    const proxied = await connect(stdioTransport({ command: process.execPath, args: [SERVERS.memory], env: { MEMORY_FILE_PATH: path.join(data, 'proxied.jsonl') } }, { name: 'memory', home }));
    try {
      expect(await run(proxied)).toEqual(await run(direct));
      expect((await proxied.listTools()).tools).toEqual((await direct.listTools()).tools);
    } finally {
      await direct.close();
      await proxied.close();
    }
    await onBus(home, async (reader) => {
      await vi.waitFor(() => expect(reader.find((e) => e['gen_ai.tool.name'] === 'read_graph')).toHaveLength(1), { timeout: 10_000 });
      expect(reader.find((e) => e['gen_ai.tool.name'] === 'create_entities')[0]?.['palisade.request.params']).toMatchObject({ arguments: { entities: [{ name: 'Palisade' }] } });
    });
  });
});
