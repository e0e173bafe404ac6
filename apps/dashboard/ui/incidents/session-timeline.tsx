import type { TelemetryEvent } from '@palisade/schema';
import { formatBytes, formatInstant } from '@/lib/format';
import { SafeText } from '../common/rich-text';

const PREVIEW_CHARS = 4000;

function preview(value: unknown, max = PREVIEW_CHARS): string {
  if (value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return text.length > max ? `${text.slice(0, max)}\n… (${text.length - max} more characters)` : text;
}

function oneLine(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = JSON.stringify(value);
  return text.length > 220 ? `${text.slice(0, 220)}…` : text;
}

function what(event: TelemetryEvent): string {
  const params = event['palisade.request.params'] as { arguments?: unknown } | undefined;
  if (event['mcp.method.name'] === 'tools/call') return oneLine(params?.arguments ?? {});
  if (event['mcp.method.name'] === 'tools/list') {
    const tools = (event['palisade.response.result'] as { tools?: { name?: string }[] } | undefined)?.tools;
    return tools ? `${tools.length} tools: ${tools.map((t) => t.name).join(', ')}` : '';
  }
  if (event['mcp.method.name'] === 'initialize') {
    return [event['palisade.client.name'] && `client ${event['palisade.client.name']} ${event['palisade.client.version'] ?? ''}`, event['palisade.server.reported_name'] && `server ${event['palisade.server.reported_name']} ${event['palisade.server.reported_version'] ?? ''}`]
      .filter(Boolean)
      .join(' → ');
  }
  return oneLine(event['palisade.request.params']);
}

const OUTCOME_CLASS: Record<string, string> = { ok: 'ok', blocked: 'st-contained', error: 'danger', tool_error: 'warn', timeout: 'warn', disconnected: 'warn', sent: '' };

/** The session's MCP calls around the incident, oldest first; the calls behind its alerts are flagged. */
export function SessionTimeline({ events, flagged }: { events: TelemetryEvent[]; flagged: Set<string> }) {
  if (events.length === 0) return <div className="empty">No calls recorded for this session.</div>;
  const ordered = [...events].sort((a, b) => a.ts.localeCompare(b.ts));
  return (
    <ol className="timeline" data-testid="session-timeline">
      {ordered.map((event) => {
        const outcome = event['palisade.outcome'];
        const isFlagged = flagged.has(event.id);
        const size = event['palisade.capture.response']?.bytes;
        return (
          <li key={event.id} className={`${isFlagged ? 'flagged' : ''} ${outcome === 'blocked' ? 'blocked' : ''}`} data-event-id={event.id}>
            <span className="t" title={formatInstant(event.ts)}>
              {event.ts.slice(11, 23)}
            </span>
            <span className="rail" aria-hidden="true" />
            <details className="body">
              <summary className="line" title="Show the request and the response">
                <span className="method">
                  <SafeText inline text={`${event['mcp.method.name']}${event['gen_ai.tool.name'] ? ` · ${event['gen_ai.tool.name']}` : ''}`} />
                </span>
                <span className={`badge ${OUTCOME_CLASS[outcome] ?? ''}`}>{outcome === 'blocked' ? 'blocked (quarantine)' : outcome}</span>
                {isFlagged ? <span className="badge sev-critical">alert</span> : null}
                {event['palisade.findings'].length ? <span className="badge danger">{event['palisade.findings'].length} secret(s) redacted</span> : null}
                <span className="args">
                  <SafeText inline text={what(event)} />
                </span>
                {event['palisade.duration_ms'] !== undefined ? <span className="figure-inline">{event['palisade.duration_ms'].toFixed(1)} ms</span> : null}
                {size !== undefined ? <span className="figure-inline">{formatBytes(size)}</span> : null}
              </summary>
              {event['palisade.request.params'] !== undefined ? (
                <pre>
                  <SafeText text={preview(event['palisade.request.params'])} />
                </pre>
              ) : null}
              {event['palisade.response.error'] ? (
                <pre>
                  <SafeText text={preview(event['palisade.response.error'])} />
                </pre>
              ) : null}
              {event['palisade.response.result'] !== undefined ? (
                <pre>
                  <SafeText text={preview(event['palisade.response.result'])} />
                </pre>
              ) : null}
            </details>
          </li>
        );
      })}
    </ol>
  );
}
