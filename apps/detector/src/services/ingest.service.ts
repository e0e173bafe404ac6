import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Bus, BusProducer, OutgoingMessage } from '@palisade/bus';
import { type AuditActor, parseTelemetryEventJson } from '@palisade/schema';
import type { Store } from '@palisade/store';
import { Clock } from '../common/clock.js';
import { PalisadeErrorCode, PalisadeException } from '../common/palisade.exception.js';
import type { DetectorConfig } from '../config/detector-config.js';
import { BUS, DETECTOR_CONFIG, STORE } from '../infra/injection-tokens.js';
import { AuditService } from './audit.service.js';
import { EdgeRedaction } from './edge-redaction.js';

/** Ingest calls are audited as one summary per caller and address per window, not one entry per call. */
export const INGEST_AUDIT_WINDOW_MS = 60_000;

/** What one caller, from one address, sent during the current window. */
interface IngestTally {
  actor: AuditActor;
  source: string | undefined;
  requests: number;
  /** Requests answered with an error (the bus did not take the events): the client sends them again. */
  failed: number;
  accepted: number;
  rejected: number;
  from: string;
  to: string;
}

type TallyCounts = Omit<IngestTally, 'actor' | 'source'>;

export interface IngestResult {
  accepted: number;
  rejected: number;
  /** The first rejected lines with their reason (1-based line numbers). */
  errors: { line: number; reason: string }[];
}

/**
 * Validates NDJSON telemetry and publishes it to the bus, so ingested events take the same path as
 * events from collectors (deduplicated by id, analysed in order). Invalid lines are dead-lettered with
 * their reason and reported back; valid lines of the same body are still accepted.
 */
@Injectable()
export class IngestService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ingest');
  private producer: BusProducer | null = null;
  private readonly tallies = new Map<string, IngestTally>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(STORE) private readonly store: Store,
    @Inject(DETECTOR_CONFIG) private readonly config: DetectorConfig,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly redaction: EdgeRedaction,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => {
      this.flushAudit().catch((error: unknown) => this.logger.error(`ingest audit summary not written (kept for the next window): ${(error as Error).message}`));
    }, INGEST_AUDIT_WINDOW_MS);
    this.timer.unref();
  }

  /** The last window's summaries are written before the store closes. */
  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flushAudit().catch((error: unknown) => this.logger.error(`ingest audit summary lost at shutdown: ${(error as Error).message}`));
  }

  /**
   * Writes one `telemetry.ingested` audit entry per caller and address seen since the last flush: how
   * many requests, events accepted and lines rejected, and when. Ingest carries data, not decisions, and
   * collectors post every 100 ms: an entry per call would bury the analysts' actions. Returns the number
   * of entries written; on failure the tallies are kept for the next flush.
   */
  async flushAudit(): Promise<number> {
    if (this.tallies.size === 0) return 0;
    const tallies = [...this.tallies.values()];
    this.tallies.clear();
    const entries = tallies.map((t) => this.audit.entry(t.actor, 'telemetry.ingested', `topic:${this.config.topic}`, { requests: t.requests, failed: t.failed, accepted: t.accepted, rejected: t.rejected, from: t.from, to: t.to }, t.source));
    try {
      await this.store.audit.append(entries);
    } catch (error) {
      for (const tally of tallies) this.count(tally.actor, tally.source, tally);
      throw error;
    }
    return entries.length;
  }

  private count(actor: AuditActor, source: string | undefined, counts: TallyCounts): void {
    const key = `${actor.type}\u0000${actor.id}\u0000${source ?? ''}`;
    const tally = this.tallies.get(key);
    if (!tally) {
      this.tallies.set(key, { actor, source, ...counts });
      return;
    }
    tally.requests += counts.requests;
    tally.failed += counts.failed;
    tally.accepted += counts.accepted;
    tally.rejected += counts.rejected;
    if (counts.from < tally.from) tally.from = counts.from;
    if (counts.to > tally.to) tally.to = counts.to;
  }

  /** Validates and publishes one NDJSON body; the call, answered or failed, is counted in its caller's audit summary. */
  async ingestNdjson(body: string, actor: AuditActor, source?: string): Promise<IngestResult> {
    const at = this.clock.nowIso();
    try {
      const result = await this.publishNdjson(body);
      this.count(actor, source, { requests: 1, failed: 0, accepted: result.accepted, rejected: result.rejected, from: at, to: at });
      return result;
    } catch (error) {
      this.count(actor, source, { requests: 1, failed: 1, accepted: 0, rejected: 0, from: at, to: at });
      throw error;
    }
  }

  private async publishNdjson(body: string): Promise<IngestResult> {
    const messages: OutgoingMessage[] = [];
    const errors: IngestResult['errors'] = [];
    let rejected = 0;
    const lines = body.split('\n');
    for (let index = 0; index < lines.length; index += 1) {
      const line = lines[index]!.trim();
      if (!line) continue;
      const parsed = parseTelemetryEventJson(line);
      let reason: string;
      if (parsed.ok) {
        // Ingest is the edge for producers without a collector: what no collector captured is redacted
        // before the bus, so the bus holds no raw secret either.
        const event = parsed.value;
        this.redaction.uncaptured(event);
        const message = { key: `${event['palisade.server.name']}/${event['mcp.session.id']}`, value: JSON.stringify(event), timestampMs: Date.parse(event.ts) };
        const bytes = Buffer.byteLength(message.value) + Buffer.byteLength(message.key);
        // One event too large for the bus is that line's problem: the others of the body are still taken.
        if (bytes <= this.bus.maxMessageBytes) {
          messages.push(message);
          continue;
        }
        reason = `event ${event.id} is ${bytes} bytes, more than the bus takes (${this.bus.maxMessageBytes}): trim its arguments or results as collectors do (capture limit)`;
      } else {
        reason = parsed.reason;
      }
      rejected += 1;
      if (errors.length < 20) errors.push({ line: index + 1, reason });
      await this.bus.deadLetter({ topic: this.config.topic, partition: 0, offset: `ingest:${index + 1}`, group: 'ingest', reason, value: this.redaction.text(line.slice(0, 100_000)) });
    }
    if (messages.length > 0) {
      this.producer ??= this.bus.producer();
      for (let start = 0; start < messages.length; start += 500) {
        const result = await this.producer.publish(this.config.topic, messages.slice(start, start + 500));
        if (result.kind !== 'success') {
          throw new PalisadeException(PalisadeErrorCode.Unavailable, `the bus did not take the events (${result.error}); ${start} of ${messages.length} were accepted, retry the rest`);
        }
      }
    }
    return { accepted: messages.length, rejected, errors };
  }
}
