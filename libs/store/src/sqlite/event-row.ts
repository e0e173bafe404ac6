import type { TelemetryEvent } from '@palisade/schema';
import { eventSearchText } from '../shared/event-text.js';
import { instantMs } from '../shared/time.js';

/** An event as the events table and its full-text index take it: columns, the document, the text. */
export interface EventRow {
  id: string;
  tsMs: number;
  server: string;
  tool: string | null;
  session: string;
  method: string;
  outcome: string;
  doc: string;
  /** What goes into the full-text index (empty: nothing). */
  text: string;
}

/**
 * Turns an event into its row. Pure and self-contained, so the pipeline's thread can prepare rows while
 * the writer thread spends its time in SQLite: the writer receives strings (cheap to pass between
 * threads) instead of event objects to clone, serialise and walk. `document`: the event's JSON as its
 * producer wrote it, when that is exactly the event (serialising it again costs about as much as parsing).
 */
export function eventRow(event: TelemetryEvent, textChars: number, document?: string): EventRow {
  return {
    id: event.id,
    tsMs: instantMs(event.ts, `event ${event.id} ts`),
    server: event['palisade.server.name'],
    tool: event['gen_ai.tool.name'] ?? null,
    session: event['mcp.session.id'],
    method: event['mcp.method.name'],
    outcome: event['palisade.outcome'],
    doc: document ?? JSON.stringify(event),
    text: eventSearchText(event, textChars),
  };
}

/** The rows of a batch's events, each with the producer's text as its document where the batch has one. */
export function eventRows(events: readonly TelemetryEvent[], textChars: number, documents?: ReadonlyMap<string, string>): EventRow[] {
  return events.map((event) => eventRow(event, textChars, documents?.get(event.id)));
}
