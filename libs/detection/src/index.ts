// The pure detection engine: scanners, baselines, correlation rules. No I/O, no clock of its own.
// Shape: parseRulePack (YAML texts → rule definitions) → compileEngine → evaluate(engine, event, state).
export * from './secrets/index.js';

export { evaluate, evaluateBatch, type EvaluationResult } from './engine/evaluate.js';
export { compareTunings, replayAlerts, tuningSuppresses, type TuningComparison } from './engine/tuning-replay.js';
export { learnBaselines, type BaselineSeed } from './engine/baseline-seed.js';
export { compileEngine, setRuleEnabled, setTuning, removeTuning, tuningFor, ruleSummaries, type CompiledEngine, type EngineConfig } from './engine/compile-engine.js';
export type { EngineOptions, ResolvedTuning } from './engine/engine-options.js';
export { EngineState, createState, exportState, importState, changedEntries, baselineKey, pinKey, type StateEntry, type StateChanges } from './engine/engine-state.js';
export { approveTool, toolPins, toolPin, toolDefinitions, baselineSummary } from './engine/tool-pins.js';
export { builtinRuleId, BUILTIN_RULE_VERSION } from './engine/alert.factory.js';

export { parseRulePack, type RuleFile, type RulePackParseResult } from './rules/rule-pack.parser.js';
export { formatRuleError, type CorrelationRuleDefinition, type RuleLoadError, type RuleExample, type RuleKind } from './rules/correlation-rule.js';
export { exampleEvents } from './rules/rule-example.js';
export { SUPPRESSED_KEY } from './rules/alert-suppression.js';

export { scanToolDefinition, type DefinitionScan } from './scanners/tool-definition.scanner.js';
export { scanText, combinedSeverity, type TextSignal, type SignalKind } from './scanners/text-signal.scanner.js';
export { definitionHash, diffDefinitions } from './detectors/definition-diff.js';
export { definitionAsText } from './detectors/tool-definition.detector.js';
export { assessDrift, type DriftAssessment } from './detectors/description-drift.detector.js';
export { analyseText } from './text/text-analysis.js';

export { evaluateLabelledItems, formatEvaluationReport, expectedCategories, type LabelledItem, type EvaluationReport, type MetricRow, type ItemOutcome, type EvaluateOptions } from './evaluation/labelled-item.evaluator.js';
