import { severityRank, TelemetryEvent, type Alert, type AlertCategory, type Severity, type TelemetryEventInput } from '@palisade/schema';
import { compileEngine, type CompiledEngine } from '../engine/compile-engine.js';
import { createState } from '../engine/engine-state.js';
import { evaluate } from '../engine/evaluate.js';
import type { CorrelationRuleDefinition } from '../rules/correlation-rule.js';
import { exampleEvents } from '../rules/rule-example.js';

/**
 * One labelled item, in the shape of the shared development corpus (`dev.jsonl`) and of the project's
 * own cases: a surface (where the payload sits), a label (benign, malicious…, warn(…)), an attack class
 * and a payload (a tool definition, a JSON-RPC message, a before/after pair, arguments, or — for the
 * project's behavioural cases — a `scenario` of short events).
 */
export interface LabelledItem {
  dataset: string;
  item_id: string;
  surface: string;
  label: string;
  attack_class: string | null;
  payload: unknown;
  server?: string;
}

export type Verdict = 'malicious' | 'benign' | 'warn';

export interface ItemOutcome {
  item: LabelledItem;
  verdict: Verdict;
  /** The alert categories that count as catching this item's class. */
  expected: AlertCategory[];
  /** Highest severity among alerts of the expected categories (any category for benign items). */
  severity: Severity | null;
  flagged: boolean;
  alerts: Pick<Alert, 'category' | 'severity' | 'title' | 'tool'>[];
}

export interface MetricRow {
  key: string;
  positives: number;
  truePositives: number;
  falsePositives: number;
  benign: number;
  recall: number | null;
  precision: number | null;
}

export interface EvaluationReport {
  threshold: Severity;
  outcomes: ItemOutcome[];
  byClass: MetricRow[];
  bySurface: MetricRow[];
  /** Real benign tool definitions (the Docker MCP registry) flagged at the threshold, and at any severity. */
  benignDefinitions: { total: number; flagged: number; rate: number; flaggedAnySeverity: number };
  drift: { maliciousPairs: number; caught: number; benignPairs: number; benignAboveLow: number };
  /** `warn(...)` items (retrieved-data carriers): reported, not scored. */
  warn: { total: number; flagged: number };
}

const DEFINITION_CATEGORIES: AlertCategory[] = ['tool_poisoning', 'tool_shadowing'];

/** Alert categories that catch an attack class (the corpus's names and the engine's own). */
export function expectedCategories(attackClass: string | null, surface: string): AlertCategory[] {
  const c = (attackClass ?? '').toLowerCase();
  if (/^(tool_poisoning|tool_shadowing|schema_inconsistency|server_name_squatting|tool_name_squatting)/.test(c)) return DEFINITION_CATEGORIES;
  if (c.startsWith('rug_pull')) return ['description_drift'];
  if (c.startsWith('command_injection')) return ['command_injection'];
  // A fetch aimed at cloud metadata, loopback services or local files reaches outside the intended scope.
  if (c.startsWith('path_traversal') || c.startsWith('ssrf')) return ['path_traversal'];
  if (c.startsWith('exfil_via_arguments')) return ['path_traversal', 'sensitive_data_exfiltration'];
  if (c.startsWith('response_injection') || c.startsWith('credential_phishing') || c.startsWith('prompt_injection')) return ['prompt_injection_in_response'];
  if (c.startsWith('secrets_in_response') || c.startsWith('secret_in_response')) return ['secret_in_response'];
  if (c.startsWith('sensitive_data_exfiltration')) return ['sensitive_data_exfiltration'];
  if (/^(recipient_change|response_size_spike|call_rate_spike|new_egress_domain|cross_server_flow|correlation|description_drift)$/.test(c)) return [c as AlertCategory];
  if (surface === 'tool_description' || surface === 'initialize_instructions') return DEFINITION_CATEGORIES;
  return [];
}

function verdictOf(label: string): Verdict {
  if (label.startsWith('benign')) return 'benign';
  if (label.startsWith('warn')) return 'warn';
  return 'malicious';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Builds telemetry events for a payload on its surface. */
class EventFactory {
  private count = 0;
  constructor(private readonly prefix: string) {}

  make(fields: Partial<TelemetryEventInput> & Pick<TelemetryEventInput, 'mcp.method.name'>, server = 'eval-server', session = 'eval-session'): TelemetryEvent {
    this.count += 1;
    return TelemetryEvent.parse({
      id: `${this.prefix.replace(/[^0-9A-Za-z_-]/g, '-').slice(-48)}-${String(this.count).padStart(6, '0')}`,
      ts: new Date(Date.UTC(2026, 0, 1) + this.count * 1000).toISOString(),
      'palisade.schema_version': 1,
      'palisade.event.kind': 'request',
      'palisade.direction': 'client_to_server',
      'palisade.collector.id': 'eval',
      'palisade.server.name': server,
      'mcp.session.id': session,
      'network.transport': 'pipe',
      'palisade.outcome': 'ok',
      ...fields,
    });
  }
}

/** A definition from the corpus's shapes: MCP tool, `{name, description, params}`, `{name, description, arguments}`. */
function toDefinition(raw: unknown): Record<string, unknown> | null {
  if (typeof raw === 'string') return { name: 'tool', description: raw, inputSchema: { type: 'object' } };
  if (!isRecord(raw) || typeof raw['name'] !== 'string') return null;
  if (raw['inputSchema'] !== undefined || (raw['params'] === undefined && raw['arguments'] === undefined)) return raw;
  const properties: Record<string, unknown> = {};
  if (Array.isArray(raw['params'])) for (const p of raw['params']) if (typeof p === 'string') properties[p] = { type: 'string' };
  if (Array.isArray(raw['arguments'])) {
    for (const a of raw['arguments']) {
      if (isRecord(a) && typeof a['name'] === 'string') properties[a['name']] = { type: typeof a['type'] === 'string' ? a['type'] : 'string', ...(typeof a['desc'] === 'string' && a['desc'] ? { description: a['desc'] } : {}) };
    }
  }
  return { name: raw['name'], description: raw['description'] ?? '', inputSchema: { type: 'object', properties } };
}

function definitionsOf(payload: unknown): Record<string, unknown>[] {
  if (isRecord(payload) && isRecord(payload['result']) && Array.isArray(payload['result']['tools'])) return (payload['result']['tools'] as unknown[]).map(toDefinition).filter((d): d is Record<string, unknown> => d !== null);
  const single = toDefinition(payload);
  return single ? [single] : [];
}

/** Events for one item (and the tool names its alerts must concern, when it is a definition). */
function eventsFor(item: LabelledItem, factory: EventFactory): { events: TelemetryEvent[]; tools?: string[] } {
  const payload = item.payload;
  const message = isRecord(payload) ? payload : {};
  const params = isRecord(message['params']) ? message['params'] : message;
  switch (item.surface) {
    case 'tool_description': {
      const tools = definitionsOf(payload);
      return { events: [factory.make({ 'mcp.method.name': 'tools/list', 'palisade.response.result': { tools } }, item.server ?? 'eval-server')], tools: tools.map((t) => String(t['name'])) };
    }
    case 'tool_definition_change': {
      const before = toDefinition(message['before']);
      const after = toDefinition(message['after']);
      if (!before || !after) return { events: [] };
      const name = String(before['name']);
      return {
        events: [
          factory.make({ 'mcp.method.name': 'tools/list', 'palisade.response.result': { tools: [before] } }, 'eval-server', 'session-before'),
          factory.make({ 'mcp.method.name': 'tools/list', 'palisade.response.result': { tools: [{ ...after, name }] } }, 'eval-server', 'session-after'),
        ],
      };
    }
    case 'tool_call_arguments': {
      const name = typeof params['name'] === 'string' ? params['name'] : 'tool';
      return { events: [factory.make({ 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': name, 'palisade.request.params': { name, arguments: params['arguments'] ?? {} }, 'palisade.response.result': { content: [] } })] };
    }
    case 'tool_response':
      return { events: [factory.make({ 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'tool', 'palisade.request.params': { name: 'tool', arguments: {} }, 'palisade.response.result': message['result'] ?? payload })] };
    case 'resource_content':
      return { events: [factory.make({ 'mcp.method.name': 'resources/read', 'palisade.response.result': message['result'] ?? payload })] };
    case 'prompt_content':
      return { events: [factory.make({ 'mcp.method.name': 'prompts/get', 'palisade.response.result': message['result'] ?? payload })] };
    case 'initialize_instructions':
    case 'initialize_result':
      return { events: [factory.make({ 'mcp.method.name': 'initialize', 'palisade.response.result': message['result'] ?? payload })] };
    case 'server_request':
      return { events: [factory.make({ 'mcp.method.name': typeof message['method'] === 'string' ? message['method'] : 'sampling/createMessage', 'palisade.direction': 'server_to_client', 'palisade.request.params': params })] };
    case 'scenario': {
      const events = isRecord(payload) && Array.isArray(payload['events']) ? (payload['events'] as Record<string, unknown>[]) : [];
      return { events: exampleEvents({ name: item.item_id, expect: 'match', events }, Date.UTC(2026, 0, 1), item.item_id.replace(/[^A-Za-z0-9-]/g, '-')) };
    }
    default:
      return { events: [] };
  }
}

function maxOf(severities: Severity[]): Severity | null {
  return severities.reduce<Severity | null>((max, s) => (max === null || severityRank(s) > severityRank(max) ? s : max), null);
}

function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

export interface EvaluateOptions {
  /** Severity from which an alert counts as a detection (default medium: benign use must stay below it). */
  threshold?: Severity;
  rules?: readonly CorrelationRuleDefinition[];
}

/**
 * Runs the engine on labelled items and measures it: precision and recall per attack class and per
 * surface (never pooled alone), the false-positive rate on real benign tool definitions, and the drift
 * pairs. Items of one Docker-registry server are listed together, as a real tools/list would.
 */
export function evaluateLabelledItems(items: readonly LabelledItem[], options: EvaluateOptions = {}): EvaluationReport {
  const threshold = options.threshold ?? 'medium';
  const engine: CompiledEngine = compileEngine({ rules: options.rules ?? [] });
  const outcomes: ItemOutcome[] = [];

  // Definitions of one registry server are listed together; every other item runs alone.
  const groups = new Map<string, LabelledItem[]>();
  for (const item of items) {
    const key = item.surface === 'tool_description' && item.dataset === 'docker-mcp-registry-tools' && item.server ? `server:${item.server}` : `item:${item.item_id}`;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  for (const [key, group] of groups) {
    const factory = new EventFactory(key);
    const state = createState();
    let alerts: Alert[] = [];
    const perItemTools = new Map<LabelledItem, string[] | undefined>();
    if (group.length > 1) {
      const tools = group.flatMap((item) => definitionsOf(item.payload));
      const event = factory.make({ 'mcp.method.name': 'tools/list', 'palisade.response.result': { tools } }, group[0]?.server ?? 'eval-server');
      alerts = evaluate(engine, event, state).alerts;
      for (const item of group) perItemTools.set(item, definitionsOf(item.payload).map((t) => String(t['name'])));
    } else {
      const item = group[0];
      if (!item) continue;
      const { events, tools } = eventsFor(item, factory);
      for (const event of events) alerts.push(...evaluate(engine, event, state).alerts);
      perItemTools.set(item, group.length > 1 ? tools : undefined);
    }
    for (const item of group) {
      const tools = perItemTools.get(item);
      const mine = tools ? alerts.filter((a) => a.tool === null || tools.includes(a.tool)) : alerts;
      const verdict = verdictOf(item.label);
      const expected = expectedCategories(item.attack_class, item.surface);
      const relevant = verdict === 'benign' ? mine : mine.filter((a) => expected.includes(a.category));
      const severity = maxOf(relevant.map((a) => a.severity));
      outcomes.push({
        item,
        verdict,
        expected,
        severity,
        flagged: severity !== null && severityRank(severity) >= severityRank(threshold),
        alerts: mine.map((a) => ({ category: a.category, severity: a.severity, title: a.title, tool: a.tool })),
      });
    }
  }
  return summarise(outcomes, threshold);
}

function summarise(outcomes: ItemOutcome[], threshold: Severity): EvaluationReport {
  const atThreshold = (o: ItemOutcome, categories: readonly AlertCategory[] | null): boolean =>
    o.alerts.some((a) => (categories === null || categories.includes(a.category)) && severityRank(a.severity) >= severityRank(threshold));

  const classes = new Map<string, ItemOutcome[]>();
  for (const o of outcomes) if (o.verdict === 'malicious') classes.set(o.item.attack_class ?? '(none)', [...(classes.get(o.item.attack_class ?? '(none)') ?? []), o]);
  const byClass: MetricRow[] = [...classes].sort(([a], [b]) => a.localeCompare(b)).map(([key, members]) => {
    const surfaces = new Set(members.map((m) => m.item.surface));
    const categories = members[0]?.expected ?? [];
    const benign = outcomes.filter((o) => o.verdict === 'benign' && surfaces.has(o.item.surface));
    const tp = members.filter((m) => m.flagged).length;
    const fp = benign.filter((o) => atThreshold(o, categories)).length;
    return { key, positives: members.length, truePositives: tp, falsePositives: fp, benign: benign.length, recall: ratio(tp, members.length), precision: ratio(tp, tp + fp) };
  });

  const surfaces = new Map<string, ItemOutcome[]>();
  for (const o of outcomes) if (o.verdict !== 'warn') surfaces.set(o.item.surface, [...(surfaces.get(o.item.surface) ?? []), o]);
  const bySurface: MetricRow[] = [...surfaces].sort(([a], [b]) => a.localeCompare(b)).map(([key, members]) => {
    const positives = members.filter((m) => m.verdict === 'malicious');
    const benign = members.filter((m) => m.verdict === 'benign');
    const tp = positives.filter((m) => m.flagged).length;
    const fp = benign.filter((m) => m.flagged).length;
    return { key, positives: positives.length, truePositives: tp, falsePositives: fp, benign: benign.length, recall: ratio(tp, positives.length), precision: ratio(tp, tp + fp) };
  });

  const registry = outcomes.filter((o) => o.item.dataset === 'docker-mcp-registry-tools' && o.verdict === 'benign');
  const flagged = registry.filter((o) => o.flagged).length;
  const drifts = outcomes.filter((o) => o.item.surface === 'tool_definition_change');
  const driftSeverity = (o: ItemOutcome): Severity | null => maxOf(o.alerts.filter((a) => a.category === 'description_drift').map((a) => a.severity));
  const warn = outcomes.filter((o) => o.verdict === 'warn');
  return {
    threshold,
    outcomes,
    byClass,
    bySurface,
    benignDefinitions: { total: registry.length, flagged, rate: registry.length ? flagged / registry.length : 0, flaggedAnySeverity: registry.filter((o) => o.alerts.length > 0).length },
    drift: {
      maliciousPairs: drifts.filter((o) => o.verdict === 'malicious').length,
      caught: drifts.filter((o) => o.verdict === 'malicious' && (driftSeverity(o) ?? 'low') !== 'low').length,
      benignPairs: drifts.filter((o) => o.verdict === 'benign').length,
      benignAboveLow: drifts.filter((o) => o.verdict === 'benign' && driftSeverity(o) !== null && driftSeverity(o) !== 'low').length,
    },
    warn: { total: warn.length, flagged: warn.filter((o) => o.alerts.some((a) => severityRank(a.severity) >= severityRank(threshold))).length },
  };
}

function percent(value: number | null): string {
  return value === null ? '   n/a' : `${(value * 100).toFixed(1).padStart(5)}%`;
}

function table(title: string, rows: readonly MetricRow[]): string[] {
  const width = Math.max(28, ...rows.map((r) => r.key.length));
  const lines = [title, `  ${'key'.padEnd(width)}  malicious  caught  recall  benign  FP  precision`];
  for (const r of rows) lines.push(`  ${r.key.padEnd(width)}  ${String(r.positives).padStart(9)}  ${String(r.truePositives).padStart(6)}  ${percent(r.recall)}  ${String(r.benign).padStart(6)}  ${String(r.falsePositives).padStart(2)}  ${percent(r.precision)}`);
  return lines;
}

/** The report as text: per class, per surface, benign definitions, drift, misses. */
export function formatEvaluationReport(report: EvaluationReport, title: string): string {
  const lines = [`${title} — detection at severity ≥ ${report.threshold}`, ''];
  lines.push(...table('Per attack class (precision counts benign items of the same surfaces flagged in the class’s categories):', report.byClass), '');
  lines.push(...table('Per surface (any alert category):', report.bySurface), '');
  const b = report.benignDefinitions;
  if (b.total > 0) lines.push(`Real benign tool definitions (Docker MCP registry): ${b.flagged}/${b.total} flagged = ${(b.rate * 100).toFixed(2)}% false positives (${b.flaggedAnySeverity} with any alert, low included)`);
  const d = report.drift;
  if (d.maliciousPairs + d.benignPairs > 0) lines.push(`Drift pairs: ${d.caught}/${d.maliciousPairs} malicious caught (≥ medium); ${d.benignAboveLow}/${d.benignPairs} benign upgrades above low`);
  if (report.warn.total > 0) lines.push(`warn(...) items (retrieved-data carriers, not scored): ${report.warn.flagged}/${report.warn.total} raised ≥ ${report.threshold}`);
  const misses = report.outcomes.filter((o) => (o.verdict === 'malicious' && !o.flagged) || (o.verdict === 'benign' && o.flagged));
  if (misses.length > 0) {
    lines.push('', 'Misses and false positives:');
    for (const o of misses) lines.push(`  ${o.verdict === 'benign' ? 'FP  ' : 'MISS'} ${o.item.item_id} [${o.item.surface}; ${o.item.attack_class ?? 'benign'}] → ${o.alerts.map((a) => `${a.category}:${a.severity}`).join(', ') || 'no alert'}`);
  }
  return lines.join('\n');
}
