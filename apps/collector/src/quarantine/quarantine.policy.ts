import type { RpcMessage } from '../pipeline/jsonrpc.message.js';
import type { QuarantineEntry, QuarantineRegistry } from './quarantine.registry.js';

/** JSON-RPC error code of the collector's own answer to a call to a quarantined tool (server error range). */
export const QUARANTINE_ERROR_CODE = -32003;

export interface BlockDecision {
  request: Extract<RpcMessage, { kind: 'request' }>;
  entry: QuarantineEntry;
  error: { code: number; message: string; data: { palisade: { server: string; tool: string; incidentId: string | null } } };
  /** Recorded as `palisade.block.reason` on the event. */
  reason: string;
}

/** A request whose answer depends on the quarantine state (a listing or a call): it waits until the state is known. */
export function needsQuarantineState(message: RpcMessage): boolean {
  return message.kind === 'request' && (message.method === 'tools/call' || message.method === 'tools/list');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What quarantine enforcement does to messages: which calls are answered by the collector (and with what
 * error), and how a tools/list result is rewritten. Pure decisions over parsed messages; the proxies decide
 * when to look (only while something is quarantined) and how to write.
 */
export class QuarantinePolicy {
  constructor(private readonly registry: QuarantineRegistry) {}

  get active(): boolean {
    return this.registry.active;
  }

  get ready(): boolean {
    return this.registry.ready;
  }

  whenReady(): Promise<void> {
    return this.registry.whenReady();
  }

  /** The block decision for a client message, or undefined when it may go to the server. */
  decide(message: RpcMessage): BlockDecision | undefined {
    if (message.kind !== 'request' || message.method !== 'tools/call' || !isRecord(message.params)) return undefined;
    const tool = message.params['name'];
    const entry = typeof tool === 'string' ? this.registry.lookup(tool) : undefined;
    if (!entry) return undefined;
    const incident = entry.incidentId ? ` (incident ${entry.incidentId})` : '';
    return {
      request: message,
      entry,
      error: {
        code: QUARANTINE_ERROR_CODE,
        message: `Tool "${entry.tool}" is quarantined by Palisade${incident}; the call was not forwarded to the server.`,
        data: { palisade: { server: this.registry.serverName, tool: entry.tool, incidentId: entry.incidentId } },
      },
      reason: `tool quarantined: ${entry.reason || 'no reason given'}${incident}`,
    };
  }

  /** The JSON-RPC error response for a blocked call (one JSON document, no newline). */
  errorResponse(decision: BlockDecision): Record<string, unknown> {
    return { jsonrpc: '2.0', id: decision.request.id, error: decision.error };
  }

  /**
   * A tools/list response (one parsed JSON-RPC response object) without its quarantined tools, or
   * undefined when nothing had to be removed (then the original bytes go through untouched).
   */
  filterToolsList(response: unknown): Record<string, unknown> | undefined {
    if (!isRecord(response) || !isRecord(response['result'])) return undefined;
    const result = response['result'];
    const tools = result['tools'];
    if (!Array.isArray(tools)) return undefined;
    const kept = tools.filter((tool) => !(isRecord(tool) && typeof tool['name'] === 'string' && this.registry.lookup(tool['name'])));
    if (kept.length === tools.length) return undefined;
    return { ...response, result: { ...result, tools: kept } };
  }
}
