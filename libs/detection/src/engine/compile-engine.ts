import { BaselineTuning, type BaselineTuningInput, type RuleSummary } from '@palisade/schema';
import type { CorrelationRuleDefinition } from '../rules/correlation-rule.js';
import { SUPPRESSED_KEY } from '../rules/alert-suppression.js';
import { HITS_KEY } from '../rules/correlation.evaluator.js';
import { compileRule, indexRules, type CompiledRule, type RuleIndex } from '../rules/rule.compiler.js';
import { defaultTuning, resolveOptions, resolveTuning, tuningKey, type EngineOptions, type ResolvedEngineOptions, type ResolvedTuning } from './engine-options.js';
import type { EngineState } from './engine-state.js';

/** What the engine is built from: correlation rules (from `parseRulePack`), per-tool tunings, options. */
export interface EngineConfig {
  rules?: readonly CorrelationRuleDefinition[];
  tunings?: readonly BaselineTuningInput[];
  options?: EngineOptions;
}

/**
 * The compiled engine: rules with their predicates and an index by method and alert category, the
 * enabled state of each rule, per-tool tunings and options. Immutable except through `setRuleEnabled`,
 * `setTuning` and `removeTuning`, which change it in place (effective from the next event).
 */
export interface CompiledEngine {
  readonly options: ResolvedEngineOptions;
  readonly rules: readonly CompiledRule[];
  readonly index: RuleIndex;
  readonly disabledRules: Set<string>;
  readonly tunings: Map<string, ResolvedTuning>;
  readonly defaults: ResolvedTuning;
}

/** Compiles rules, tunings and options into an engine (throws only on an invalid tuning). */
export function compileEngine(config: EngineConfig = {}): CompiledEngine {
  const options = resolveOptions(config.options);
  const rules = (config.rules ?? []).map(compileRule);
  const engine: CompiledEngine = {
    options,
    rules,
    index: indexRules(rules),
    disabledRules: new Set(rules.filter((r) => !r.definition.enabled).map((r) => r.definition.id)),
    tunings: new Map(),
    defaults: defaultTuning(options),
  };
  for (const tuning of config.tunings ?? []) setTuning(engine, tuning);
  return engine;
}

/** Enables or disables a correlation rule; false when no rule has that id. */
export function setRuleEnabled(engine: CompiledEngine, ruleId: string, enabled: boolean): boolean {
  if (!engine.rules.some((r) => r.definition.id === ruleId)) return false;
  if (enabled) engine.disabledRules.delete(ruleId);
  else engine.disabledRules.add(ruleId);
  return true;
}

/** Sets (replaces) one tool's tuning; returns it with the schema's defaults applied. */
export function setTuning(engine: CompiledEngine, input: BaselineTuningInput): BaselineTuning {
  const resolved = resolveTuning(input);
  const tuning = resolved.source ?? BaselineTuning.parse(input);
  engine.tunings.set(tuningKey(tuning.server, tuning.tool), resolved);
  return tuning;
}

export function removeTuning(engine: CompiledEngine, server: string, tool: string): void {
  engine.tunings.delete(tuningKey(server, tool));
}

/** The tuning that applies to a tool (its own, or the engine defaults). */
export function tuningFor(engine: CompiledEngine, server: string, tool: string | null): ResolvedTuning {
  return (tool !== null ? engine.tunings.get(tuningKey(server, tool)) : undefined) ?? engine.defaults;
}

/** The correlation rules as the API lists them, with their hit and suppressed counts from the state when given. */
export function ruleSummaries(engine: CompiledEngine, state?: EngineState): RuleSummary[] {
  const hits = state?.get<Record<string, number>>(HITS_KEY) ?? {};
  const suppressed = state?.get<Record<string, number>>(SUPPRESSED_KEY) ?? {};
  return engine.rules.map(({ definition: d }) => ({
    id: d.id,
    version: d.version,
    title: d.title,
    description: d.description,
    category: d.category,
    severity: d.severity,
    kind: d.kind,
    enabled: !engine.disabledRules.has(d.id),
    hits: hits[d.id] ?? 0,
    ...(d.suppressMs !== undefined ? { suppressSeconds: d.suppressMs / 1000 } : {}),
    suppressed: suppressed[d.id] ?? 0,
    ...(d.file ? { file: d.file } : {}),
  }));
}
