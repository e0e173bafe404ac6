import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron, Interval } from '@nestjs/schedule';
import type { Bus } from '@palisade/bus';
import { type AlertCategory, type Incident, deterministicId } from '@palisade/schema';
import type { Store, VersionReferences } from '@palisade/store';
import { Clock } from '../common/clock.js';
import type { DetectorConfig } from '../config/detector-config.js';
import { PIPELINE_GROUP } from '../consumers/telemetry.consumer.js';
import { BUS, DETECTOR_CONFIG, STORE } from '../infra/injection-tokens.js';
import { OutboxDispatcher } from '../outbox/outbox.dispatcher.js';
import { AuditService, SYSTEM_ACTOR } from '../services/audit.service.js';
import { ContainmentService } from '../services/containment.service.js';
import { MailComposer } from '../services/mail.composer.js';
import { PipelineMetrics } from '../services/pipeline-metrics.js';

const DAY_MS = 86_400_000;

/** The alerts about a tool's definition: they name versions by hash in their details and by the tools/list event. */
const DEFINITION_CATEGORIES: readonly AlertCategory[] = ['description_drift', 'tool_poisoning', 'tool_shadowing'];
/** The evidence details that name a definition by hash (drift: the pinned, previous and current ones). */
const HASH_DETAILS = ['pinnedHash', 'previousHash', 'currentHash', 'hash'];

/**
 * The worker's schedules: retention, the daily digest, the delivery retry sweep, quarantine snapshots
 * for late collectors, and lag figures in the log. (Engine state is checkpointed with every batch.)
 */
@Injectable()
export class MaintenanceScheduler {
  private readonly logger = new Logger('schedule');

  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(DETECTOR_CONFIG) private readonly config: DetectorConfig,
    private readonly dispatcher: OutboxDispatcher,
    private readonly containment: ContainmentService,
    private readonly mail: MailComposer,
    private readonly audit: AuditService,
    private readonly metrics: PipelineMetrics,
    private readonly clock: Clock,
  ) {}

  /**
   * Deletes events, alerts, audit entries and tool definition versions older than their retention (hourly).
   * Versions go after alerts, so the versions kept as evidence are those the alerts still stored name.
   */
  @Cron('0 17 * * * *', { name: 'retention' })
  async retention(): Promise<Record<string, number>> {
    const now = this.clock.now().getTime();
    const { eventsDays, alertsDays, auditDays, versionsDays } = this.config.retention;
    const before = (days: number): string => new Date(now - days * DAY_MS).toISOString();
    const removed = {
      events: await this.store.events.deleteBefore(before(eventsDays)),
      alerts: await this.store.alerts.deleteBefore(before(alertsDays)),
      audit: await this.store.audit.deleteBefore(before(auditDays)),
      versions: 0,
    };
    removed.versions = await this.store.tools.deleteVersionsBefore(before(versionsDays), await this.versionReferences());
    if (removed.events + removed.alerts + removed.audit + removed.versions > 0) {
      await this.audit.record(SYSTEM_ACTOR, 'retention.run', 'store', { ...removed, eventsDays, alertsDays, auditDays, versionsDays });
      this.logger.log(`retention removed ${removed.events} events, ${removed.alerts} alerts, ${removed.audit} audit entries, ${removed.versions} tool versions`);
    }
    return removed;
  }

  /** The definition versions stored alerts refer to: by hash in their details, and by the events they cite. */
  private async versionReferences(): Promise<VersionReferences> {
    const hashes = new Set<string>();
    const eventIds = new Set<string>();
    for (const category of DEFINITION_CATEGORIES) {
      let cursor: string | undefined;
      do {
        const page = await this.store.alerts.search({ category, limit: 500, ...(cursor ? { cursor } : {}) });
        for (const alert of page.items) {
          for (const id of alert.eventIds) eventIds.add(id);
          for (const key of HASH_DETAILS) {
            const value = alert.evidence.details?.[key];
            if (typeof value === 'string') hashes.add(value);
          }
        }
        cursor = page.nextCursor;
      } while (cursor);
    }
    return { hashes, eventIds };
  }

  /** The daily digest e-mail (08:00 local time), when e-mail is on. */
  @Cron('0 0 8 * * *', { name: 'digest' })
  async digest(): Promise<boolean> {
    if (!this.config.mail.smtpUrl) return false;
    const now = this.clock.now();
    const day = now.toISOString().slice(0, 10);
    const since = new Date(now.getTime() - DAY_MS).toISOString();
    const incidents: Incident[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.store.incidents.search({ from: since, to: now.toISOString(), limit: 500, sort: 'severity', ...(cursor ? { cursor } : {}) });
      incidents.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && incidents.length < 5000);
    const message = this.mail.digest(day, incidents, await this.store.incidents.countByStatus(), since);
    const ts = now.toISOString();
    await this.store.outbox.enqueue([{ id: deterministicId('digest', day), kind: 'email', destination: message.to.join(','), payload: message, createdAt: ts, nextAttemptAt: ts, attempts: 0, status: 'pending', lastError: null }]);
    this.dispatcher.wake();
    return true;
  }

  /** Retries deliveries whose backoff has passed (the dispatcher also runs on its own short loop). */
  @Interval('delivery-sweep', 5000)
  async sweep(): Promise<void> {
    await this.dispatcher.drain();
  }

  /** A fresh quarantine snapshot on mcp.control every 5 minutes, so the topic's retention never loses state. */
  @Interval('quarantine-snapshot', 300_000)
  async snapshot(): Promise<void> {
    await this.store.outbox.enqueue([await this.containment.snapshotOutbox()]);
    this.dispatcher.wake();
  }

  /** Lag and throughput in the log every minute. */
  @Interval('lag-report', 60_000)
  async lagReport(): Promise<void> {
    const lag = await this.bus.lag(PIPELINE_GROUP, this.config.topic).catch(() => null);
    this.logger.log(`pipeline: ${this.metrics.eventsProcessed} events, ${this.metrics.alertsRaised} alerts, lag ${lag ? `${lag.messages} events / ${lag.ms} ms` : 'unknown'}`);
  }
}
