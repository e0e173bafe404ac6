import { z } from 'zod';
import { IsoTimestamp, ServerName } from './common.schema.js';

/** Version of the telemetry event format; bumped on any incompatible change. */
export const TELEMETRY_SCHEMA_VERSION = 1 as const;

/** What one event records. A request/response pair is one event; so is a notification. */
export const EventKind = z.enum(['request', 'notification']);

/** Who sent the request (or the notification). Sampling, elicitation and roots go server → client. */
export const Direction = z.enum(['client_to_server', 'server_to_client']);

/**
 * How a request ended, as the collector saw it.
 * - `ok`: a result came back; `tool_error`: a `tools/call` result with `isError: true`;
 * - `error`: a JSON-RPC error came back (from the server, or from the client for server requests);
 * - `blocked`: the collector answered itself (quarantine); the server never saw the call;
 * - `timeout` / `disconnected`: no response before the deadline or before the connection ended;
 * - `sent`: a notification (no response expected).
 */
export const Outcome = z.enum(['ok', 'tool_error', 'error', 'blocked', 'timeout', 'disconnected', 'sent']);
export type Outcome = z.infer<typeof Outcome>;

/** Size, digest and truncation of one captured message part (request params or response). */
export const CaptureInfo = z.object({
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  truncated: z.boolean(),
});
export type CaptureInfo = z.infer<typeof CaptureInfo>;

/**
 * A secret or sensitive value found and redacted at the edge. The raw value never leaves the collector:
 * `fingerprint` is an HMAC (per-install key) of the value, so the same secret can be correlated across
 * servers and sessions without being known.
 */
export const Finding = z.object({
  /** Detector type, e.g. `aws_access_key`, `private_key`, `github_token`, `jwt`, `password_in_url`, `card_number`. */
  type: z.string().min(1).max(80),
  /** `HMAC-8` style fingerprint: hex prefix of HMAC-SHA256(install key, value). */
  fingerprint: z.string().min(4).max(64),
  /** Which part of the message carried it. */
  where: z.enum(['request', 'response']),
  /** JSON pointer inside the captured params/result (e.g. `/arguments/body`). */
  path: z.string().max(500),
  /** Which rule found it (secretlint rule id or a Palisade detector). */
  detector: z.string().max(120).optional(),
});
export type Finding = z.infer<typeof Finding>;

export const JsonRpcId = z.union([z.string().max(200), z.number()]);

/**
 * How deeply a captured part (params, result, error data) may nest. Collectors withhold what lies deeper
 * than 64 levels; a producer that does not would overflow the recursive walks after the boundary
 * (serialisers, canonical hashes, detectors) and fail whole batches with one event.
 */
export const MAX_CAPTURED_DEPTH = 100;

/**
 * Whether a JSON value nests deeper than `limit` arrays and objects below `depth`. Recursive but bounded:
 * it returns once `limit` is passed, so its own stack is at most `limit` frames deep. Walks without
 * allocating (every event's parts pass here: a queue of tuples cost a tenth of the validation).
 */
function nestedDeeperThan(value: object, limit: number, depth = 1): boolean {
  if (depth > limit) return true;
  if (Array.isArray(value)) {
    for (const child of value as unknown[]) if (child !== null && typeof child === 'object' && nestedDeeperThan(child, limit, depth + 1)) return true;
    return false;
  }
  for (const key in value) {
    const child = (value as Record<string, unknown>)[key];
    if (child !== null && typeof child === 'object' && nestedDeeperThan(child, limit, depth + 1)) return true;
  }
  return false;
}

/**
 * A captured message part: any JSON. Its depth is bounded by `parseTelemetryEvent` and
 * `parseTelemetryEventJson` (every boundary reads events through them) after the schema: as a refinement
 * inside the schema it cost ~2 µs of the pipeline thread's ~45 per event, out of zod's fast path.
 */
const CapturedPart = z.unknown();

/** Which captured part of a validated event nests deeper than MAX_CAPTURED_DEPTH, if one does. */
function tooDeepPart(event: TelemetryEvent): string | null {
  const parts: [string, unknown][] = [
    ['palisade.request.params', event['palisade.request.params']],
    ['palisade.response.result', event['palisade.response.result']],
    ['palisade.response.error.data', event['palisade.response.error']?.data],
  ];
  for (const [where, value] of parts) if (value !== null && typeof value === 'object' && nestedDeeperThan(value, MAX_CAPTURED_DEPTH)) return where;
  return null;
}

function deepPartReason(where: string): string {
  return `${where}: nested deeper than ${MAX_CAPTURED_DEPTH} levels`;
}

export const JsonRpcErrorObject = z.object({
  code: z.number().int(),
  message: z.string(),
  data: CapturedPart.optional(),
});

/**
 * One telemetry event: one MCP message pair (request + response, joined by JSON-RPC id) or one
 * notification. Attribute names follow the OpenTelemetry semantic conventions for MCP and GenAI where
 * one exists; Palisade's own live under `palisade.*`.
 */
export const TelemetryEvent = z.object({
  /** Unique, sortable (ULID). Consumers deduplicate on it. */
  id: z.string().min(10).max(64).regex(/^[0-9A-Za-z_-]+$/),
  /** When the request (or notification) was seen by the collector. */
  ts: IsoTimestamp,
  'palisade.schema_version': z.literal(TELEMETRY_SCHEMA_VERSION),
  'palisade.event.kind': EventKind,
  'palisade.direction': Direction,
  /** Identity of the collector process that recorded the event. */
  'palisade.collector.id': z.string().min(1).max(100),
  'palisade.collector.version': z.string().max(40).optional(),
  'host.name': z.string().max(255).optional(),
  /** The server NAME given to the collector (`--server`), never the name the server reports. */
  'palisade.server.name': ServerName,
  /** What the server called itself in its initialize result. */
  'palisade.server.reported_name': z.string().max(200).optional(),
  'palisade.server.reported_version': z.string().max(100).optional(),
  /** The client's name and version from initialize (`clientInfo`). */
  'palisade.client.name': z.string().max(200).optional(),
  'palisade.client.version': z.string().max(100).optional(),

  'mcp.method.name': z.string().min(1).max(200),
  'mcp.session.id': z.string().min(1).max(200),
  'mcp.protocol.version': z.string().max(40).optional(),
  'jsonrpc.protocol.version': z.literal('2.0').optional(),
  'jsonrpc.request.id': JsonRpcId.optional(),
  /** For `tools/call`: the tool called. */
  'gen_ai.tool.name': z.string().min(1).max(200).optional(),
  /** For `tools/call`: `execute_tool`. */
  'gen_ai.operation.name': z.string().max(80).optional(),
  /** For `prompts/get`. */
  'gen_ai.prompt.name': z.string().max(200).optional(),
  /** For `resources/read`, `resources/subscribe`, `notifications/resources/updated`. */
  'mcp.resource.uri': z.string().max(4000).optional(),
  /** JSON-RPC error code as a string, when the response was an error. */
  'rpc.response.status_code': z.string().max(40).optional(),
  /** Short error class: the JSON-RPC code, `tool_error`, `timeout`, `disconnected`, `quarantined`. */
  'error.type': z.string().max(120).optional(),
  /** `pipe` for stdio, `tcp` for HTTP. */
  'network.transport': z.enum(['pipe', 'tcp']),
  'network.protocol.name': z.enum(['stdio', 'http']).optional(),
  /** Upstream address for HTTP servers; the command for stdio servers. */
  'server.address': z.string().max(1000).optional(),
  'server.port': z.number().int().min(0).max(65535).optional(),

  'palisade.outcome': Outcome,
  /** Request → response (or → timeout/disconnect), milliseconds. */
  'palisade.duration_ms': z.number().nonnegative().optional(),
  /** Captured request params (redacted, possibly truncated). */
  'palisade.request.params': CapturedPart.optional(),
  /** Captured response result (redacted, possibly truncated). */
  'palisade.response.result': CapturedPart.optional(),
  'palisade.response.error': JsonRpcErrorObject.optional(),
  'palisade.capture.request': CaptureInfo.optional(),
  'palisade.capture.response': CaptureInfo.optional(),
  /** Secrets found and redacted at the edge. */
  'palisade.findings': z.array(Finding).max(200).default([]),
  /** Why the collector blocked the call (when outcome is `blocked`). */
  'palisade.block.reason': z.string().max(500).optional(),
});
export type TelemetryEvent = z.infer<typeof TelemetryEvent>;
/** What producers write (defaults may be omitted). */
export type TelemetryEventInput = z.input<typeof TelemetryEvent>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Formats a zod error as one line naming each offending field. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/** Validates an unknown value as a telemetry event; never throws. */
export function parseTelemetryEvent(value: unknown): ParseResult<TelemetryEvent> {
  const result = TelemetryEvent.safeParse(value);
  if (!result.success) return { ok: false, reason: describeZodError(result.error) };
  const deep = tooDeepPart(result.data);
  return deep === null ? { ok: true, value: result.data } : { ok: false, reason: deepPartReason(deep) };
}

/**
 * A line of JSON parsed as a telemetry event. `document` is the line itself when it is exactly the
 * validated event written as JSON (no field dropped as unknown, none filled in by a default) on one line:
 * a store can keep it as the event's document instead of serialising the event again. Null otherwise.
 */
export type TelemetryEventJsonResult = { ok: true; value: TelemetryEvent; document: string | null } | { ok: false; reason: string };

/** Parses one line of JSON (an NDJSON record or a bus message) into a telemetry event; never throws. */
export function parseTelemetryEventJson(text: string): TelemetryEventJsonResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${(error as Error).message}` };
  }
  const result = TelemetryEvent.safeParse(value);
  if (!result.success) return { ok: false, reason: describeZodError(result.error) };
  const deep = tooDeepPart(result.data);
  if (deep !== null) return { ok: false, reason: deepPartReason(deep) };
  const oneLine = !text.includes('\n') && !text.includes('\r');
  return { ok: true, value: result.data, document: oneLine && sameJsonValue(result.data, value) ? text : null };
}

/**
 * Whether a validated value is the parsed JSON it came from: the same keys at every level. The parts the
 * schema leaves unchecked (captured params and results) are the input's own objects, so the walk stops there.
 */
function sameJsonValue(validated: unknown, input: unknown): boolean {
  if (validated === input) return true;
  if (typeof validated !== 'object' || typeof input !== 'object' || validated === null || input === null) return false;
  if (Array.isArray(validated)) {
    if (!Array.isArray(input) || validated.length !== input.length) return false;
    for (let i = 0; i < validated.length; i += 1) if (!sameJsonValue(validated[i], input[i])) return false;
    return true;
  }
  if (Array.isArray(input)) return false;
  const keys = Object.keys(validated);
  if (keys.length !== Object.keys(input).length) return false;
  for (const key of keys) if (!Object.hasOwn(input, key) || !sameJsonValue((validated as Record<string, unknown>)[key], (input as Record<string, unknown>)[key])) return false;
  return true;
}
