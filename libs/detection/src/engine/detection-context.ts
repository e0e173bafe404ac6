import type { Alert } from '@palisade/schema';
import type { CorrelationRecord } from '../rules/correlation-record.js';
import { createAlert, suppressedBy, type AlertDraft } from './alert.factory.js';
import { tuningFor, type CompiledEngine } from './compile-engine.js';
import type { EngineState } from './engine-state.js';
import type { EventView } from './event-view.js';

/**
 * An alert as a detector describes it; the context fills server, session, time and event ids (a detector
 * sets them only for an alert about another event than the one evaluated: a call whose source arrived late).
 */
export type DetectorAlert = Omit<AlertDraft, 'ts' | 'server' | 'sessionId' | 'eventIds'> & Partial<Pick<AlertDraft, 'ts' | 'server' | 'sessionId' | 'eventIds'>>;

/** Everything a detector works with while one event is evaluated. */
export class DetectionContext {
  readonly alerts: Alert[] = [];
  /** Records for the correlation rules: alerts raised, and remembered flags re-announced. */
  readonly records: CorrelationRecord[] = [];
  /** Fields computed for the event's correlation record (`palisade.call.new_params`…). */
  readonly derived: Record<string, unknown> = {};

  constructor(
    readonly engine: CompiledEngine,
    readonly state: EngineState,
    readonly view: EventView,
  ) {}

  /** Raises an alert unless the tool's tuning mutes it; returns it (or null when suppressed). */
  emit(alert: DetectorAlert): Alert | null {
    const server = alert.server ?? this.view.server;
    const tuning = tuningFor(this.engine, server, alert.tool);
    const tsMs = alert.ts === undefined ? this.view.tsMs : Date.parse(alert.ts);
    if (suppressedBy(tuning, alert.category, alert.values ?? [], tsMs)) return null;
    const made = createAlert({
      ...alert,
      server,
      sessionId: alert.sessionId === undefined ? this.view.session : alert.sessionId,
      ts: alert.ts ?? this.view.event.ts,
      eventIds: alert.eventIds ?? [this.view.event.id],
    });
    this.alerts.push(made);
    const record = this.alertRecord(made);
    this.records.push(alert.ts === undefined ? record : { ...record, tsMs, session: made.sessionId ?? record.session });
    return made;
  }

  /** A correlation record for an alert (raised now, or remembered and re-announced). */
  alertRecord(alert: Alert, remembered = false): CorrelationRecord {
    const view = this.view;
    return { type: 'alert', event: view.event, tsMs: view.tsMs, server: alert.server, tool: alert.tool, session: view.session, agent: view.agent, alert, derived: this.derived, ...(remembered ? { remembered } : {}) };
  }
}
