import { severityRank, type Alert, type TelemetryEvent } from '@palisade/schema';
import { detectCommandInjection } from '../detectors/command-injection.detector.js';
import { detectContentFlow, detectLateContentFlow, rememberOutbound, rememberSecretSources, rememberSensitiveContent, sweepContentFlows } from '../detectors/cross-server-flow.detector.js';
import { detectPathTraversal } from '../detectors/path-traversal.detector.js';
import { detectPromptInjection } from '../detectors/prompt-injection-response.detector.js';
import { detectSecretInResponse } from '../detectors/secret-in-response.detector.js';
import { detectSensitiveDataExfiltration } from '../detectors/sensitive-data-exfiltration.detector.js';
import { handleInitialize, handleListChanged, handleToolsList, sessionRecord, type ServerRecord, type SessionRecord, type ToolPinRecord } from '../detectors/tool-definition.detector.js';
import type { CorrelationRecord } from '../rules/correlation-record.js';
import { evaluateCorrelation, sweepCorrelationWindows } from '../rules/correlation.evaluator.js';
import { suppressedBy } from './alert.factory.js';
import { observeToolCall } from './baseline-observation.js';
import { tuningFor, type CompiledEngine } from './compile-engine.js';
import { DetectionContext } from './detection-context.js';
import { pinKey, serverKey, type EngineState } from './engine-state.js';
import { EventView } from './event-view.js';

export interface EvaluationResult {
  alerts: Alert[];
  /** The same object as the state passed in, mutated (see EngineState). */
  nextState: EngineState;
}

const MAX_ROOTS = 50;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Whether this event's response carried something sensitive worth following to other servers. */
function sensitiveRead(ctx: DetectionContext): string | null {
  for (const alert of ctx.alerts) {
    if (alert.category === 'path_traversal' && alert.severity === 'high') return `read of ${alert.evidence.matches[0]?.text ?? 'a credential file'}`;
    if (alert.category === 'secret_in_response' && severityRank(alert.severity) >= severityRank('medium')) return `result carrying ${String((alert.evidence.details?.['types'] as string[] | undefined)?.join(', ') ?? 'secrets')}`;
  }
  return null;
}

function handleToolCall(ctx: DetectionContext): void {
  const { view, state } = ctx;
  const session = sessionRecord(state, view.session, view.server, view.tsMs);
  session.calls += 1;
  const tool = view.tool;
  const pin = tool ? state.get<ToolPinRecord>(pinKey(view.server, tool)) : undefined;
  if (pin && pin.addedParams.length > 0 && isRecord(view.arguments)) {
    const used = pin.addedParams.filter((p) => (view.arguments as Record<string, unknown>)[p] !== undefined);
    if (used.length > 0) ctx.derived['palisade.call.new_params'] = used;
  }

  detectSensitiveDataExfiltration(ctx);
  detectCommandInjection(ctx);
  detectPathTraversal(ctx);
  const outbound = detectContentFlow(ctx);
  const hasResult = view.result !== undefined && (view.outcome === 'ok' || view.outcome === 'tool_error');
  if (hasResult) {
    detectSecretInResponse(ctx);
    detectPromptInjection(ctx, 'response', view.resultTextLeaves);
    const reason = sensitiveRead(ctx);
    if (reason) detectLateContentFlow(ctx, rememberSensitiveContent(ctx, view.resultTextLeaves, reason), reason);
    if (view.findings.length > 0) rememberSecretSources(ctx);
  }
  // After the result: a read is checked against calls that arrived before it, not against its own arguments.
  if (outbound) rememberOutbound(ctx, session, outbound);
  if (view.outcome === 'blocked' || !tool) return;

  observeToolCall(ctx, tool, session);
}

/** resources/read and prompts/get: content the model will read. */
function handleContentRead(ctx: DetectionContext): void {
  sessionRecord(ctx.state, ctx.view.session, ctx.view.server, ctx.view.tsMs);
  if (ctx.view.result === undefined) return;
  detectSecretInResponse(ctx);
  detectPromptInjection(ctx, 'response', ctx.view.resultTextLeaves);
}

/** sampling/createMessage and elicitation/create: text the server sends towards the model and the user. */
function handleServerRequest(ctx: DetectionContext): void {
  sessionRecord(ctx.state, ctx.view.session, ctx.view.server, ctx.view.tsMs);
  detectPromptInjection(ctx, 'server_request', ctx.view.argumentLeaves);
}

/** roots/list: the directories the client allows the server; paths outside them are path_traversal. */
function handleRoots(ctx: DetectionContext): void {
  const { state, view } = ctx;
  const result = view.result;
  const roots = isRecord(result) && Array.isArray(result['roots']) ? (result['roots'] as unknown[]).filter(isRecord).map((r) => r['uri']).filter((u): u is string => typeof u === 'string') : [];
  if (roots.length === 0) return;
  const key = serverKey(view.server);
  const record = state.get<ServerRecord>(key) ?? state.set<ServerRecord>(key, { server: view.server, instructionsHash: null, instructions: null, instructionsFlag: null, roots: [] });
  const merged = [...new Set([...record.roots, ...roots.map((r) => r.replace(/^file:\/\//, ''))])].slice(-MAX_ROOTS);
  if (merged.length !== record.roots.length) {
    record.roots = merged;
    state.touch(key);
  }
}

/** Evicts idle sessions (event time) beyond the idle limit or the cap, expired windows and flows. */
function sweep(engine: CompiledEngine, state: EngineState): void {
  const now = state.clock;
  const sessions: { key: string; last: number }[] = [];
  for (const key of [...state.keysWithPrefix('sess:')]) {
    const session = state.get<SessionRecord>(key);
    if (!session || now - session.lastTs > engine.options.sessionIdleMs) state.delete(key);
    else sessions.push({ key, last: session.lastTs });
  }
  if (sessions.length > engine.options.maxSessions) {
    sessions.sort((a, b) => a.last - b.last);
    for (const { key } of sessions.slice(0, sessions.length - engine.options.maxSessions)) state.delete(key);
  }
  sweepCorrelationWindows(state, engine.rules, now, engine.options.reorderWindowMs);
  sweepContentFlows(state, now, engine.options.flowTtlMs, engine.options.maxFlows);
  state.lastSweep = now;
}

/**
 * Evaluates one telemetry event: the built-in detectors for its method, then the correlation rules over
 * the event and the alerts it raised. Pure apart from the state, which it mutates in place and returns
 * as `nextState` (the same object): no I/O, no clock (time is the event's `ts`), deterministic ids.
 * Feed events of a session in order; events from different sessions may interleave, and arrive out of
 * event-time order by up to `reorderWindowMs` (cross-server flows and ordered rules compare event times).
 */
export function evaluate(engine: CompiledEngine, event: TelemetryEvent, state: EngineState): EvaluationResult {
  const view = new EventView(event, engine.options.maxScanChars);
  if (!Number.isFinite(view.tsMs)) return { alerts: [], nextState: state };
  if (view.tsMs > state.clock) state.clock = view.tsMs;
  const ctx = new DetectionContext(engine, state, view);
  switch (view.method) {
    case 'initialize':
      handleInitialize(ctx);
      break;
    case 'tools/list':
      handleToolsList(ctx);
      break;
    case 'notifications/tools/list_changed':
      handleListChanged(ctx);
      break;
    case 'tools/call':
      handleToolCall(ctx);
      break;
    case 'resources/read':
    case 'prompts/get':
      handleContentRead(ctx);
      break;
    case 'sampling/createMessage':
    case 'elicitation/create':
      handleServerRequest(ctx);
      break;
    case 'roots/list':
      handleRoots(ctx);
      break;
    default:
      sessionRecord(state, view.session, view.server, view.tsMs);
  }

  let alerts = ctx.alerts;
  if (engine.rules.length > 0) {
    const eventRecord: CorrelationRecord = { type: 'event', event, tsMs: view.tsMs, server: view.server, tool: view.tool, session: view.session, agent: view.agent, findings: view.findings, derived: ctx.derived };
    const records = ctx.records.length === 0 ? [eventRecord] : [eventRecord, ...ctx.records];
    const fired = evaluateCorrelation(engine.index, engine.disabledRules, state, records, engine.options.clockSkewMs, (a) => suppressedBy(tuningFor(engine, a.server, a.tool), a.category, [], view.tsMs));
    if (fired.length > 0) alerts = [...alerts, ...fired];
  }
  if (state.clock - state.lastSweep >= engine.options.sweepIntervalMs) sweep(engine, state);
  return { alerts, nextState: state };
}

/** Evaluates events in order; returns every alert and the (same, mutated) state. */
export function evaluateBatch(engine: CompiledEngine, events: Iterable<TelemetryEvent>, state: EngineState): EvaluationResult {
  const alerts: Alert[] = [];
  for (const event of events) alerts.push(...evaluate(engine, event, state).alerts);
  return { alerts, nextState: state };
}
