import { deterministicId, type Alert, type AlertCategory, type Evidence, type EvidenceMatch, type Severity } from '@palisade/schema';
import type { ResolvedTuning } from './engine-options.js';

/** Version of the built-in detectors' rules (bumped when their logic changes incompatibly). */
export const BUILTIN_RULE_VERSION = 1;

/** Rule id of a built-in detector: `palisade.<category>`. */
export function builtinRuleId(category: AlertCategory): string {
  return `palisade.${category}`;
}

/** Evidence as detectors write it (truncated to the schema's bounds when the alert is made). */
export interface EvidenceDraft {
  summary: string;
  matches?: EvidenceMatch[];
  baseline?: Evidence['baseline'];
  diff?: string;
  victim?: Evidence['victim'];
  source?: Evidence['source'];
  fingerprints?: string[];
  details?: Record<string, unknown>;
}

export interface AlertDraft {
  category: AlertCategory;
  severity: Severity;
  title: string;
  server: string;
  tool: string | null;
  sessionId: string | null;
  ts: string;
  eventIds: string[];
  evidence: EvidenceDraft;
  /** Defaults to the built-in rule of the category. */
  ruleId?: string;
  ruleVersion?: number;
  /**
   * Events the id derives from, when not all of `eventIds`: an alert that also names a context event (a
   * flow's source) keeps the id of the event that carries the finding, whichever source was found.
   */
  keyEventIds?: string[];
  /** Extra id part when one event raises several alerts of one rule (a tool name, a field). */
  discriminator?: string;
  /** Values an exception may name (a recipient, a domain). */
  values?: string[];
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function clipMatch(match: EvidenceMatch): EvidenceMatch {
  return {
    ...match,
    field: clip(match.field, 500),
    text: clip(match.text, 2000),
    signal: clip(match.signal, 200),
    ...(match.decoded !== undefined ? { decoded: clip(match.decoded, 4000) } : {}),
  };
}

/** The values an exception may name, kept on the evidence so closing a false positive can scope its exception to them. */
function withValues(evidence: Evidence, values: readonly string[] | undefined): Evidence {
  const kept = [...new Set(values ?? [])].filter((v) => v.length <= 500).slice(0, 50);
  return kept.length ? { ...evidence, values: kept } : evidence;
}

/** Builds the evidence object within the schema's bounds. */
function evidenceOf(draft: EvidenceDraft): Evidence {
  const evidence: Evidence = { summary: clip(draft.summary, 2000), matches: (draft.matches ?? []).slice(0, 50).map(clipMatch) };
  if (draft.baseline) {
    const expected = draft.baseline.expected;
    evidence.baseline = { ...draft.baseline, ...(Array.isArray(expected) ? { expected: expected.slice(0, 100).map((e) => clip(e, 300)) } : {}) };
  }
  if (draft.diff !== undefined) evidence.diff = clip(draft.diff, 20000);
  if (draft.victim) evidence.victim = draft.victim;
  if (draft.source) evidence.source = draft.source;
  if (draft.fingerprints?.length) evidence.fingerprints = [...new Set(draft.fingerprints)].slice(0, 50);
  if (draft.details) evidence.details = draft.details;
  return evidence;
}

/** Whether a tuning mutes this alert: a muted detector, or an unexpired exception for its category (and value). */
export function suppressedBy(tuning: ResolvedTuning, category: AlertCategory, values: readonly string[], tsMs: number): boolean {
  if (tuning.muted.has(category)) return true;
  return tuning.exceptions.some((exception) => {
    if (exception.category !== category) return false;
    if (exception.expiresAt !== null && Date.parse(exception.expiresAt) <= tsMs) return false;
    if (exception.value === undefined) return true;
    const value = exception.value.toLowerCase();
    return values.some((v) => v.toLowerCase() === value);
  });
}

/**
 * Makes a full Alert: deterministic id from rule id, rule version, the triggering events and a
 * discriminator (so a replay never duplicates an alert), evidence within bounds, `incidentId: null`.
 */
export function createAlert(draft: AlertDraft): Alert {
  const ruleId = draft.ruleId ?? builtinRuleId(draft.category);
  const ruleVersion = draft.ruleVersion ?? BUILTIN_RULE_VERSION;
  const eventIds = draft.eventIds.slice(0, 500);
  const keyIds = draft.keyEventIds ?? eventIds;
  const parts: unknown[] = draft.discriminator === undefined ? keyIds : [...keyIds, draft.discriminator];
  return {
    id: deterministicId('alr', ruleId, ruleVersion, ...parts),
    ts: draft.ts,
    category: draft.category,
    severity: draft.severity,
    title: clip(draft.title, 300),
    server: draft.server,
    tool: draft.tool === null ? null : clip(draft.tool, 200),
    sessionId: draft.sessionId === null ? null : clip(draft.sessionId, 200),
    ruleId,
    ruleVersion,
    evidence: withValues(evidenceOf(draft.evidence), draft.values),
    eventIds,
    incidentId: null,
    status: 'open',
  };
}
