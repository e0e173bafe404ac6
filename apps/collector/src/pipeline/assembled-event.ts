import type { TelemetryEventInput } from '@palisade/schema/telemetry';
import type { OversizeFrame } from './frame.accumulator.js';

/** A captured message part before redaction and capture limits: a parsed value, or an unparsed oversize frame. */
export type CapturedPart = { kind: 'value'; value: unknown } | { kind: 'oversize'; frame: OversizeFrame };

/** The event fields the capture step fills in from the parts. */
type CaptureFields = 'palisade.request.params' | 'palisade.response.result' | 'palisade.response.error' | 'palisade.capture.request' | 'palisade.capture.response' | 'palisade.findings';

/**
 * An event as the assembler builds it: every plain field set, the message parts still raw. The encoder
 * redacts secrets, applies the capture limit, validates and serialises it.
 */
export interface AssembledEvent {
  fields: Omit<TelemetryEventInput, CaptureFields>;
  request?: CapturedPart;
  response?: CapturedPart;
  /** A JSON-RPC error response (or the collector's own, for a block). */
  error?: { code: number; message: string; data?: unknown };
}
