import type { Alert, AuditEntry, AuditEntryInput, Incident, TelemetryEvent, ToolPin, ToolVersion } from '@palisade/schema';
import type { EngineStateWrite, OutboxItem, StoreBatch, StoreBatchResult } from '../store.port.js';

/** The synchronous writers an adapter with real transactions exposes to `writeBatch`. */
export interface BatchWriters {
  events: { insertManyNow(events: readonly TelemetryEvent[]): number };
  alerts: { insertManyNow(alerts: readonly Alert[]): string[] };
  incidents: { upsertNow(incident: Incident): void };
  tools: { addVersionNow(version: ToolVersion): void; upsertNow(pin: ToolPin): void };
  engineState: { putNow(entries: readonly EngineStateWrite[]): void };
  audit: { appendNow(entries: readonly AuditEntryInput[]): AuditEntry[] };
  outbox: { enqueueNow(items: readonly OutboxItem[]): void };
}

/** Writes every part of a batch, in the port's order; the caller runs it inside one transaction. */
export function applyBatch(batch: StoreBatch, writers: BatchWriters): StoreBatchResult {
  const eventsInserted = batch.events?.length ? writers.events.insertManyNow(batch.events) : 0;
  const alertsInserted = batch.alerts?.length ? writers.alerts.insertManyNow(batch.alerts) : [];
  for (const incident of batch.incidents ?? []) writers.incidents.upsertNow(incident);
  for (const version of batch.toolVersions ?? []) writers.tools.addVersionNow(version);
  for (const pin of batch.toolPins ?? []) writers.tools.upsertNow(pin);
  if (batch.engineState?.length) writers.engineState.putNow(batch.engineState);
  const audit = batch.audit?.length ? writers.audit.appendNow(batch.audit) : [];
  if (batch.outbox?.length) writers.outbox.enqueueNow(batch.outbox);
  return { eventsInserted, alertsInserted, audit };
}
