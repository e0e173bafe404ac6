/**
 * The store port: everything the detector keeps. Adapters: `sqlite` (embedded default, better-sqlite3
 * with WAL and FTS5) and `elasticsearch`, plus an in-memory one under `@palisade/store/testing`.
 *
 * Writes are idempotent, keyed by deterministic ids: a replayed event or alert is stored once.
 * Lists are newest first with opaque cursors; `total` counts everything matching.
 */
import type {
  Alert,
  AlertQuery,
  AuditEntry,
  AuditEntryInput,
  AuditQuery,
  BaselineTuning,
  EventQuery,
  Incident,
  IncidentQuery,
  Page,
  TelemetryEvent,
  ToolPin,
  ToolVersion,
  TriageStatus,
} from '@palisade/schema';

/** An inclusive-exclusive time range `[from, to)` of ISO-8601 instants. */
export interface TimeRange {
  from: string;
  to: string;
}

/** What one pipeline batch writes, atomically where the adapter can (sqlite: one transaction). */
export interface StoreBatch {
  events?: readonly TelemetryEvent[];
  /** Inserted only when absent (deterministic ids). */
  alerts?: readonly Alert[];
  /** Upserted (created or updated as a whole). */
  incidents?: readonly Incident[];
  /** Inserted when the (server, tool, hash) is new; otherwise `lastSeen` is advanced. */
  toolVersions?: readonly ToolVersion[];
  /** Upserted. */
  toolPins?: readonly ToolPin[];
  /** Engine state entries: `value: null` deletes the key. */
  engineState?: readonly EngineStateEntry[];
  audit?: readonly AuditEntryInput[];
  outbox?: readonly OutboxItem[];
}

export interface StoreBatchResult {
  eventsInserted: number;
  /** Ids of the alerts that were new (not already stored). */
  alertsInserted: string[];
  audit: AuditEntry[];
}

export interface EngineStateEntry {
  key: string;
  value: unknown | null;
}

/** A delivery waiting to go out (containment webhook, control message, e-mail): the outbox pattern. */
export interface OutboxItem {
  id: string;
  kind: 'webhook' | 'control' | 'email';
  /** Where it goes: a webhook URL, a topic, an e-mail address. */
  destination: string;
  payload: unknown;
  createdAt: string;
  /** Next attempt time (ISO); due items are those with nextAttemptAt <= now. */
  nextAttemptAt: string;
  attempts: number;
  status: 'pending' | 'delivered' | 'failed';
  lastError?: string | null;
}

/** An API token as stored: only the SHA-256 of the secret is kept. */
export interface ApiToken {
  id: string;
  name: string;
  role: 'admin' | 'analyst' | 'auditor' | 'collector';
  tokenHash: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface EventRepository {
  /** Of `ids`, those not stored yet (the pipeline runs the engine only on these). */
  filterNew(ids: readonly string[]): Promise<Set<string>>;
  insertMany(events: readonly TelemetryEvent[]): Promise<number>;
  get(id: string): Promise<TelemetryEvent | null>;
  getMany(ids: readonly string[]): Promise<TelemetryEvent[]>;
  search(query: EventQuery): Promise<Page<TelemetryEvent>>;
  /** Oldest first, in pages, for exports. */
  scan(range: TimeRange, batchSize?: number): AsyncIterable<TelemetryEvent[]>;
  deleteBefore(ts: string): Promise<number>;
  count(): Promise<number>;
}

export interface AlertRepository {
  /** Inserts alerts whose id is new; returns the ids inserted. */
  insertMany(alerts: readonly Alert[]): Promise<string[]>;
  get(id: string): Promise<Alert | null>;
  getMany(ids: readonly string[]): Promise<Alert[]>;
  search(query: AlertQuery): Promise<Page<Alert>>;
  /** Sets the status of every alert of an incident (they follow their incident). */
  setStatusByIncident(incidentId: string, status: TriageStatus): Promise<number>;
  scan(range: TimeRange, batchSize?: number): AsyncIterable<Alert[]>;
  deleteBefore(ts: string): Promise<number>;
  /** Alert counts by rule id (rule hit counts). */
  countByRule(): Promise<Record<string, number>>;
}

export interface IncidentRepository {
  upsert(incident: Incident): Promise<void>;
  get(id: string): Promise<Incident | null>;
  search(query: IncidentQuery): Promise<Page<Incident>>;
  countByStatus(): Promise<Record<TriageStatus, number>>;
  /** The most recent incident not closed (`open`, `triaging`, `contained`) for this server/tool/session, last seen at or after `since`. */
  findOpen(key: { server: string; tool: string | null; sessionId: string | null }, since: string): Promise<Incident | null>;
  scan(range: TimeRange, batchSize?: number): AsyncIterable<Incident[]>;
}

export interface ToolRepository {
  list(): Promise<ToolPin[]>;
  get(server: string, tool: string): Promise<ToolPin | null>;
  upsert(pin: ToolPin): Promise<void>;
  /** Every version of a tool's definition, oldest first. */
  versions(server: string, tool: string): Promise<ToolVersion[]>;
  addVersion(version: ToolVersion): Promise<void>;
}

export interface BaselineRepository {
  get(server: string, tool: string): Promise<BaselineTuning | null>;
  list(): Promise<BaselineTuning[]>;
  put(tuning: BaselineTuning): Promise<void>;
}

export interface EngineStateRepository {
  /** Every entry, for restoring the engine at start. */
  loadAll(): Promise<EngineStateEntry[]>;
  put(entries: readonly EngineStateEntry[]): Promise<void>;
}

export interface AuditRepository {
  /** Appends entries, assigning `seq`, `prevHash` and `hash` (serialised: the chain never forks). */
  append(entries: readonly AuditEntryInput[]): Promise<AuditEntry[]>;
  list(query: AuditQuery): Promise<Page<AuditEntry>>;
  /** Entries with `from <= ts < to`, oldest first (sequence order). */
  scan(range: TimeRange, batchSize?: number): AsyncIterable<AuditEntry[]>;
  /** The latest entry, or null for an empty log. */
  head(): Promise<AuditEntry | null>;
  deleteBefore(ts: string): Promise<number>;
}

export interface OutboxRepository {
  enqueue(items: readonly OutboxItem[]): Promise<void>;
  /** Pending items due at `now`, oldest first. */
  due(now: string, limit: number): Promise<OutboxItem[]>;
  update(item: OutboxItem): Promise<void>;
  get(id: string): Promise<OutboxItem | null>;
}

export interface TokenRepository {
  create(token: ApiToken): Promise<void>;
  findByHash(tokenHash: string): Promise<ApiToken | null>;
  list(): Promise<ApiToken[]>;
  revoke(id: string, ts: string): Promise<boolean>;
  touch(id: string, ts: string): Promise<void>;
}

/** Small named documents: rule switches, export records, install settings. */
export interface SettingsRepository {
  get<T = unknown>(key: string): Promise<T | null>;
  put(key: string, value: unknown): Promise<void>;
  list<T = unknown>(prefix: string): Promise<{ key: string; value: T }[]>;
}

export interface Store {
  readonly kind: 'sqlite' | 'elasticsearch' | 'memory';
  readonly events: EventRepository;
  readonly alerts: AlertRepository;
  readonly incidents: IncidentRepository;
  readonly tools: ToolRepository;
  readonly baselines: BaselineRepository;
  readonly engineState: EngineStateRepository;
  readonly audit: AuditRepository;
  readonly outbox: OutboxRepository;
  readonly tokens: TokenRepository;
  readonly settings: SettingsRepository;
  /** Writes one pipeline batch (sqlite: in one transaction, so a crash leaves all or nothing). */
  writeBatch(batch: StoreBatch): Promise<StoreBatchResult>;
  close(): Promise<void>;
}
