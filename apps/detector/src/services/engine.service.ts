import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  type CompiledEngine,
  type CorrelationRuleDefinition,
  type EngineState,
  approveTool,
  baselineSummary,
  changedEntries,
  compileEngine,
  createState,
  evaluate,
  formatRuleError,
  importState,
  parseRulePack,
  ruleSummaries,
  setRuleEnabled,
  setTuning,
  toolDefinitions,
  toolPin,
} from '@palisade/detection';
import type { Alert, BaselineSummary, BaselineTuningInput, RuleSummary, TelemetryEvent, ToolDefinition, ToolPin } from '@palisade/schema';
import type { EngineStateWrite, Store } from '@palisade/store';
import type { DetectorConfig } from '../config/detector-config.js';
import { DETECTOR_CONFIG, STORE } from '../infra/injection-tokens.js';
import { EngineSettings } from './engine-settings.js';

/** The rule pack could not be loaded: every error, each with file and line. */
export class RulePackError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads every .yml/.yaml under the rules folder (the only place the detector touches rule files). */
export function readRuleFiles(dir: string): { path: string; text: string }[] {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true }).map(String);
  } catch (error) {
    throw new RulePackError(`PALISADE_RULES_DIR=${dir} cannot be read: ${(error as Error).message}`);
  }
  return names
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile())
    .map((file) => ({ path: path.relative(dir, file), text: readFileSync(file, 'utf8') }));
}

/**
 * The detection engine inside the detector: the compiled rules and tunings, and (in the worker) the
 * engine state restored from the store and persisted batch by batch.
 */
@Injectable()
export class EngineService implements OnModuleInit {
  private readonly logger = new Logger('engine');
  private rules: CorrelationRuleDefinition[] = [];
  private compiled: CompiledEngine | null = null;
  private engineState: EngineState = createState();
  private loadedVersion = -1;

  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(DETECTOR_CONFIG) private readonly config: DetectorConfig,
    private readonly settings: EngineSettings,
  ) {}

  /**
   * The rule pack is loaded at start in every process, the API alone included (`serve --api-only`): the
   * rules API lists and switches its rules, and the baseline figures apply the tools' tunings.
   */
  async onModuleInit(): Promise<void> {
    await this.compile();
  }

  get engine(): CompiledEngine {
    if (!this.compiled) throw new Error('engine used before compile()');
    return this.compiled;
  }

  get state(): EngineState {
    return this.engineState;
  }

  /** Loads the rule pack (all errors at once, with file:line) and compiles it with the stored tunings and rule switches. */
  async compile(): Promise<void> {
    const { rules, errors } = parseRulePack(readRuleFiles(this.config.rulesDir));
    if (errors.length > 0) {
      throw new RulePackError(`the rule pack in ${this.config.rulesDir} has ${errors.length} error(s): ${errors.map(formatRuleError).join(' | ')}`);
    }
    this.rules = rules;
    await this.refreshSettings(true);
    this.logger.log(`${rules.length} correlation rules loaded from ${this.config.rulesDir}`);
  }

  /** Re-applies tunings and rule switches when the API changed them (cheap when nothing moved). */
  async refreshSettings(force = false): Promise<boolean> {
    const version = await this.settings.version();
    if (!force && version === this.loadedVersion) return false;
    const [tunings, switches] = await Promise.all([this.store.baselines.list(), this.settings.ruleSwitches()]);
    const compiled = compileEngine({ rules: this.rules, tunings, options: this.config.engine });
    for (const [ruleId, enabled] of switches) setRuleEnabled(compiled, ruleId, enabled);
    this.compiled = compiled;
    this.loadedVersion = version;
    return true;
  }

  /**
   * A fresh engine for a replay (a tuning preview): the loaded rules with their switches, the options and
   * every tool's tuning as the live engine has them, with `tuning` in place of its tool's. Call
   * `refreshSettings` first for the latest switches and tunings.
   */
  replayEngine(tuning: BaselineTuningInput): CompiledEngine {
    const live = this.engine;
    const engine = compileEngine({ rules: this.rules, tunings: [...live.tunings.values()].flatMap((t) => (t.source ? [t.source] : [])), options: this.config.engine });
    for (const ruleId of live.disabledRules) setRuleEnabled(engine, ruleId, false);
    setTuning(engine, tuning);
    return engine;
  }

  /**
   * How far back (event time) an event may still take part in an alert raised on another server or in
   * another session: a sensitive read followed into later calls, the longest window of an enabled rule.
   */
  correlationHorizonMs(): number {
    const engine = this.engine;
    return Math.max(engine.options.flowTtlMs, ...engine.rules.filter((r) => !engine.disabledRules.has(r.definition.id)).map((r) => r.definition.timespanMs));
  }

  /** Whether a rule (a correlation rule, or a built-in detector's) is switched off now. */
  ruleDisabled(ruleId: string): boolean {
    return this.engine.disabledRules.has(ruleId);
  }

  /** Restores the engine state persisted by earlier batches (worker start, and after a failed batch). */
  async restoreState(): Promise<number> {
    const entries = await this.store.engineState.loadAll();
    this.engineState = importState(entries.filter((e) => e.value !== null).map((e) => ({ key: e.key, value: e.value })));
    changedEntries(this.engineState); // nothing is dirty right after a restore
    return entries.length;
  }

  evaluate(event: TelemetryEvent): Alert[] {
    return evaluate(this.engine, event, this.engineState).alerts;
  }

  /** What changed since the last call, serialised now as JSON text (the engine keeps mutating its objects). */
  takeChanges(): EngineStateWrite[] {
    const { entries, deleted } = changedEntries(this.engineState);
    return [...entries.map((e) => ({ key: e.key, json: JSON.stringify(e.value) })), ...deleted.map((key) => ({ key, value: null }))];
  }

  approve(server: string, tool: string, ts: string, by: string): ToolPin | null {
    return approveTool(this.engineState, server, tool, ts, by);
  }

  toolPin(server: string, tool: string): ToolPin | null {
    return toolPin(this.engineState, server, tool);
  }

  definitions(server: string, tool: string): { pinned: ToolDefinition; current: ToolDefinition } | null {
    return toolDefinitions(this.engineState, server, tool);
  }

  baselineSummary(server: string, tool: string): BaselineSummary {
    return baselineSummary(this.engineState, server, tool, this.compiled ?? undefined);
  }

  ruleSummaries(): RuleSummary[] {
    return ruleSummaries(this.engine, this.engineState);
  }

  hasRule(id: string): boolean {
    return this.rules.some((r) => r.id === id);
  }
}
