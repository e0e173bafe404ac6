import type { Alert, Finding, TelemetryEvent } from '@palisade/schema';

/**
 * What correlation rules see: one telemetry event, or one alert raised on it (earlier alerts are
 * conditions too), optionally expanded per finding. Field names are the event's own flat attribute
 * names, nested paths into them (`palisade.request.params.arguments.to`), short aliases (`server`,
 * `tool`, `session`, `method`, `outcome`, `agent`), `alert.*`, `finding.*` and derived fields such as
 * `palisade.call.new_params`.
 */
export interface CorrelationRecord {
  type: 'event' | 'alert';
  event: TelemetryEvent;
  tsMs: number;
  server: string;
  tool: string | null;
  session: string;
  agent: string;
  alert?: Alert;
  /** Every finding of the event (the collector's and unmatched redaction placeholders). */
  findings?: Finding[];
  /** The finding this record stands for, when a rule expands records per finding. */
  finding?: Finding;
  /** Fields the engine computes (`palisade.call.new_params`, `palisade.tool.flagged`…). */
  derived: Record<string, unknown>;
  /** A remembered alert re-announced (a flagged tool listed again), not a new alert. */
  remembered?: boolean;
}

export type FieldAccessor = (record: CorrelationRecord) => unknown;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function walk(value: unknown, parts: readonly string[]): unknown {
  let node = value;
  for (const part of parts) {
    if (Array.isArray(node)) {
      const index = Number(part);
      node = Number.isInteger(index) ? node[index] : node.map((item) => (isRecord(item) ? item[part] : undefined)).filter((v) => v !== undefined);
    } else if (isRecord(node)) node = node[part];
    else return undefined;
  }
  return node;
}

function alertField(alert: Alert | undefined, parts: readonly string[]): unknown {
  if (!alert) return undefined;
  const [head, ...rest] = parts;
  if (head === 'details') return walk(alert.evidence.details, rest);
  if (head === 'evidence') return walk(alert.evidence, rest);
  return walk(alert, parts);
}

/** Compiles a field name into a function reading it from a record. */
export function fieldAccessor(field: string): FieldAccessor {
  switch (field) {
    case 'server':
      return (r) => r.server;
    case 'tool':
      return (r) => r.tool;
    case 'session':
      return (r) => r.session;
    case 'agent':
      return (r) => r.agent;
    case 'method':
      return (r) => r.event['mcp.method.name'];
    case 'outcome':
      return (r) => r.event['palisade.outcome'];
    case 'record.type':
      return (r) => r.type;
    default:
      break;
  }
  const parts = field.split('.');
  if (parts[0] === 'alert') {
    const rest = parts.slice(1);
    return (r) => alertField(r.alert, rest);
  }
  if (parts[0] === 'finding') {
    const rest = parts.slice(1);
    return (r) => walk(r.finding, rest);
  }
  // Longest flat attribute name that prefixes the field, then a path into its value.
  const prefixes = parts.slice(1).map((_, k) => ({ head: parts.slice(0, parts.length - 1 - k).join('.'), rest: parts.slice(parts.length - 1 - k) }));
  return (r) => {
    if (field in r.derived) return r.derived[field];
    const event = r.event as unknown as Record<string, unknown>;
    if (field in event) return event[field];
    for (const { head, rest } of prefixes) if (head in event) return walk(event[head], rest);
    return undefined;
  };
}
