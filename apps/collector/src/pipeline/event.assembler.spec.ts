import { describe, expect, it } from 'vitest';
import type { AssembledEvent } from './assembled-event.js';
import { EventAssembler, type Direction } from './event.assembler.js';
import { classifyRpcMessage } from './jsonrpc.message.js';
import type { SessionContext } from './session.context.js';

function harness(requestTimeoutMs = 1000) {
  const events: AssembledEvent[] = [];
  let unmatched = 0;
  const session: SessionContext = { sessionId: 'S1', transport: 'pipe', protocolName: 'stdio', serverAddress: 'node' };
  const assembler = new EventAssembler({
    identity: { collectorId: 'C1', collectorVersion: '0.1.0', hostName: 'host', serverName: 'fs' },
    session,
    requestTimeoutMs,
    emit: (event) => events.push(event),
    onUnmatched: () => (unmatched += 1),
  });
  const send = (direction: Direction, message: object, at: number) => assembler.observe(direction, classifyRpcMessage(message), at);
  return { events, assembler, send, unmatched: () => unmatched, session };
}

const initialize = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'claude', version: '1.2' } } };
const initialized = { jsonrpc: '2.0', id: 0, result: { protocolVersion: '2025-06-18', serverInfo: { name: 'secure-fs', version: '3.0' }, capabilities: {}, instructions: 'Use me well' } };

describe(EventAssembler.name, () => {
  it('joins a request and its response by id into one event with duration, and stamps the session on later events', () => {
    const { events, send } = harness();
    send('client_to_server', initialize, 1000);
    send('server_to_client', initialized, 1004.5);
    send('client_to_server', { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'read_file', arguments: { path: '/etc/hosts' } } }, 2000);
    send('server_to_client', { jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'x' }], isError: true } }, 2010);
    expect(events).toHaveLength(2);
    expect(events[0]?.fields).toMatchObject({ 'mcp.method.name': 'initialize', 'palisade.outcome': 'ok', 'palisade.duration_ms': 4.5, 'palisade.client.name': 'claude', 'palisade.server.reported_name': 'secure-fs', 'mcp.protocol.version': '2025-06-18' });
    expect(events[0]?.response).toEqual({ kind: 'value', value: initialized.result });
    expect(events[1]?.fields).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'read_file',
      'gen_ai.operation.name': 'execute_tool',
      'jsonrpc.request.id': 1,
      'palisade.outcome': 'tool_error',
      'error.type': 'tool_error',
      'palisade.client.name': 'claude',
      'palisade.client.version': '1.2',
      'palisade.server.reported_version': '3.0',
      'palisade.server.name': 'fs',
      'mcp.session.id': 'S1',
      'palisade.direction': 'client_to_server',
    });
    expect(events[0]?.fields.id).not.toBe(events[1]?.fields.id);
  });

  it('keeps the two directions apart: a server request (sampling) is answered by the client', () => {
    const { events, send } = harness();
    send('client_to_server', { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'sample' } }, 10);
    send('server_to_client', { jsonrpc: '2.0', id: 5, method: 'sampling/createMessage', params: { messages: [] } }, 11);
    send('client_to_server', { jsonrpc: '2.0', id: 5, result: { role: 'assistant', content: { type: 'text', text: 'hi' } } }, 12);
    send('server_to_client', { jsonrpc: '2.0', id: 5, result: { content: [] } }, 13);
    expect(events.map((e) => [e.fields['mcp.method.name'], e.fields['palisade.direction']])).toEqual([
      ['sampling/createMessage', 'server_to_client'],
      ['tools/call', 'client_to_server'],
    ]);
  });

  it('records notifications, errors, and responses that match nothing', () => {
    const { events, send, unmatched } = harness();
    send('server_to_client', { jsonrpc: '2.0', method: 'notifications/tools/list_changed' }, 1);
    send('client_to_server', { jsonrpc: '2.0', id: 'a', method: 'resources/read', params: { uri: 'file:///x' } }, 2);
    send('server_to_client', { jsonrpc: '2.0', id: 'a', error: { code: -32002, message: 'Resource not found' } }, 3);
    send('server_to_client', { jsonrpc: '2.0', id: 'zzz', result: {} }, 4);
    expect(events[0]?.fields).toMatchObject({ 'palisade.event.kind': 'notification', 'palisade.outcome': 'sent', 'palisade.direction': 'server_to_client' });
    expect(events[1]?.fields).toMatchObject({ 'mcp.resource.uri': 'file:///x', 'palisade.outcome': 'error', 'rpc.response.status_code': '-32002', 'error.type': '-32002' });
    expect(events[1]?.error).toEqual({ code: -32002, message: 'Resource not found' });
    expect(unmatched()).toBe(1);
  });

  it('times out unanswered requests at their deadline, pushed back by progress, and ends the rest as disconnected', () => {
    const { events, send, assembler } = harness(1000);
    send('client_to_server', { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'slow', _meta: { progressToken: 'p1' } } }, 0);
    send('client_to_server', { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'stuck' } }, 0);
    send('server_to_client', { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'p1', progress: 1 } }, 900);
    assembler.sweep(1500);
    expect(events.filter((e) => e.fields['palisade.outcome'] === 'timeout').map((e) => e.fields['gen_ai.tool.name'])).toEqual(['stuck']);
    assembler.end(1600);
    expect(events.at(-1)?.fields).toMatchObject({ 'gen_ai.tool.name': 'slow', 'palisade.outcome': 'disconnected', 'palisade.duration_ms': 1600 });
    expect(assembler.pendingCount).toBe(0);
  });

  it('closes a cancelled request at once', () => {
    const { events, send } = harness();
    send('client_to_server', { jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'x' } }, 0);
    send('client_to_server', { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 9, reason: 'user' } }, 5);
    expect(events.map((e) => [e.fields['mcp.method.name'], e.fields['palisade.outcome'], e.fields['error.type']])).toEqual([
      ['tools/call', 'error', 'cancelled'],
      ['notifications/cancelled', 'sent', undefined],
    ]);
  });

  it('records a block with its reason and the collector’s own error', () => {
    const { events, assembler } = harness();
    const request = classifyRpcMessage({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'evil' } });
    if (request.kind !== 'request') throw new Error('not a request');
    assembler.recordBlocked(request, 'tool quarantined: poisoning', { code: -32003, message: 'Tool "evil" is quarantined' }, 7);
    expect(events[0]?.fields).toMatchObject({ 'palisade.outcome': 'blocked', 'error.type': 'quarantined', 'palisade.block.reason': 'tool quarantined: poisoning', 'gen_ai.tool.name': 'evil' });
  });

  it('pairs an unparsed oversize response by the id at its tail', () => {
    const { events, send, assembler } = harness();
    send('client_to_server', { jsonrpc: '2.0', id: 12, method: 'resources/read', params: { uri: 'file:///big' } }, 0);
    expect(assembler.observeOversize('server_to_client', { head: '{"result":{"contents":[{"text":"aaaa', tail: 'aaaa"}]},"jsonrpc":"2.0","id":12}', bytes: 9_000_000, sha256: 'f'.repeat(64) }, 5)).toBe(true);
    expect(events[0]?.response).toMatchObject({ kind: 'oversize', frame: { bytes: 9_000_000 } });
  });
});
