import type { Finding, TelemetryEvent } from '@palisade/schema';
import { findRedactionPlaceholders } from '../secrets/redaction-placeholder.js';

/** One string inside captured arguments or results, with where it sits. */
export interface TextLeaf {
  /** Readable location: `arguments.to`, `result.content[0].text`. */
  field: string;
  /** JSON pointer inside the captured part (`/arguments/to`), as findings use. */
  pointer: string;
  /** The last object key on the way (`to`), or the nearest one for array items. */
  key: string;
  value: string;
}

const MAX_LEAVES = 400;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The string leaves of a JSON value, bounded in count and total size. */
export function textLeaves(value: unknown, root: string, maxChars = 65_536, pointerRoot = ''): TextLeaf[] {
  const leaves: TextLeaf[] = [];
  let budget = maxChars;
  const visit = (node: unknown, field: string, pointer: string, key: string, depth: number): void => {
    if (leaves.length >= MAX_LEAVES || budget <= 0 || depth > 32) return;
    if (typeof node === 'string') {
      const text = node.length > budget ? node.slice(0, budget) : node;
      budget -= text.length;
      leaves.push({ field, pointer, key, value: text });
    } else if (typeof node === 'number' && Number.isInteger(node) && Math.abs(node) >= 1e12) {
      leaves.push({ field, pointer, key, value: String(node) });
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, `${field}[${i}]`, `${pointer}/${i}`, key, depth + 1));
    } else if (isRecord(node)) {
      for (const k in node) {
        const segment = k.includes('~') || k.includes('/') ? k.replace(/~/g, '~0').replace(/\//g, '~1') : k;
        visit(node[k], field ? `${field}.${k}` : k, `${pointer}/${segment}`, k, depth + 1);
      }
    }
  };
  visit(value, root, pointerRoot, root, 0);
  return leaves;
}

/**
 * What the detectors need from an event, extracted once: server, session, tool, arguments, result, and
 * lazily their string leaves and the findings (the collector's plus `[REDACTED:type:fp]` placeholders
 * that lack one, e.g. from producers other than the collector).
 */
export class EventView {
  readonly tsMs: number;
  readonly server: string;
  readonly session: string;
  readonly method: string;
  /** The tool called (tools/call), or null. */
  readonly tool: string | null;
  /** Host + client: one agent across the collectors of its servers (sessions differ per server). */
  readonly agent: string;
  readonly outcome: TelemetryEvent['palisade.outcome'];
  readonly arguments: unknown;
  readonly result: unknown;
  private argLeaves?: TextLeaf[];
  private resultLeaves?: TextLeaf[];
  private allFindings?: Finding[];

  constructor(
    readonly event: TelemetryEvent,
    private readonly maxScanChars = 65_536,
  ) {
    const params = isRecord(event['palisade.request.params']) ? event['palisade.request.params'] : undefined;
    this.method = event['mcp.method.name'];
    const toolFromParams = this.method === 'tools/call' && typeof params?.['name'] === 'string' ? params['name'] : undefined;
    this.tool = event['gen_ai.tool.name'] ?? toolFromParams ?? null;
    this.arguments = this.method === 'tools/call' ? params?.['arguments'] : params;
    this.result = event['palisade.response.result'];
    this.tsMs = Date.parse(event.ts);
    this.server = event['palisade.server.name'];
    this.session = event['mcp.session.id'];
    this.outcome = event['palisade.outcome'];
    const host = event['host.name'];
    const client = event['palisade.client.name'];
    this.agent = host || client ? `${host ?? ''}|${client ?? ''}` : `session:${this.session}`;
  }

  /** String leaves of the arguments (`arguments.to`…), bounded. */
  get argumentLeaves(): TextLeaf[] {
    this.argLeaves ??= textLeaves(this.arguments, 'arguments', this.maxScanChars, this.method === 'tools/call' ? '/arguments' : '');
    return this.argLeaves;
  }

  /** String leaves of the result (`result.content[0].text`…), bounded. */
  get resultTextLeaves(): TextLeaf[] {
    this.resultLeaves ??= textLeaves(this.result, 'result', this.maxScanChars);
    return this.resultLeaves;
  }

  get findings(): Finding[] {
    if (this.allFindings) return this.allFindings;
    const reported = this.event['palisade.findings'] ?? [];
    const redacted = (leaves: TextLeaf[]): boolean => leaves.some((leaf) => leaf.value.includes('[REDACTED:'));
    if (!redacted(this.argumentLeaves) && !redacted(this.resultTextLeaves)) {
      this.allFindings = reported;
      return reported;
    }
    const findings = [...reported];
    const known = new Set(findings.map((f) => `${f.where}:${f.fingerprint}`));
    const scan = (leaves: TextLeaf[], where: Finding['where']): void => {
      for (const leaf of leaves) {
        if (!leaf.value.includes('[REDACTED:')) continue;
        for (const placeholder of findRedactionPlaceholders(leaf.value)) {
          const id = `${where}:${placeholder.fingerprint}`;
          if (known.has(id)) continue;
          known.add(id);
          findings.push({ type: placeholder.type, fingerprint: placeholder.fingerprint, where, path: leaf.pointer, detector: 'palisade/placeholder' });
        }
      }
    };
    scan(this.argumentLeaves, 'request');
    scan(this.resultTextLeaves, 'response');
    this.allFindings = findings;
    return findings;
  }
}
