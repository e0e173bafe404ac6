import type { Alert, AlertCategory, TelemetryEvent } from '@palisade/schema';
import { compileEngine, createState, evaluate, exampleEvents, type CompiledEngine, type EngineConfig, type EngineState } from '../src/index.js';

/** Short events (see exampleEvents) made into telemetry events. */
export function events(shorts: Record<string, unknown>[], prefix = 'test'): TelemetryEvent[] {
  return exampleEvents({ name: prefix, expect: 'match', events: shorts }, Date.UTC(2026, 0, 1), prefix);
}

/** A small engine harness: evaluates short events in order and keeps the alerts. */
export class Harness {
  readonly engine: CompiledEngine;
  readonly state: EngineState;
  readonly alerts: Alert[] = [];
  private batches = 0;

  /** `state`: an engine state to go on from (one imported after a restart, say); a fresh one by default. */
  constructor(config: EngineConfig = {}, state: EngineState = createState()) {
    this.engine = compileEngine(config);
    this.state = state;
  }

  run(shorts: Record<string, unknown>[]): Alert[] {
    this.batches += 1;
    const raised: Alert[] = [];
    for (const event of events(shorts, `b${this.batches}`)) raised.push(...evaluate(this.engine, event, this.state).alerts);
    this.alerts.push(...raised);
    return raised;
  }

  of(category: AlertCategory): Alert[] {
    return this.alerts.filter((a) => a.category === category);
  }
}

/** Alerts of one category from a fresh engine over the given short events. */
export function alertsOf(category: AlertCategory, shorts: Record<string, unknown>[], config: EngineConfig = {}): Alert[] {
  const harness = new Harness(config);
  harness.run(shorts);
  return harness.of(category);
}

export const OK = { content: [{ type: 'text', text: 'ok' }] };
export const S = { type: 'string' };

export function def(name: string, description: string, properties: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, description, inputSchema: { type: 'object', properties }, ...extra };
}

/** Tag characters spelling a text (invisible). */
export function tagText(text: string): string {
  return [...text].map((c) => String.fromCodePoint(0xe0000 + (c.codePointAt(0) ?? 0))).join('');
}
