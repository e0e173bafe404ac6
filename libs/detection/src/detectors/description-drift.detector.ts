import { maxSeverity, severityRank, type EvidenceMatch, type Severity, type ToolDefinition } from '@palisade/schema';
import { schemaProperties, type DefinitionScan } from '../scanners/tool-definition.scanner.js';
import { combinedSeverity, type TextSignal } from '../scanners/text-signal.scanner.js';
import { diffDefinitions } from './definition-diff.js';
import { maskVolatile } from './definition-volatility.js';

/** What changed between a pinned definition and a new one, and how much it matters. */
export interface DriftAssessment {
  severity: Severity;
  /** Readable list of changes (`description reworded`, `new parameter "exfil_to" (string)`…). */
  changes: string[];
  addedParams: string[];
  removedParams: string[];
  /** Poisoning or shadowing signals the new definition has and the pinned one had not. */
  newSignals: TextSignal[];
  diff: string;
}

/** Names of parameters made to carry data somewhere: destinations, free text, secrets. */
const DATA_CARRYING =
  /(?:^|_|-|\b)(?:to|dest|destination|exfil\w*|upload|url|uri|endpoint|webhook|callback|recipient|email|send|forward|notes?|sidenote|context|secret|token|key|password|credentials?|data|payload|content|contents|body|message|history|prompt|memory|diag\w*|debug|extra|metadata|telemetry|env)(?:$|_|-|\b)|[a-z](?:To|Url|Uri|Endpoint|Webhook|Callback|Secret|Token|Key|Password|Content|Context|Payload|Notes?)(?:[A-Z]|$)/;

function typeOf(property: Record<string, unknown> | undefined): string {
  if (!property) return 'absent';
  const type = property['type'];
  return Array.isArray(type) ? type.join('|') : typeof type === 'string' ? type : 'any';
}

function annotationFlag(definition: ToolDefinition, name: string): boolean | undefined {
  const annotations = definition.annotations;
  if (annotations === null || typeof annotations !== 'object') return undefined;
  const value = (annotations as Record<string, unknown>)[name];
  return typeof value === 'boolean' ? value : undefined;
}

/** A signal's identity across versions: the same words around it, whatever date, time, count or version they quote. */
function signalKey(signal: TextSignal): string {
  return `${signal.kind}|${signal.field}|${maskVolatile(signal.text)}`;
}

function signalMatch(signal: TextSignal): EvidenceMatch {
  return { field: signal.field, text: signal.text, signal: signal.signal, ...(signal.start !== undefined ? { start: signal.start, end: signal.end } : {}), ...(signal.decoded ? { decoded: signal.decoded } : {}) };
}

export function driftMatches(assessment: DriftAssessment): EvidenceMatch[] {
  return assessment.newSignals.filter((s) => s.severity !== 'low').map(signalMatch);
}

/**
 * Compares a new definition with the pinned one. Severity follows what changed: new hidden
 * instructions or a new data-carrying parameter are critical; new shadowing instructions high; a new
 * required parameter, a changed parameter type or a tool now declaring itself destructive medium;
 * wording only low.
 */
export function assessDrift(before: ToolDefinition, after: ToolDefinition, beforeScan: DefinitionScan, afterScan: DefinitionScan): DriftAssessment {
  const changes: string[] = [];
  let severity: Severity = 'low';
  const raise = (to: Severity): void => {
    severity = maxSeverity(severity, to);
  };

  const oldProps = schemaProperties(before.inputSchema);
  const newProps = schemaProperties(after.inputSchema);
  const required = (definition: ToolDefinition): Set<string> => {
    const schema = definition.inputSchema as Record<string, unknown> | undefined;
    return new Set(Array.isArray(schema?.['required']) ? (schema['required'] as unknown[]).map(String) : []);
  };
  const newRequired = required(after);
  const oldRequired = required(before);
  const addedParams = Object.keys(newProps).filter((p) => !(p in oldProps));
  const removedParams = Object.keys(oldProps).filter((p) => !(p in newProps));
  for (const param of addedParams) {
    const type = typeOf(newProps[param]);
    const carrying = DATA_CARRYING.test(param) && /string|any|object/.test(type);
    changes.push(`new parameter "${param}" (${type}${newRequired.has(param) ? ', required' : ''})${carrying ? ' that can carry data out' : ''}`);
    raise(carrying ? 'critical' : newRequired.has(param) ? 'medium' : 'low');
  }
  for (const param of removedParams) changes.push(`parameter "${param}" removed`);
  for (const param of Object.keys(newProps).filter((p) => p in oldProps)) {
    const oldType = typeOf(oldProps[param]);
    const newType = typeOf(newProps[param]);
    if (oldType !== newType) {
      changes.push(`parameter "${param}" type ${oldType} → ${newType}`);
      raise('medium');
    }
    if (newRequired.has(param) && !oldRequired.has(param)) changes.push(`parameter "${param}" now required`);
    const oldDescription = oldProps[param]?.['description'];
    const newDescription = newProps[param]?.['description'];
    if (oldDescription !== newDescription) changes.push(`parameter "${param}" description changed`);
  }

  if ((before.description ?? '') !== (after.description ?? '')) {
    const oldLength = (before.description ?? '').length;
    const newLength = (after.description ?? '').length;
    if (newLength > oldLength * 2 + 200) {
      changes.push(`description grew from ${oldLength} to ${newLength} characters`);
      raise('medium');
    } else changes.push('description reworded');
  }
  if (before.title !== after.title) changes.push('title changed');
  for (const [flag, risky] of [
    ['readOnlyHint', false],
    ['destructiveHint', true],
    ['openWorldHint', true],
  ] as const) {
    const was = annotationFlag(before, flag);
    const now = annotationFlag(after, flag);
    if (was !== now) {
      changes.push(`annotation ${flag}: ${String(was)} → ${String(now)}`);
      if (now === risky || (flag === 'readOnlyHint' && was === true)) raise('medium');
    }
  }
  if (JSON.stringify(before.outputSchema) !== JSON.stringify(after.outputSchema)) changes.push('output schema changed');

  const known = new Set([...beforeScan.poisoning, ...beforeScan.shadowing].map(signalKey));
  const newSignals = [...afterScan.poisoning, ...afterScan.shadowing].filter((s) => !known.has(signalKey(s)));
  const newPoisoning = combinedSeverity(newSignals.filter((s) => afterScan.poisoning.includes(s)));
  const newShadowing = combinedSeverity(newSignals.filter((s) => afterScan.shadowing.includes(s)));
  if (newPoisoning && severityRank(newPoisoning) >= severityRank('medium')) {
    const strongest = newSignals.filter((s) => afterScan.poisoning.includes(s)).sort((a, b) => severityRank(b.severity) - severityRank(a.severity))[0];
    changes.unshift(`new poisoning signal (${newPoisoning}): ${strongest?.signal ?? 'hidden instructions'}`);
    raise(severityRank(newPoisoning) >= severityRank('high') ? 'critical' : 'high');
  }
  if (newShadowing && severityRank(newShadowing) >= severityRank('medium')) {
    changes.unshift(`new instructions about other tools (${newShadowing})`);
    raise('high');
  }
  if (changes.length === 0) changes.push('definition changed (metadata)');
  return { severity, changes, addedParams, removedParams, newSignals, diff: diffDefinitions(before, after) };
}
