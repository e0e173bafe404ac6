import type { TelemetryEvent } from '@palisade/schema';

/** How much text of one event goes into the full-text index (tool names first, then arguments, results). */
export const DEFAULT_EVENT_TEXT_CHARS = 16_384;

/** Keys whose string values are payload bytes (base64 images, audio, blobs) or protocol noise, not text. */
const SKIPPED_KEYS = new Set(['data', 'blob', 'mimeType', '$schema', 'type', 'jsonrpc', '_meta']);
const MAX_DEPTH = 32;

/**
 * The searchable text of an event: the tool, prompt and resource names, then every string of the
 * captured request params (arguments, tool names) and of the response (tool descriptions and schema
 * descriptions from `tools/list`, result text, error messages), bounded to `maxChars`.
 */
export function eventSearchText(event: TelemetryEvent, maxChars = DEFAULT_EVENT_TEXT_CHARS): string {
  const parts: string[] = [];
  let budget = maxChars;
  const add = (text: string): boolean => {
    if (budget <= 0) return false;
    const piece = text.length > budget ? text.slice(0, budget) : text;
    parts.push(piece);
    budget -= piece.length + 1;
    return budget > 0;
  };
  const walk = (value: unknown, depth: number): boolean => {
    if (typeof value === 'string') return value.length === 0 || add(value);
    if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return true;
    if (Array.isArray(value)) {
      for (const item of value) if (!walk(item, depth + 1)) return false;
      return true;
    }
    for (const [key, item] of Object.entries(value)) {
      if (SKIPPED_KEYS.has(key) && typeof item === 'string') continue;
      if (!walk(item, depth + 1)) return false;
    }
    return true;
  };
  const named = [event['gen_ai.tool.name'], event['gen_ai.prompt.name'], event['mcp.resource.uri']];
  for (const name of named) if (name) add(name);
  const captured = [event['palisade.request.params'], event['palisade.response.result'], event['palisade.response.error']?.message, event['palisade.block.reason']];
  for (const part of captured) if (!walk(part, 0)) break;
  return parts.join('\n');
}
