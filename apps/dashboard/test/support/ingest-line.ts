import { TelemetryEvent, type TelemetryEventInput, newId } from '@palisade/schema';

/**
 * One NDJSON line for `POST /api/ingest`: an MCP exchange of `server` in `session` at `ts`, as a collector in
 * front of a Cursor client would record it, with the method's own fields added (validated before it is sent).
 */
export function ingestLine(server: string, session: string, ts: number, requestId: number, fields: Partial<TelemetryEventInput> & Pick<TelemetryEventInput, 'mcp.method.name'>): string {
  const event: TelemetryEventInput = {
    id: newId(ts),
    ts: new Date(ts).toISOString(),
    'palisade.schema_version': 1,
    'palisade.event.kind': 'request',
    'palisade.direction': 'client_to_server',
    'palisade.collector.id': 'dashboard-test',
    'palisade.server.name': server,
    'palisade.client.name': 'cursor',
    'palisade.client.version': '1.7.0',
    'mcp.session.id': session,
    'jsonrpc.request.id': requestId,
    'network.transport': 'pipe',
    'palisade.outcome': 'ok',
    'palisade.duration_ms': 3,
    ...fields,
  };
  return JSON.stringify(TelemetryEvent.parse(event));
}
