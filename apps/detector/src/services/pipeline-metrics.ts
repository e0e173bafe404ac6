import { Injectable } from '@nestjs/common';

/** Counters of the pipeline worker in this process (health, bench, logs). */
@Injectable()
export class PipelineMetrics {
  running = false;
  batches = 0;
  eventsProcessed = 0;
  eventsDuplicate = 0;
  eventsInvalid = 0;
  alertsRaised = 0;
  incidentsOpened = 0;
  failures = 0;
  /** When a batch last failed (ms since the epoch): health says `degraded` for a minute after. */
  lastFailureMs: number | null = null;
  /** Events the engine threw on: stored unanalysed and kept as dead letters with the error. */
  eventsUnanalysed = 0;
  /** Events read from the bus with parts no collector captured (a producer writing to the bus itself): redacted here. */
  eventsRedacted = 0;
  lastBatchAt: string | null = null;
  lastError: string | null = null;
  /** Time spent per stage since start, ms: where a slow pipeline spends it. */
  readonly stageMs = { parse: 0, dedupe: 0, analyse: 0, writeWait: 0 };
  /** Event time → alert stored, ms, for the last alerts (bounded). */
  readonly alertLatencyMs: number[] = [];

  recordAlertLatency(ms: number): void {
    this.alertLatencyMs.push(ms);
    if (this.alertLatencyMs.length > 1000) this.alertLatencyMs.splice(0, this.alertLatencyMs.length - 1000);
  }

  /** Percentile (0–100) of the recent event → alert latencies, ms; null before any alert. */
  alertLatency(p: number): number | null {
    if (this.alertLatencyMs.length === 0) return null;
    const sorted = [...this.alertLatencyMs].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  }

  /** A batch failed within the last minute: the pipeline is retrying rather than keeping up. */
  get degraded(): boolean {
    return this.lastFailureMs !== null && Date.now() - this.lastFailureMs < 60_000;
  }

  snapshot(): Record<string, unknown> {
    return {
      alertLatencyP50Ms: this.alertLatency(50),
      alertLatencyP99Ms: this.alertLatency(99),
      running: this.running,
      batches: this.batches,
      eventsProcessed: this.eventsProcessed,
      eventsDuplicate: this.eventsDuplicate,
      eventsInvalid: this.eventsInvalid,
      alertsRaised: this.alertsRaised,
      incidentsOpened: this.incidentsOpened,
      failures: this.failures,
      eventsUnanalysed: this.eventsUnanalysed,
      eventsRedacted: this.eventsRedacted,
      lastBatchAt: this.lastBatchAt,
      stageMs: Object.fromEntries(Object.entries(this.stageMs).map(([k, v]) => [k, Math.round(v)])),
      lastError: this.lastError,
    };
  }
}
