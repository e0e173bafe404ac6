import { TelemetryEvent, type TelemetryEventInput } from '@palisade/schema';
import type { RuleExample } from './correlation-rule.js';

const SHORTCUTS = new Set(['repeat', 'every', 'at', 'server', 'tool', 'method', 'session', 'arguments', 'result', 'tools', 'instructions', 'outcome', 'findings', 'host', 'client', 'id']);

/**
 * Turns a rule example's short events into full telemetry events. Shortcuts: `at` (seconds after the
 * example's start), `server`, `tool`, `method` (default tools/call, or tools/list when `tools` is
 * given), `session`, `arguments`, `result`, `tools`, `instructions`, `outcome`, `findings`, `host`,
 * `client`, `id`, and `repeat` (the event N times, `every` seconds apart, default 1); any other key is
 * copied as a flat event attribute.
 */
export function exampleEvents(example: RuleExample, startMs = Date.UTC(2026, 0, 1), prefix = 'example'): TelemetryEvent[] {
  const expanded: Record<string, unknown>[] = [];
  let clock = 0;
  for (const short of example.events) {
    const repeat = typeof short['repeat'] === 'number' && short['repeat'] > 1 ? Math.min(short['repeat'], 1000) : 1;
    const every = typeof short['every'] === 'number' ? short['every'] : 1;
    const at = typeof short['at'] === 'number' ? short['at'] : clock;
    for (let i = 0; i < repeat; i += 1) expanded.push({ ...short, at: at + i * every });
    clock = at + (repeat - 1) * every + 1;
  }
  return expanded.map((short, index) => {
    const method = typeof short['method'] === 'string' ? short['method'] : short['tools'] !== undefined ? 'tools/list' : short['instructions'] !== undefined ? 'initialize' : 'tools/call';
    const tool = typeof short['tool'] === 'string' ? short['tool'] : undefined;
    const at = typeof short['at'] === 'number' ? short['at'] : index;
    let result = short['result'];
    if (short['tools'] !== undefined) result = { tools: short['tools'] };
    if (short['instructions'] !== undefined) result = { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 'example', version: '1' }, instructions: short['instructions'] };
    const input: TelemetryEventInput = {
      id: typeof short['id'] === 'string' ? short['id'] : `${prefix.slice(0, 16)}-${String(index).padStart(4, '0')}-${example.name.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 40)}`,
      ts: new Date(startMs + at * 1000).toISOString(),
      'palisade.schema_version': 1,
      'palisade.event.kind': 'request',
      'palisade.direction': 'client_to_server',
      'palisade.collector.id': 'example-collector',
      'palisade.server.name': typeof short['server'] === 'string' ? short['server'] : 'example-server',
      'mcp.method.name': method,
      'mcp.session.id': typeof short['session'] === 'string' ? short['session'] : 'example-session',
      'network.transport': 'pipe',
      'palisade.outcome': (typeof short['outcome'] === 'string' ? short['outcome'] : 'ok') as TelemetryEventInput['palisade.outcome'],
      'palisade.findings': (Array.isArray(short['findings']) ? short['findings'] : []) as TelemetryEventInput['palisade.findings'],
      ...(typeof short['host'] === 'string' ? { 'host.name': short['host'] } : {}),
      ...(typeof short['client'] === 'string' ? { 'palisade.client.name': short['client'] } : {}),
      ...(method === 'tools/call' ? { 'gen_ai.tool.name': tool, 'gen_ai.operation.name': 'execute_tool', 'palisade.request.params': { name: tool, arguments: short['arguments'] ?? {} } } : {}),
      ...(result !== undefined ? { 'palisade.response.result': result } : {}),
    };
    for (const [key, value] of Object.entries(short)) if (!SHORTCUTS.has(key)) (input as Record<string, unknown>)[key] = value;
    return TelemetryEvent.parse(input);
  });
}
