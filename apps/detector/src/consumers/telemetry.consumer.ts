import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Bus, BusConsumer, BusMessage } from '@palisade/bus';
import { definitionAsText, definitionHash } from '@palisade/detection';
import {
  type Alert,
  type AuditEntryInput,
  type Incident,
  type TelemetryEvent,
  type QuarantineState,
  type ToolPin,
  ToolDefinition,
  type ToolVersion,
  deterministicId,
  parseTelemetryEventJson,
  severityAtLeast,
} from '@palisade/schema';
import type { BatchWriter, EngineStateWrite, OutboxItem, Store, StoreBatch, StoreBatchResult } from '@palisade/store';
import { Clock } from '../common/clock.js';
import type { DetectorConfig } from '../config/detector-config.js';
import { BUS, DETECTOR_CONFIG, STORE } from '../infra/injection-tokens.js';
import { OutboxDispatcher } from '../outbox/outbox.dispatcher.js';
import { SYSTEM_ACTOR } from '../services/audit.service.js';
import { ContainmentService } from '../services/containment.service.js';
import { EngineService } from '../services/engine.service.js';
import { EngineSettings } from '../services/engine-settings.js';
import { IncidentService } from '../services/incident.service.js';
import { MailComposer } from '../services/mail.composer.js';
import { PipelineMetrics } from '../services/pipeline-metrics.js';
import { EdgeRedaction } from '../services/edge-redaction.js';
import { pipelineChunks } from './pipeline-chunks.js';

/** The consumer group of the pipeline worker on the telemetry topic. */
export const PIPELINE_GROUP = 'palisade-detector';
/** Larger messages are dead-lettered rather than parsed. */
export const MAX_EVENT_BYTES = 4 * 1024 * 1024;

const toolKey = (server: string, tool: string): string => `${server}\u0000${tool}`;

/** Serialises batch processing and settings changes: both mutate the engine state. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(task, task);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/**
 * The pipeline worker: consumes telemetry as a group, validates (invalid → dead letter with the reason),
 * deduplicates by event id, runs the engine, groups alerts into incidents, applies the containment
 * policy, and writes events, alerts, incidents, tool pins, engine state, audit entries and deliveries
 * in one store batch before the bus commits the offsets. A failed batch restores the engine state from
 * the store and is delivered again; events already stored are skipped, so nothing is analysed twice.
 */
@Injectable()
export class TelemetryConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('pipeline');
  private readonly mutex = new Mutex();
  private consumer: BusConsumer | null = null;
  private running: Promise<void> | null = null;
  private settingsTimer: NodeJS.Timeout | null = null;
  private writer: Promise<BatchWriter> | null = null;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(STORE) private readonly store: Store,
    @Inject(DETECTOR_CONFIG) private readonly config: DetectorConfig,
    private readonly engine: EngineService,
    private readonly settings: EngineSettings,
    private readonly incidents: IncidentService,
    private readonly containment: ContainmentService,
    private readonly mail: MailComposer,
    private readonly dispatcher: OutboxDispatcher,
    private readonly metrics: PipelineMetrics,
    private readonly clock: Clock,
    private readonly redaction: EdgeRedaction,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The engine loaded the rule pack at module init.
    const restored = await this.engine.restoreState();
    this.logger.log(`engine state restored (${restored} entries)`);
    // Collectors that start later rebuild the quarantine set from the latest snapshot on mcp.control.
    await this.store.outbox.enqueue([await this.containment.snapshotOutbox()]);
    this.dispatcher.start();
    this.consumer = this.bus.consumer({ group: PIPELINE_GROUP, topic: this.config.topic, fromBeginning: true, maxBatch: 8000 });
    this.metrics.running = true;
    this.running = this.consumer.run((batch) => this.mutex.run(() => this.handle(batch))).catch((error: unknown) => {
      this.metrics.running = false;
      this.logger.error(`pipeline stopped: ${(error as Error).stack ?? String(error)}`);
    });
    const tick = (): void => {
      void this.mutex
        .run(() => this.applySettingsChanges())
        .catch((error: unknown) => this.logger.warn(`settings refresh failed: ${(error as Error).message}`))
        .finally(() => {
          if (this.metrics.running) this.settingsTimer = setTimeout(tick, 1000);
        });
    };
    this.settingsTimer = setTimeout(tick, 1000);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.settingsTimer) clearTimeout(this.settingsTimer);
    await this.consumer?.stop();
    await this.running;
    this.metrics.running = false;
    await (await this.writer)?.close();
  }

  /** One bus batch. Throws to have it delivered again (after restoring the engine state). */
  async handle(messages: readonly BusMessage[]): Promise<void> {
    try {
      await this.process(messages);
    } catch (error) {
      this.metrics.failures += 1;
      this.metrics.lastFailureMs = Date.now();
      this.metrics.lastError = (error as Error).message;
      this.logger.error(`batch of ${messages.length} failed, will be retried: ${(error as Error).message}`);
      await this.engine.restoreState().catch(() => undefined);
      throw error;
    }
  }

  private async process(messages: readonly BusMessage[]): Promise<void> {
    const stages = this.metrics.stageMs;
    let mark = performance.now();
    const lap = (stage: keyof typeof stages): void => {
      const now = performance.now();
      stages[stage] += now - mark;
      mark = now;
    };
    const inBatch = new Set<string>();
    // The producer's text of each event that is exactly the validated event: stored as its document.
    const documents = new Map<string, string>();

    // A two-stage pipeline: the engine parses and analyses chunk k while the store writer (its own thread
    // for sqlite) writes chunk k-1. Chunks are written in order and chunk k is handed over only after k-1
    // was written, so a failed write leaves nothing after it: the batch is redelivered, the engine state
    // restored, and the chunks already written are recognised by their event ids.
    // Settings and approvals from the API apply from the first chunk with new events on.
    let approvals: Awaited<ReturnType<TelemetryConsumer['collectApprovals']>> | null = null;
    const incidentCache = new Map<string, Incident | null>();
    let writer: BatchWriter | null = null;
    let inflight: Promise<StoreBatchResult> | null = null;
    const outcomes: { result: StoreBatchResult; alerts: Alert[]; created: number; events: number; outbox: number }[] = [];
    let pending: { alerts: Alert[]; created: number; events: number; outbox: number } | null = null;
    try {
      for (const [start, end] of pipelineChunks(messages.length)) {
        const chunk = await this.freshEvents(messages.slice(start, end), inBatch, documents, lap);
        if (chunk.length === 0) continue;
        const firstChunk = approvals === null;
        approvals ??= await this.collectApprovals();
        const prepared = await this.prepare(chunk, firstChunk ? approvals : null, incidentCache);
        lap('analyse');
        if (inflight) outcomes.push({ result: await inflight, ...pending! });
        inflight = null;
        lap('writeWait');
        // Quarantine state first (idempotent), so a crash before the batch leaves the tool contained.
        for (const { key, value } of prepared.quarantines) await this.store.settings.put(key, value);
        writer ??= await this.batchWriter();
        inflight = writer.write({ ...prepared.batch, eventDocuments: documents });
        pending = { alerts: prepared.batch.alerts as Alert[], created: prepared.created, events: chunk.length, outbox: prepared.batch.outbox!.length };
      }
      if (inflight) outcomes.push({ result: await inflight, ...pending! });
      lap('writeWait');
    } catch (error) {
      // Nothing may still be landing when the caller restores the engine state from the store.
      await (inflight as Promise<StoreBatchResult> | null)?.catch(() => undefined);
      throw error;
    }
    if (approvals === null) return;
    for (const approval of approvals.cleared) await this.settings.clearApproval(approval.server, approval.tool);

    const now = this.clock.now().getTime();
    for (const outcome of outcomes) {
      const inserted = new Set(outcome.result.alertsInserted);
      for (const alert of outcome.alerts) if (inserted.has(alert.id)) this.metrics.recordAlertLatency(now - Date.parse(alert.ts));
      this.metrics.eventsProcessed += outcome.events;
      this.metrics.alertsRaised += outcome.result.alertsInserted.length;
      this.metrics.incidentsOpened += outcome.created;
    }
    this.metrics.batches += 1;
    this.metrics.lastBatchAt = new Date(now).toISOString();
    if (outcomes.some((o) => o.outbox > 0)) this.dispatcher.wake();
  }

  /**
   * The events of some messages that are valid (the others are dead-lettered with the reason), not
   * earlier in this batch, and not already stored (a redelivered batch). The message text of an event
   * that is exactly the event (and was not redacted here) goes into `documents`.
   */
  private async freshEvents(messages: readonly BusMessage[], inBatch: Set<string>, documents: Map<string, string>, lap: (stage: 'parse' | 'dedupe') => void): Promise<TelemetryEvent[]> {
    const events: TelemetryEvent[] = [];
    for (const message of messages) {
      const parsed = message.value.length > MAX_EVENT_BYTES ? ({ ok: false, reason: `event larger than ${MAX_EVENT_BYTES} bytes` } as const) : parseTelemetryEventJson(message.value);
      if (!parsed.ok) {
        this.metrics.eventsInvalid += 1;
        await this.bus.deadLetter({ topic: message.topic, partition: message.partition, offset: message.offset, group: PIPELINE_GROUP, reason: parsed.reason, value: this.redaction.text(message.value.slice(0, 1_000_000)) });
        continue;
      }
      // Collectors and ingest mark what they captured (and redacted); an event a producer wrote straight
      // to the bus may carry raw secrets: they are fingerprinted before the engine and the store see it.
      const redacted = this.redaction.uncaptured(parsed.value);
      if (redacted) this.metrics.eventsRedacted += 1;
      if (inBatch.has(parsed.value.id)) {
        this.metrics.eventsDuplicate += 1;
        continue;
      }
      inBatch.add(parsed.value.id);
      if (parsed.document !== null && !redacted) documents.set(parsed.value.id, parsed.document);
      events.push(parsed.value);
    }
    lap('parse');
    if (events.length === 0) return events;
    const fresh = await this.store.events.filterNew(events.map((e) => e.id));
    lap('dedupe');
    this.metrics.eventsDuplicate += events.length - fresh.size;
    return fresh.size === events.length ? events : events.filter((e) => fresh.has(e.id));
  }

  /** Analyses one chunk: engine, incidents, containment policy, e-mail; returns what to write. */
  private async prepare(
    chunk: readonly TelemetryEvent[],
    approvals: { touched: Map<string, { server: string; tool: string }>; audit: AuditEntryInput[] } | null,
    incidentCache: Map<string, Incident | null>,
  ): Promise<{ batch: StoreBatch; quarantines: { key: string; value: QuarantineState | null }[]; created: number }> {
    const alerts: Alert[] = [];
    const touched = new Map<string, { server: string; tool: string }>(approvals?.touched ?? []);
    const versions = new Map<string, ToolVersion>();
    for (const event of chunk) {
      try {
        alerts.push(...this.engine.evaluate(event));
      } catch (error) {
        // One event the engine cannot analyse must not stop the pipeline (its batch would be retried
        // forever and nothing after it analysed): it is stored unanalysed and kept aside with the error.
        await this.unanalysable(event, error as Error);
      }
      this.trackTools(event, touched, versions);
    }

    const grouped = await this.incidents.group(alerts, incidentCache);
    const incidents = new Map(grouped.incidents.map((i) => [i.id, i]));
    const audit: AuditEntryInput[] = [...(approvals?.audit ?? [])];
    const outbox: OutboxItem[] = [];
    const quarantines: { key: string; value: QuarantineState | null }[] = [];
    for (const alert of grouped.alerts) {
      const policy = this.containment.policyFor(alert);
      if (!policy || !alert.tool) continue;
      const reason = `automatic: ${alert.severity} ${alert.category} — ${alert.title}`;
      if (policy.mode === 'dry-run') {
        audit.push({ ts: this.clock.nowIso(), actor: SYSTEM_ACTOR, action: 'tool.quarantine.dry_run', target: `tool:${alert.server}/${alert.tool}`, details: { alertId: alert.id, incidentId: alert.incidentId, reason } });
        continue;
      }
      const already = quarantines.some((q) => q.key.endsWith(`/${alert.server}/${alert.tool}`)) || (await this.containment.quarantineState(alert.server, alert.tool)) !== null;
      const plan = this.containment.planQuarantine({ server: alert.server, tool: alert.tool, reason, incidentId: alert.incidentId, actor: SYSTEM_ACTOR, decisionKey: alert.id }, already);
      quarantines.push(...plan.settings);
      outbox.push(...plan.outbox);
      audit.push(...plan.audit);
      const incident = alert.incidentId ? incidents.get(alert.incidentId) : undefined;
      if (incident && incident.status === 'open') {
        const contained = { ...incident, status: 'contained' as const };
        incidents.set(incident.id, contained);
        incidentCache.set(`${contained.server}\u0000${contained.tool ?? ''}\u0000${contained.sessionId ?? ''}`, contained);
        incidentCache.set(`#${contained.id}`, contained);
      }
    }
    const finalAlerts = grouped.alerts.map((a) => (a.incidentId && incidents.get(a.incidentId)?.status !== a.status ? { ...a, status: incidents.get(a.incidentId)!.status } : a));

    if (this.config.mail.smtpUrl) {
      for (const incident of [...grouped.created, ...grouped.escalated]) {
        const current = incidents.get(incident.id) ?? incident;
        if (!severityAtLeast(current.severity, 'high')) continue;
        const message = this.mail.incident(current, finalAlerts.filter((a) => a.incidentId === current.id));
        const now = this.clock.nowIso();
        outbox.push({ id: deterministicId('mail', current.id), kind: 'email', destination: message.to.join(','), payload: message, createdAt: now, nextAttemptAt: now, attempts: 0, status: 'pending', lastError: null });
      }
    }

    const toolPins = [...touched.values()].map(({ server, tool }) => this.engine.toolPin(server, tool)).filter((p): p is ToolPin => p !== null);
    const engineState: EngineStateWrite[] = this.engine.takeChanges();
    return {
      batch: { events: chunk, alerts: finalAlerts, incidents: [...incidents.values()], toolVersions: [...versions.values()], toolPins, engineState, audit, outbox },
      quarantines,
      created: grouped.created.length,
    };
  }

  private async unanalysable(event: TelemetryEvent, error: Error): Promise<void> {
    this.metrics.eventsUnanalysed += 1;
    this.metrics.lastError = `analysis of event ${event.id} failed: ${error.message}`;
    this.logger.error(`analysis of event ${event.id} (${event['palisade.server.name']} ${event['mcp.method.name']}) failed; stored unanalysed and kept as a dead letter: ${error.stack ?? error.message}`);
    await this.bus.deadLetter({ topic: this.config.topic, partition: 0, offset: `event:${event.id}`, group: PIPELINE_GROUP, reason: `analysis failed: ${error.message}`, value: JSON.stringify(event).slice(0, 1_000_000) });
  }

  /** The store's batch writer (a worker thread for sqlite), started on first use. */
  private async batchWriter(): Promise<BatchWriter> {
    this.writer ??= this.store.batchWriter();
    return this.writer;
  }

  /** Tools listed (with their definition versions) or called in this batch: their pins are written back. */
  private trackTools(event: TelemetryEvent, touched: Map<string, { server: string; tool: string }>, versions: Map<string, ToolVersion>): void {
    const server = event['palisade.server.name'];
    const method = event['mcp.method.name'];
    if (method === 'tools/call' && event['gen_ai.tool.name']) {
      touched.set(toolKey(server, event['gen_ai.tool.name']), { server, tool: event['gen_ai.tool.name'] });
      return;
    }
    if (method !== 'tools/list') return;
    const result = event['palisade.response.result'] as { tools?: unknown } | undefined;
    if (!result || !Array.isArray(result.tools)) return;
    for (const raw of result.tools) {
      const parsed = ToolDefinition.safeParse(raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? definitionAsText(raw as ToolDefinition) : raw);
      if (!parsed.success || parsed.data.name.length > 200) continue;
      const definition = parsed.data;
      const tool = definition.name;
      touched.set(toolKey(server, tool), { server, tool });
      const hash = definitionHash(definition);
      const key = `${toolKey(server, tool)}\u0000${hash}`;
      const existing = versions.get(key);
      if (existing) existing.lastSeen = event.ts > existing.lastSeen ? event.ts : existing.lastSeen;
      else versions.set(key, { server, tool, hash, definition, firstSeen: event.ts, lastSeen: event.ts, eventId: event.id });
    }
  }

  /** Pending approvals from the API: re-pin in the engine; cleared after the batch that persists them. */
  private async collectApprovals(): Promise<{ touched: Map<string, { server: string; tool: string }>; audit: AuditEntryInput[]; cleared: { server: string; tool: string }[] }> {
    await this.engine.refreshSettings();
    const touched = new Map<string, { server: string; tool: string }>();
    const cleared: { server: string; tool: string }[] = [];
    for (const approval of await this.settings.approvals()) {
      const pin = this.engine.approve(approval.server, approval.tool, approval.ts, approval.by);
      cleared.push({ server: approval.server, tool: approval.tool });
      if (pin) touched.set(toolKey(approval.server, approval.tool), { server: approval.server, tool: approval.tool });
    }
    return { touched, audit: [], cleared };
  }

  /** Applies settings changed through the API (tunings, rule switches, approvals) when no events flow. */
  private async applySettingsChanges(): Promise<void> {
    const changed = await this.engine.refreshSettings();
    if (!changed && (await this.settings.approvals()).length === 0) return;
    const approvals = await this.collectApprovals();
    if (approvals.cleared.length === 0) return;
    const toolPins = [...approvals.touched.values()].map(({ server, tool }) => this.engine.toolPin(server, tool)).filter((p): p is ToolPin => p !== null);
    await this.store.writeBatch({ toolPins, engineState: this.engine.takeChanges() });
    for (const approval of approvals.cleared) await this.settings.clearApproval(approval.server, approval.tool);
  }
}
