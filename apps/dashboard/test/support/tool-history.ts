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
