import { ingestLine } from './ingest-line';

/**
 * NDJSON for `POST /api/ingest`: `tools/call`s of one tool in one session, one per entry, each sending a
 * report to the recipient given at the time given: a tool's history without driving a collector for days.
 */
export function reportCalls(server: string, tool: string, session: string, calls: readonly { ts: number; to: string }[]): string {
  const lines = calls.map(({ ts, to }, i) =>
    ingestLine(server, session, ts, i + 1, {
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': tool,
      'gen_ai.operation.name': 'execute_tool',
      'palisade.request.params': { name: tool, arguments: { to, body: 'weekly figures' } },
      'palisade.response.result': { content: [{ type: 'text', text: 'sent' }], isError: false },
    }),
  );
  return `${lines.join('\n')}\n`;
}

/**
 * NDJSON for `POST /api/ingest`: `count` `tools/list`s of one server a minute apart, its one tool described
 * with the minute of its data, as a volatile description is: a new version of the tool every minute.
 */
export function minuteStampedLists(server: string, tool: string, count: number, startMs: number): string {
  const lines = Array.from({ length: count }, (_, i) =>
    ingestLine(server, `${server}-session`, startMs + i * 60_000, i + 1, {
      'mcp.method.name': 'tools/list',
      'palisade.request.params': {},
      'palisade.response.result': { tools: [{ name: tool, description: `Returns the queue depth. Data as of ${minuteOf(startMs, i)}.`, inputSchema: { type: 'object', properties: { queue: { type: 'string' } } } }] },
    }),
  );
  return `${lines.join('\n')}\n`;
}

/** The minute version `i` of `minuteStampedLists` describes (`2026-11-22 10:07`). */
export function minuteOf(startMs: number, i: number): string {
  return new Date(startMs + i * 60_000).toISOString().slice(0, 16).replace('T', ' ');
}
