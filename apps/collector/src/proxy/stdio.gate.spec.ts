import { describe, expect, it } from 'vitest';
import type { BlockedCall } from '../pipeline/stdio-session.tap.js';
import { QuarantinePolicy } from '../quarantine/quarantine.policy.js';
import { QuarantineRegistry } from '../quarantine/quarantine.registry.js';
import type { RelayTap, TapDirection } from './relay.tap.js';
import { StdioGate } from './stdio.gate.js';

function harness(options: { quarantined?: string[]; ready?: boolean } = {}) {
  const registry = new QuarantineRegistry('fs');
  if (options.quarantined) registry.replaceAll(options.quarantined.map((tool) => ({ tool, reason: 'poisoned description', incidentId: 'INC-1' })));
  if (options.ready !== false) registry.markReady();
  const toServer: Buffer[] = [];
  const toClient: Buffer[] = [];
  const copies: Record<TapDirection, Buffer[]> = { client_to_server: [], server_to_client: [] };
  const blocked: BlockedCall[] = [];
  const tap: RelayTap = { copy: (direction, chunk) => copies[direction].push(chunk), blocked: (call) => blocked.push(call) };
  const logs: string[] = [];
  const gate = new StdioGate({ toServer: (b) => toServer.push(b), toClient: (b) => toClient.push(b), tap, policy: new QuarantinePolicy(registry), log: (_level, message) => logs.push(message) });
  const text = (list: Buffer[]) => Buffer.concat(list).toString('utf8');
  return { gate, registry, toServer, toClient, copies, blocked, text, logs };
}

const line = (value: object) => `${JSON.stringify(value)}\n`;
const call = (id: number, name: string) => line({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } });

describe(StdioGate.name, () => {
  it('forwards every chunk as is, without framing, while nothing is quarantined (and hands the same chunk to the tap)', () => {
    const { gate, toServer, toClient, copies } = harness();
    const a = Buffer.from('{"jsonrpc":"2.0","id":1,"me');
    const b = Buffer.from('thod":"tools/call"}\n{garbage');
    gate.fromClient(a);
    gate.fromClient(b);
    const out = Buffer.from('not json at all\n\u0000\u0001');
    gate.fromServer(out);
    expect(toServer).toEqual([a, b]);
    expect(toServer[0]).toBe(a);
    expect(toClient).toEqual([out]);
    expect(copies.client_to_server).toEqual([a, b]);
  });

  it('answers a call to a quarantined tool itself, never forwarding it, and records the block', () => {
    const { gate, toServer, toClient, blocked, text } = harness({ quarantined: ['evil'] });
    gate.fromClient(Buffer.from(call(1, 'good') + call(2, 'evil').slice(0, 20)));
    gate.fromClient(Buffer.from(call(2, 'evil').slice(20)));
    expect(text(toServer)).toBe(call(1, 'good'));
    const answer = JSON.parse(text(toClient)) as { id: number; error: { code: number; message: string } };
    expect(answer.id).toBe(2);
    expect(answer.error.message).toContain('quarantined');
    expect(blocked[0]).toMatchObject({ request: { id: 2, method: 'tools/call' }, reason: expect.stringContaining('poisoned description') });
  });

  it('writes its own answer only between two whole server lines', () => {
    const { gate, toClient, text } = harness({ quarantined: ['evil'] });
    gate.fromServer(Buffer.from('{"jsonrpc":"2.0","method":"notifications/progress","par'));
    gate.fromClient(Buffer.from(call(3, 'evil')));
    gate.fromServer(Buffer.from('ams":{}}\n'));
    const lines = text(toClient).split('\n');
    expect(lines[0]).toBe('{"jsonrpc":"2.0","method":"notifications/progress","params":{}}');
    expect(JSON.parse(lines[1] as string)).toMatchObject({ id: 3, error: { code: -32003 } });
    expect(toClient.length).toBeGreaterThan(1);
  });

  it('removes quarantined tools from the tools/list answer and leaves every other line byte for byte', () => {
    const { gate, toClient, copies, text } = harness({ quarantined: ['evil'] });
    gate.fromClient(Buffer.from(line({ jsonrpc: '2.0', id: 4, method: 'tools/list' })));
    const other = '{"jsonrpc":"2.0",  "method":"notifications/message","params":{"data":"tools"}}\n';
    const list = line({ jsonrpc: '2.0', id: 4, result: { tools: [{ name: 'good', inputSchema: {} }, { name: 'evil', description: 'x' }] } });
    gate.fromServer(Buffer.from(other + list));
    const [first, second] = text(toClient).split('\n');
    expect(`${first}\n`).toBe(other);
    expect((JSON.parse(second as string) as { result: { tools: { name: string }[] } }).result.tools.map((t) => t.name)).toEqual(['good']);
    expect(Buffer.concat(copies.server_to_client).toString()).toBe(other + list);
  });

  it('still removes a quarantined tool when the server nests its tools/list answer 100,000 levels deep', () => {
    // A server that nested its answer deep enough to make the rewrite throw would crash the collector or keep the tool listed.
    const { gate, toClient, text } = harness({ quarantined: ['evil'] });
    gate.fromClient(Buffer.from(line({ jsonrpc: '2.0', id: 5, method: 'tools/list' })));
    const levels = 100_000;
    const deep = `${'['.repeat(levels)}${']'.repeat(levels)}`;
    const list = `{"jsonrpc":"2.0","id":5,"result":{"tools":[{"name":"good","inputSchema":{"default":${deep}}},{"name":"evil","description":"x"}]}}\n`;
    expect(() => gate.fromServer(Buffer.from(list))).not.toThrow();
    const shown = text(toClient);
    expect(shown).toBe(`{"jsonrpc":"2.0","id":5,"result":{"tools":[{"name":"good","inputSchema":{"default":${deep}}}]}}\n`);
  });

  it('enforces on messages whatever escapes their JSON uses (a slash or a letter written as an escape)', () => {
    // PHP's json_encode writes `\/` by default, and a server may escape any letter of its tools/list answer.
    const { gate, toServer, toClient, blocked, text } = harness({ quarantined: ['evil'] });
    gate.fromClient(Buffer.from('{"jsonrpc":"2.0","id":8,"method":"tools\\/call","params":{"name":"\\u0065vil","arguments":{}}}\n'));
    expect(text(toServer)).toBe('');
    expect(blocked).toHaveLength(1);
    expect(JSON.parse(text(toClient))).toMatchObject({ id: 8, error: { code: -32003 } });
    toClient.length = 0;
    gate.fromClient(Buffer.from('{"jsonrpc":"2.0","id":9,"method":"tools\\u002flist"}\n'));
    gate.fromServer(Buffer.from('{"jsonrpc":"2.0","id":9,"result":{"\\u0074ools":[{"name":"good","inputSchema":{}},{"name":"evil","description":"x"}]}}\n'));
    expect((JSON.parse(text(toClient)) as { result: { tools: { name: string }[] } }).result.tools.map((t) => t.name)).toEqual(['good']);
  });

  it('holds tools/call until the quarantine state is known, then decides', async () => {
    const { gate, registry, toServer, toClient, text } = harness({ ready: false });
    gate.fromClient(Buffer.from(line({ jsonrpc: '2.0', id: 0, method: 'initialize', params: {} }) + call(1, 'evil') + call(2, 'good')));
    expect(text(toServer)).toBe(line({ jsonrpc: '2.0', id: 0, method: 'initialize', params: {} }));
    registry.replaceAll([{ tool: 'evil', reason: 'r', incidentId: null }]);
    registry.markReady();
    await Promise.resolve();
    await Promise.resolve();
    expect(text(toServer)).toBe(line({ jsonrpc: '2.0', id: 0, method: 'initialize', params: {} }) + call(2, 'good'));
    expect(text(toClient)).toContain('quarantined');
  });

  it('holds tools/list until the quarantine state is known, so the first listing of a session already hides a quarantined tool', async () => {
    const { gate, registry, toServer, toClient, text } = harness({ ready: false });
    const list = line({ jsonrpc: '2.0', id: 5, method: 'tools/list' });
    gate.fromClient(Buffer.from(list));
    expect(text(toServer)).toBe('');
    registry.replaceAll([{ tool: 'evil', reason: 'r', incidentId: null }]);
    registry.markReady();
    await Promise.resolve();
    await Promise.resolve();
    expect(text(toServer)).toBe(list);
    gate.fromServer(Buffer.from(line({ jsonrpc: '2.0', id: 5, result: { tools: [{ name: 'good' }, { name: 'evil' }] } })));
    expect((JSON.parse(text(toClient)) as { result: { tools: { name: string }[] } }).result.tools.map((t) => t.name)).toEqual(['good']);
  });

  it('blocks a call to a quarantined tool behind a UTF-8 byte-order mark (servers whose decoder drops it would run it)', () => {
    const { gate, toServer, toClient, blocked, text } = harness({ quarantined: ['evil'] });
    gate.fromClient(Buffer.from(`\uFEFF${call(6, 'evil')}`));
    expect(text(toServer)).toBe('');
    expect(blocked).toHaveLength(1);
    expect(JSON.parse(text(toClient))).toMatchObject({ id: 6, error: { code: -32003 } });
  });

  it('refuses a batch holding an invalid message next to a quarantined call, forwarding none of it', () => {
    // The invalid element once shifted the batch's decisions by one, and the quarantined call went through.
    const { gate, toServer, toClient, text } = harness({ quarantined: ['evil'] });
    gate.fromClient(Buffer.from(`[42,${call(7, 'evil').trim()},${call(8, 'good').trim()}]\n`));
    expect(text(toServer)).toBe('');
    expect(JSON.parse(text(toClient))).toMatchObject({ id: 7, error: { code: -32600 } });
  });

  it('answers a line that does not parse while a tool is quarantined, never forwarding it, and records it', () => {
    // JSON5-ish input: a lenient server would run this call.
    const { gate, toServer, toClient, copies, text } = harness({ quarantined: ['evil'] });
    const json5 = "{jsonrpc:'2.0',\"id\":9,method:'tools/call',params:{name:'evil',arguments:{},},}\n";
    gate.fromClient(Buffer.from(json5));
    expect(text(toServer)).toBe('');
    expect(JSON.parse(text(toClient))).toMatchObject({ id: 9, error: { code: -32600, message: expect.stringContaining('not valid JSON-RPC') } });
    expect(text(copies.client_to_server)).toBe(json5);
  });

  it('drops a line that does not parse and names no id while a tool is quarantined, logging it once', () => {
    const { gate, toServer, toClient, logs, text } = harness({ quarantined: ['evil'] });
    gate.fromClient(Buffer.from("{method:'tools/call',id:1,params:{name:'evil'}}\n{garbage\n"));
    gate.fromClient(Buffer.from(call(2, 'good')));
    expect(text(toServer)).toBe(call(2, 'good'));
    expect(text(toClient)).toBe('');
    expect(logs.filter((message) => message.includes('cannot check'))).toHaveLength(1);
  });

  it('forwards a line that does not parse once the quarantine state is known to be empty', async () => {
    const { gate, registry, toServer, text } = harness({ ready: false });
    gate.fromClient(Buffer.from('{garbage\n'));
    expect(text(toServer)).toBe('');
    registry.markReady();
    await Promise.resolve();
    await Promise.resolve();
    expect(text(toServer)).toBe('{garbage\n');
  });

  it('checks a last line without a newline when the client closes stdin while a tool is quarantined', async () => {
    // A server that reads to the end of its input would run such a call.
    const { gate, toServer, toClient, text } = harness({ quarantined: ['evil'] });
    gate.fromClient(Buffer.from(call(1, 'good') + call(2, 'evil').trim()));
    await gate.clientEnded();
    expect(text(toServer)).toBe(call(1, 'good'));
    expect(JSON.parse(text(toClient))).toMatchObject({ id: 2, error: { code: -32003 } });
  });
});
