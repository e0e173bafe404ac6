import type { AlertCategory, Severity } from '@palisade/schema';

export const RULE_KINDS = ['event_count', 'value_count', 'temporal', 'temporal_ordered'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export const MATCH_MODIFIERS = ['eq', 'not', 'contains', 'startswith', 'endswith', 're', 'exists', 'gt', 'gte', 'lt', 'lte'] as const;
export type MatchModifier = (typeof MATCH_MODIFIERS)[number];

/** One condition of a `where` block: `field|modifier: value`. */
export interface FieldCondition {
  field: string;
  modifier: MatchModifier;
  /** Values to compare with (any of them may match); for `exists`, `[true]` or `[false]`. */
  values: (string | number | boolean | null)[];
}

/** A named step of a temporal rule, or the single filter of a count rule. */
export interface RuleStep {
  name: string;
  where: FieldCondition[];
}

/** Comparison a count must satisfy. */
export interface CountCondition {
  gte?: number;
  gt?: number;
  lte?: number;
  lt?: number;
  eq?: number;
}

/** One example event of a rule (partial: the test helper fills defaults). */
export type RuleExampleEvent = Record<string, unknown>;

export interface RuleExample {
  name: string;
  /** Whether the rule must raise an alert on these events (at least one, or exactly `alerts`). */
  expect: 'match' | 'no_match';
  events: RuleExampleEvent[];
  /** `match` only: exactly this many alerts of the rule. */
  alerts?: number;
  /** `match` only: the suppressed firings the rule's alerts report in all (`evidence.details.suppressed.count`). */
  suppressed?: number;
}

/** A correlation rule as written in YAML, validated. */
export interface CorrelationRuleDefinition {
  id: string;
  version: number;
  title: string;
  description: string;
  category: AlertCategory;
  severity: Severity;
  kind: RuleKind;
  /** Sliding window, milliseconds. */
  timespanMs: number;
  /** Fields whose values partition the windows (`server`, `tool`, `session`, `agent`, any event field). */
  groupBy: string[];
  /** Temporal kinds: the steps (in order for temporal_ordered). Count kinds: one step (the `where`). */
  steps: RuleStep[];
  /** Count kinds: the threshold. */
  condition: CountCondition;
  /** value_count: the field whose distinct values are counted. */
  valueField?: string;
  /** Expand each record once per finding (`finding.type`, `finding.fingerprint`, `finding.where`, `finding.path`). */
  forEach?: 'finding';
  /** temporal_ordered: each step's value of these fields must differ from the previous step's. */
  distinct: string[];
  /** Which step's record gives the alert its server/tool/session (default: the last). */
  attributeTo?: string;
  /** Which step's record is shown as the source (evidence.source). */
  sourceStep?: string;
  /**
   * After the rule raises an alert for a group, further firings for that group within this many
   * milliseconds (event time, either side of the alert) raise nothing and are counted; the group's next
   * alert reports them. Absent: every firing raises an alert.
   */
  suppressMs?: number;
  enabled: boolean;
  examples: RuleExample[];
  /** Where the rule was loaded from (`rules/x.yaml:3`). */
  file?: string;
}

/** A load or validation error, with where it is. */
export interface RuleLoadError {
  file: string;
  line: number;
  message: string;
}

export function formatRuleError(error: RuleLoadError): string {
  return `${error.file}:${error.line}: ${error.message}`;
}
