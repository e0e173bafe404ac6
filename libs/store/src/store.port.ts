/**
 * The store port: everything the detector keeps. Adapters: `sqlite` (embedded default, better-sqlite3
 * with WAL and FTS5) and `elasticsearch`, plus an in-memory one under `@palisade/store/testing`.
 *
 * Writes are idempotent, keyed by deterministic ids: a replayed event or alert is stored once.
 * Lists are newest first with opaque cursors (keyset on the sort key and the id); `total` counts
 * everything matching; `nextCursor` is absent on the last page; `limit` is kept within 1..500 (default 50).
 * A cursor an adapter did not issue for that list is refused with `StoreError` code `invalid_cursor`.
 * Full-text `q` follows `parseTextQuery` (shared/text-query.ts): every term required, terms matched as
 * word phrases, a trailing `*` for a prefix. Rows that cannot be read back are skipped and counted
 * (`Store.stats()`), never thrown.
 */
import type {
  Alert,
  AlertQuery,
  AuditEntry,
  AuditEntryInput,
  AuditQuery,
  BaselineTuning,
  EventQuery,
  ExportQuery,
  ExportRecord,
  Incident,
  IncidentQuery,
  Page,
  TelemetryEvent,
  TokenQuery,
  ToolPin,
  ToolVersion,
  TriageStatus,
} from '@palisade/schema';

/** An inclusive-exclusive time range `[from, to)` of ISO-8601 instants. */
export interface TimeRange {
  from: string;
  to: string;
}

/**
 * What one pipeline batch writes, atomically where the adapter can (sqlite and memory: one transaction;
 * elasticsearch: in the order below, each part idempotent, so replaying a batch that failed half-way
 * completes it; only its audit entries would be appended again).
 */
export interface StoreBatch {
  events?: readonly TelemetryEvent[];
  /**
   * The JSON document of some of those events by id, where the caller holds the producer's text of exactly
   * that event (`parseTelemetryEventJson`'s `document`): a store may keep it instead of serialising the
   * event again. Events without one are serialised.
   */
  eventDocuments?: ReadonlyMap<string, string>;
  /** Inserted only when absent (deterministic ids). */
  alerts?: readonly Alert[];
  /** Upserted (created or updated as a whole). */
  incidents?: readonly Incident[];
  /** Inserted when the (server, tool, hash) is new; otherwise `lastSeen` is advanced (never moved back). */
  toolVersions?: readonly ToolVersion[];
  /** Upserted. */
  toolPins?: readonly ToolPin[];
  /** Engine state entries: `value: null` deletes the key. */
  engineState?: readonly EngineStateWrite[];
  audit?: readonly AuditEntryInput[];
  /** Enqueued when the id is new (a replayed batch never resets a delivery). */
  outbox?: readonly OutboxItem[];
}

export interface StoreBatchResult {
  /** Events that were new (a replayed event is not counted). */
  eventsInserted: number;
  /** Ids of the alerts that were new (not already stored). */
  alertsInserted: string[];
  audit: AuditEntry[];
}

export interface EngineStateEntry {
  key: string;
  value: unknown | null;
}

/**
 * An entry to write whose value is already JSON text: the pipeline snapshots the engine's state this way,
 * once, rather than copying objects that the store serialises again.
 */
export interface EngineStateJsonEntry {
  key: string;
  json: string;
}

/** What a batch or `put` writes: a value (null deletes the entry) or its JSON text. */
export type EngineStateWrite = EngineStateEntry | EngineStateJsonEntry;

/** The JSON text an entry stores, or null when it deletes its key. */
export function engineStateJson(entry: EngineStateWrite): string | null {
  if ('json' in entry) return entry.json;
  return entry.value === null || entry.value === undefined ? null : JSON.stringify(entry.value);
}

/** The value an entry stores (parsed when given as text, else as given), or null when it deletes its key. */
export function engineStateValue(entry: EngineStateWrite): unknown | null {
  if ('json' in entry) return JSON.parse(entry.json) as unknown;
  return entry.value ?? null;
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
  /** Filters match exactly (`tool` is `gen_ai.tool.name`, `method` is `mcp.method.name`); `[from, to)` on `ts`. */
  search(query: EventQuery): Promise<Page<TelemetryEvent>>;
  /** Oldest first, in pages, for exports. */
  scan(range: TimeRange, batchSize?: number): AsyncIterable<TelemetryEvent[]>;
  /** Retention: deletes events with `ts` before the instant; returns how many. */
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
  /** Alerts in one of `statuses` counted per server and tool (alerts without a tool are not counted). */
  countByTool(statuses: readonly TriageStatus[], scope?: { server?: string; tool?: string }): Promise<ToolAlertCount[]>;
}

/** How many alerts one tool has (see `AlertRepository.countByTool`). */
export interface ToolAlertCount {
  server: string;
  tool: string;
  count: number;
}

export interface IncidentRepository {
  upsert(incident: Incident): Promise<void>;
  get(id: string): Promise<Incident | null>;
  /**
   * `recent`: by `lastSeen` (latest activity), newest first; `severity`: most severe first, then by
   * `lastSeen`. `[from, to)` selects incidents active in the range (`lastSeen >= from`, `firstSeen < to`).
   * `category` matches any of an incident's categories; `q` is text over title, server, tool and notes.
   */
  search(query: IncidentQuery): Promise<Page<Incident>>;
  countByStatus(): Promise<Record<TriageStatus, number>>;
  /** The most recent incident not closed (`open`, `triaging`, `contained`) for this server/tool/session, last seen at or after `since`. */
  /** The most recent active incident of a server/tool/session seen since a time; `sessionId` undefined: any session. */
  findOpen(key: { server: string; tool: string | null; sessionId: string | null | undefined }, since: string): Promise<Incident | null>;
  /** Incidents active in the range (as `search`), oldest `firstSeen` first, for exports. */
  scan(range: TimeRange, batchSize?: number): AsyncIterable<Incident[]>;
}

export interface ToolRepository {
  list(): Promise<ToolPin[]>;
  get(server: string, tool: string): Promise<ToolPin | null>;
  upsert(pin: ToolPin): Promise<void>;
  /**
   * A page of a tool's definition versions, newest first by `firstSeen` (a volatile description may add
   * one a minute: the history is read a page at a time); `[from, to)` on `firstSeen`.
   */
  versions(server: string, tool: string, query?: ToolVersionQuery): Promise<Page<ToolVersion>>;
  /** One version by its hash (the pinned one, the current one), or null when it is not stored. */
  version(server: string, tool: string, hash: string): Promise<ToolVersion | null>;
  /** Inserts a new (server, tool, hash); for a known one advances `lastSeen` (never moves it back). */
  addVersion(version: ToolVersion): Promise<void>;
  /**
   * Retention: deletes versions last seen before `ts`, except, per tool, the first seen, the latest (newest
   * `firstSeen`), the pinned and the current one (by the tool's pin), and those `keep` names by hash or by
   * the event they first appeared in (what alerts refer to). Returns how many were deleted.
   */
  deleteVersionsBefore(ts: string, keep: VersionReferences): Promise<number>;
}

/** How one page of a tool's versions is read (see `ToolRepository.versions`). */
export interface ToolVersionQuery {
  limit?: number | undefined;
  cursor?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** Versions that evidence refers to: by definition hash, or by the `tools/list` event a version first appeared in. */
export interface VersionReferences {
  hashes: ReadonlySet<string>;
  eventIds: ReadonlySet<string>;
}

export interface BaselineRepository {
  get(server: string, tool: string): Promise<BaselineTuning | null>;
  list(): Promise<BaselineTuning[]>;
  put(tuning: BaselineTuning): Promise<void>;
}

export interface EngineStateRepository {
  /** Every entry, for restoring the engine at start (ordered by key). */
  loadAll(): Promise<EngineStateEntry[]>;
  get(key: string): Promise<unknown | null>;
  /**
   * The stored entries of these keys, in one round trip (or a few, for thousands of keys): the tool
   * inventory reads two per tool. In the order asked, a repeated key once; keys not stored are left out.
   */
  getMany(keys: readonly string[]): Promise<EngineStateEntry[]>;
  /** Writes the entries; `value: null` deletes the key. */
  put(entries: readonly EngineStateWrite[]): Promise<void>;
}

export interface AuditRepository {
  /** Appends entries, assigning `seq`, `prevHash` and `hash` (serialised: the chain never forks). */
  append(entries: readonly AuditEntryInput[]): Promise<AuditEntry[]>;
  /** Newest first (by `seq`); `action` and `target` match exactly; `[from, to)` on `ts`. */
  list(query: AuditQuery): Promise<Page<AuditEntry>>;
  /**
   * The contiguous run of entries from the first with `ts >= from` to the last with `ts < to`, in
   * sequence order, so an exported run always verifies with `verifyAuditChain` from its first `prevHash`.
   */
  scan(range: TimeRange, batchSize?: number): AsyncIterable<AuditEntry[]>;
  /** The latest entry still stored, or null for an empty log. */
  head(): Promise<AuditEntry | null>;
  /**
   * Retention: deletes the oldest entries, up to the first with `ts >= ts`, so what remains is one
   * contiguous run that verifies from its first entry's `prevHash`. The chain continues from the last
   * entry ever appended, even when every entry was deleted.
   */
  deleteBefore(ts: string): Promise<number>;
}

export interface OutboxRepository {
  /** Enqueues items whose id is new; an item already queued is left as it is. */
  enqueue(items: readonly OutboxItem[]): Promise<void>;
  /** Pending items due at `now` (`nextAttemptAt <= now`), the earliest due first. */
  due(now: string, limit: number): Promise<OutboxItem[]>;
  /**
   * Pending items, due or not, the oldest first (`createdAt`, then id): the order they were queued in, which
   * the dispatcher keeps per destination.
   */
  pending(limit: number): Promise<OutboxItem[]>;
  /** Replaces the item (attempts, status, next attempt, last error). */
  update(item: OutboxItem): Promise<void>;
  get(id: string): Promise<OutboxItem | null>;
}

export interface TokenRepository {
  /** Throws `StoreError` code `conflict` when the id or the hash is taken. */
  create(token: ApiToken): Promise<void>;
  findByHash(tokenHash: string): Promise<ApiToken | null>;
  /** Every token, oldest first (the CLI, and the check that live names are unique). */
  list(): Promise<ApiToken[]>;
  /** A page of tokens, newest first by `createdAt` (then id); `[from, to)` on `createdAt`. */
  search(query: TokenQuery): Promise<Page<ApiToken>>;
  /** True when the token existed and was not revoked yet. */
  revoke(id: string, ts: string): Promise<boolean>;
  touch(id: string, ts: string): Promise<void>;
}

/**
 * Compliance exports, one record each from the moment one starts (`running`) to its end (`done`,
 * `failed`). A record may carry fields of its writer's own beside the API's (where its files are, which
 * process writes it): they are kept whole and given back as they were.
 */
export interface ExportRepository {
  /** Creates or replaces the record with this id. */
  put(record: ExportRecord): Promise<void>;
  get<T extends ExportRecord = ExportRecord>(id: string): Promise<T | null>;
  /**
   * Newest first by `startedAt` (then id), which never changes once an export started (a record stored
   * before it had one is placed at its `createdAt`, and counts as `done` without a `state`); `[from, to)`
   * on that time; `state` matches exactly.
   */
  search<T extends ExportRecord = ExportRecord>(query: ExportQuery): Promise<Page<T>>;
}

/** Small named documents: rule switches, quarantine states, install settings. */
export interface SettingsRepository {
  get<T = unknown>(key: string): Promise<T | null>;
  put(key: string, value: unknown): Promise<void>;
  /** Entries whose key starts with `prefix`, ordered by key. */
  list<T = unknown>(prefix: string): Promise<{ key: string; value: T }[]>;
}

/** Figures about the store itself, for `/api/health`. */
export interface StoreStats {
  /** Stored rows that could not be read back (bad JSON or shape) and were skipped, since start. */
  malformedRowsSkipped: number;
  /**
   * Documents the backend refused as such and kept aside with the reason instead of failing their batch,
   * since start (Elasticsearch: `<prefix>-refused`; SQLite stores any valid record, always 0).
   */
  documentsKeptAside: number;
}

/**
 * Writes pipeline batches in the order given, possibly in parallel with the caller's own work (sqlite: on
 * its own connection in a worker thread), so a pipeline can analyse the next batch while this one is
 * written. Each write has the atomicity of `Store.writeBatch`.
 */
export interface BatchWriter {
  /** Whether writes run off the caller's thread. */
  readonly threaded: boolean;
  write(batch: StoreBatch): Promise<StoreBatchResult>;
  close(): Promise<void>;
}

/** A BatchWriter that writes on the caller's thread through `Store.writeBatch`. */
export function inlineBatchWriter(store: Pick<Store, 'writeBatch'>): BatchWriter {
  return { threaded: false, write: (batch) => store.writeBatch(batch), close: async () => undefined };
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
  readonly exports: ExportRepository;
  readonly settings: SettingsRepository;
  /** Writes one pipeline batch (sqlite: in one transaction, so a crash leaves all or nothing). */
  writeBatch(batch: StoreBatch): Promise<StoreBatchResult>;
  /** A writer for a pipeline that wants its writes to overlap its analysis (close it before the store). */
  batchWriter(): Promise<BatchWriter>;
  stats(): StoreStats;
  close(): Promise<void>;
}
