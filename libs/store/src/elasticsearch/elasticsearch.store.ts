import { errors, type Client } from '@elastic/elasticsearch';
import { DEFAULT_EVENT_TEXT_CHARS } from '../shared/event-text.js';
import { MalformedRowCounter } from '../shared/malformed-row.counter.js';
import { type Store, type StoreBatch, type StoreBatchResult, type StoreStats, type BatchWriter, inlineBatchWriter } from '../store.port.js';
import { ElasticsearchAlertRepository } from './alert.repository.js';
import { ElasticsearchAuditRepository } from './audit.repository.js';
import { ElasticsearchBaselineRepository } from './baseline.repository.js';
import type { Refresh } from './bulk.writer.js';
import { ElasticsearchContext } from './elasticsearch.context.js';
import { ElasticsearchIndices } from './elasticsearch.indices.js';
import { ElasticsearchEngineStateRepository } from './engine-state.repository.js';
import { ElasticsearchEventRepository } from './event.repository.js';
import { ElasticsearchExportRepository } from './export.repository.js';
import { ElasticsearchIncidentRepository } from './incident.repository.js';
import { ElasticsearchOutboxRepository } from './outbox.repository.js';
import { DEFAULT_RETRY_POLICY, errorType, type RetryPolicy } from './retry.policy.js';
import { ElasticsearchSettingsRepository } from './settings.repository.js';
import { ElasticsearchTokenRepository } from './token.repository.js';
import { ElasticsearchToolRepository } from './tool.repository.js';

export interface ElasticsearchStoreOptions {
  /** Every index, alias and template name starts with it (PALISADE_INDEX_PREFIX, default `palisade`). */
  indexPrefix: string;
  /**
   * Pipeline writes (events, alerts, engine state, audit): `interval` returns at once and the documents
   * are searchable within the indices' 1 s refresh interval, which is the contract's "visible within
   * 1 s"; `wait_for` returns once they are searchable (tests, or a detector that must read its writes).
   * Interactive writes (incidents, pins, tuning, settings, tokens, outbox) always wait for the refresh.
   */
  refresh?: 'interval' | 'wait_for';
  replicas?: number;
  eventTextChars?: number;
  retry?: Partial<RetryPolicy>;
  /**
   * Largest body of one bulk request in bytes (default 8 MiB): a batch is written in as many requests as
   * it takes, since Elasticsearch refuses bodies over `http.max_content_length` (100 MB) outright.
   */
  bulkMaxBytes?: number;
}

/**
 * The distributed store on Elasticsearch: index templates with ECS-compatible mappings (installed on
 * connect), daily event indices behind an alias with retention by deleting whole indices, idempotent
 * bulk `create` writes with backoff on 429/503, `search_after` cursors with exact totals.
 *
 * `writeBatch` is not one transaction here: its parts are written in order, each idempotent, so the
 * pipeline (which commits its bus offsets only after `writeBatch` resolves) completes a half-written
 * batch by replaying it. A replayed batch appends its audit entries again.
 */
export class ElasticsearchStore implements Store {
  readonly kind = 'elasticsearch' as const;
  readonly events: ElasticsearchEventRepository;
  readonly alerts: ElasticsearchAlertRepository;
  readonly incidents: ElasticsearchIncidentRepository;
  readonly tools: ElasticsearchToolRepository;
  readonly baselines: ElasticsearchBaselineRepository;
  readonly engineState: ElasticsearchEngineStateRepository;
  readonly audit: ElasticsearchAuditRepository;
  readonly outbox: ElasticsearchOutboxRepository;
  readonly tokens: ElasticsearchTokenRepository;
  readonly exports: ElasticsearchExportRepository;
  readonly settings: ElasticsearchSettingsRepository;
  private readonly rows = new MalformedRowCounter();
  private readonly ctx: ElasticsearchContext;

  private constructor(
    client: Client,
    private readonly options: ElasticsearchStoreOptions,
  ) {
    const refresh: Refresh = options.refresh === 'wait_for' ? 'wait_for' : false;
    this.ctx = new ElasticsearchContext(
      client,
      new ElasticsearchIndices(options.indexPrefix),
      this.rows,
      { ...DEFAULT_RETRY_POLICY, ...options.retry },
      refresh,
      options.eventTextChars ?? DEFAULT_EVENT_TEXT_CHARS,
      options.bulkMaxBytes,
    );
    this.events = new ElasticsearchEventRepository(this.ctx);
    this.alerts = new ElasticsearchAlertRepository(this.ctx);
    this.incidents = new ElasticsearchIncidentRepository(this.ctx);
    this.tools = new ElasticsearchToolRepository(this.ctx);
    this.baselines = new ElasticsearchBaselineRepository(this.ctx);
    this.engineState = new ElasticsearchEngineStateRepository(this.ctx);
    this.audit = new ElasticsearchAuditRepository(this.ctx);
    this.outbox = new ElasticsearchOutboxRepository(this.ctx);
    this.tokens = new ElasticsearchTokenRepository(this.ctx);
    this.exports = new ElasticsearchExportRepository(this.ctx);
    this.settings = new ElasticsearchSettingsRepository(this.ctx);
  }

  /**
   * Checks the cluster answers, installs the index templates, creates the single indices, and moves the
   * export records an earlier Palisade kept among the settings into their own index.
   */
  static async connect(client: Client, options: ElasticsearchStoreOptions): Promise<ElasticsearchStore> {
    const store = new ElasticsearchStore(client, options);
    await store.install();
    await store.exports.adoptLegacy();
    return store;
  }

  async batchWriter(): Promise<BatchWriter> {
    return inlineBatchWriter(this);
  }

  /**
   * Elasticsearch has no transaction over several documents: a batch is written in an order that makes a
   * failure part-way safe to replay. The events go last, because a redelivered batch skips the events
   * already stored: an event is stored only once everything derived from it (alerts, incidents, pins,
   * deliveries, audit, engine state) is. Engine state goes just before them, so a failure leaves it
   * behind the events it reflects rather than ahead. Every write before it is idempotent (deterministic
   * ids) except audit entries, which a replay after a later failure may append again.
   */
  async writeBatch(batch: StoreBatch): Promise<StoreBatchResult> {
    const alertsInserted = batch.alerts?.length ? await this.alerts.insertMany(batch.alerts) : [];
    const tracked = [
      ...(batch.incidents ?? []).map((incident) => this.incidents.action(incident)),
      ...(batch.toolVersions ?? []).map((version) => this.tools.versionAction(version)),
      ...(batch.toolPins ?? []).map((pin) => this.tools.pinAction(pin)),
    ];
    // Incidents are looked up by search right after (findOpen): wait until they are searchable.
    if (tracked.length) await this.ctx.bulk.write(tracked, 'wait_for');
    if (batch.outbox?.length) await this.outbox.enqueue(batch.outbox);
    const audit = batch.audit?.length ? await this.audit.append(batch.audit) : [];
    if (batch.engineState?.length) await this.engineState.put(batch.engineState);
    const eventsInserted = batch.events?.length ? await this.events.insertMany(batch.events) : 0;
    return { eventsInserted, alertsInserted, audit };
  }

  stats(): StoreStats {
    return { malformedRowsSkipped: this.rows.count, documentsKeptAside: this.ctx.bulk.keptAside };
  }

  async close(): Promise<void> {
    await this.ctx.client.close();
  }

  private async install(): Promise<void> {
    const { client, indices } = this.ctx;
    await this.ctx.call('info (is the cluster reachable?)', () => client.info(undefined, { maxRetries: 0 }));
    for (const family of indices.families()) {
      const template = indices.template(family, this.options.replicas ?? 1);
      await this.ctx.call(`put index template ${template.name}`, () => client.indices.putIndexTemplate(template, { maxRetries: 0 }));
      if (indices.isDaily(family)) continue;
      const index = indices.name(family);
      await this.ctx.call(`create index ${index}`, async () => {
        try {
          await client.indices.create({ index }, { maxRetries: 0 });
        } catch (error) {
          if (!(error instanceof errors.ResponseError && errorType(error) === 'resource_already_exists_exception')) throw error;
        }
      });
    }
  }
}
