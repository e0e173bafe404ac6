import type Database from 'better-sqlite3';
import { StoreError, StoreErrorCode } from '../store.error.js';

/**
 * The store's schema, one entry per version (`PRAGMA user_version`). Append new migrations; never edit
 * one that shipped. Each runs in its own IMMEDIATE transaction together with the version bump, so a
 * crash leaves the database at the previous version, and two processes starting at once migrate once.
 *
 * Time columns `*_ms` hold epoch milliseconds (ISO strings with offsets do not sort as text); JSON
 * documents are kept whole in `doc`, with the columns lists filter and sort on beside them.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  /* 1: the initial schema */ `
  CREATE TABLE events (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    ts_ms INTEGER NOT NULL,
    server TEXT NOT NULL,
    tool TEXT,
    session TEXT NOT NULL,
    method TEXT NOT NULL,
    outcome TEXT NOT NULL,
    doc TEXT NOT NULL
  );
  -- Filtered lists walk (filter, ts_ms) newest first; ties on ts_ms are few and sorted by id on the fly,
  -- which keeps the indexes small (the event id is long) and the insert rate high.
  CREATE INDEX events_by_ts ON events (ts_ms, id);
  CREATE INDEX events_by_server ON events (server, ts_ms);
  CREATE INDEX events_by_tool ON events (tool, ts_ms) WHERE tool IS NOT NULL;
  CREATE INDEX events_by_session ON events (session, ts_ms);
  CREATE INDEX events_by_method ON events (method, ts_ms);
  CREATE INDEX events_by_outcome ON events (outcome, ts_ms) WHERE outcome NOT IN ('ok', 'sent');
  -- Contentless: only the index is kept (the text is rebuilt from doc when needed); rowid = events.rowid.
  CREATE VIRTUAL TABLE events_fts USING fts5 (body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');

  CREATE TABLE alerts (
    id TEXT PRIMARY KEY,
    ts_ms INTEGER NOT NULL,
    category TEXT NOT NULL,
    severity TEXT NOT NULL,
    server TEXT NOT NULL,
    tool TEXT,
    session TEXT,
    rule_id TEXT NOT NULL,
    incident_id TEXT,
    status TEXT NOT NULL,
    doc TEXT NOT NULL
  );
  CREATE INDEX alerts_by_ts ON alerts (ts_ms, id);
  CREATE INDEX alerts_by_incident ON alerts (incident_id) WHERE incident_id IS NOT NULL;
  CREATE INDEX alerts_by_server ON alerts (server, ts_ms, id);
  CREATE INDEX alerts_by_category ON alerts (category, ts_ms, id);
  CREATE INDEX alerts_by_status ON alerts (status, ts_ms, id);
  CREATE INDEX alerts_by_rule ON alerts (rule_id);

  CREATE TABLE incidents (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    severity_rank INTEGER NOT NULL,
    assignee TEXT,
    server TEXT NOT NULL,
    tool TEXT,
    session TEXT,
    first_seen_ms INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL,
    doc TEXT NOT NULL
  );
  CREATE INDEX incidents_by_recent ON incidents (last_seen_ms, id);
  CREATE INDEX incidents_by_severity ON incidents (severity_rank, last_seen_ms, id);
  CREATE INDEX incidents_by_status_recent ON incidents (status, last_seen_ms, id);
  CREATE INDEX incidents_by_status_severity ON incidents (status, severity_rank, last_seen_ms, id);
  CREATE INDEX incidents_by_key ON incidents (server, tool, session, last_seen_ms);
  CREATE INDEX incidents_by_assignee ON incidents (assignee, last_seen_ms) WHERE assignee IS NOT NULL;
  CREATE INDEX incidents_by_first_seen ON incidents (first_seen_ms, id);
  CREATE TABLE incident_categories (
    category TEXT NOT NULL,
    incident_rowid INTEGER NOT NULL,
    PRIMARY KEY (category, incident_rowid)
  ) WITHOUT ROWID;
  CREATE INDEX incident_categories_by_incident ON incident_categories (incident_rowid);
  CREATE VIRTUAL TABLE incidents_fts USING fts5 (body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');

  CREATE TABLE tool_pins (
    server TEXT NOT NULL,
    tool TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (server, tool)
  ) WITHOUT ROWID;
  CREATE TABLE tool_versions (
    server TEXT NOT NULL,
    tool TEXT NOT NULL,
    hash TEXT NOT NULL,
    first_seen_ms INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (server, tool, hash)
  );
  CREATE TABLE baselines (
    server TEXT NOT NULL,
    tool TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (server, tool)
  ) WITHOUT ROWID;
  CREATE TABLE engine_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    ts_ms INTEGER NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    doc TEXT NOT NULL
  );
  CREATE INDEX audit_by_ts ON audit (ts_ms);
  CREATE INDEX audit_by_action ON audit (action, seq);
  CREATE INDEX audit_by_target ON audit (target, seq);
  -- The chain's end, kept apart from the entries so retention can delete every entry and the chain still continues.
  CREATE TABLE audit_chain (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
  );

  CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    next_attempt_ms INTEGER NOT NULL,
    created_ms INTEGER NOT NULL,
    doc TEXT NOT NULL
  );
  CREATE INDEX outbox_due ON outbox (status, next_attempt_ms, created_ms);

  CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    created_ms INTEGER NOT NULL,
    doc TEXT NOT NULL
  );
  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  /* 2: compliance exports in their own table, paged newest first; tokens paged newest first */ `
  CREATE TABLE exports (
    id TEXT PRIMARY KEY,
    started_ms INTEGER NOT NULL,
    state TEXT NOT NULL,
    doc TEXT NOT NULL
  );
  CREATE INDEX exports_by_started ON exports (started_ms, id);
  CREATE INDEX exports_by_state ON exports (state, started_ms, id);
  -- Export records were settings named export/ID: moved here as they were (a record from before states
  -- were kept is done, placed at its createdAt). One that cannot be read stays behind, listed nowhere.
  INSERT INTO exports (id, started_ms, state, doc)
    SELECT id, started_ms, state, value FROM (
      SELECT
        json_extract(value, '$.id') AS id,
        CAST(round(unixepoch(coalesce(json_extract(value, '$.startedAt'), json_extract(value, '$.createdAt')), 'subsec') * 1000) AS INTEGER) AS started_ms,
        coalesce(json_extract(value, '$.state'), 'done') AS state,
        value
      FROM settings
      WHERE key >= 'export/' AND key < 'export0' AND json_valid(value) AND json_type(value) = 'object'
    )
    WHERE typeof(id) = 'text' AND started_ms IS NOT NULL;
  DELETE FROM settings WHERE key >= 'export/' AND key < 'export0' AND substr(key, 8) IN (SELECT id FROM exports);

  CREATE INDEX tokens_by_created ON tokens (created_ms, id);
  `,
  /* 3: a tool's versions paged newest first, and pruned by when they were last seen */ `
  CREATE INDEX tool_versions_by_first_seen ON tool_versions (server, tool, first_seen_ms);
  CREATE INDEX tool_versions_by_last_seen ON tool_versions (last_seen_ms);
  `,
];

/** Brings the database to the latest schema version; refuses a database from a newer Palisade. */
export function migrate(db: Database.Database): number {
  const latest = SQLITE_MIGRATIONS.length;
  for (;;) {
    const applied = db
      .transaction(() => {
        const version = db.pragma('user_version', { simple: true }) as number;
        if (version > latest) {
          throw new StoreError(StoreErrorCode.SchemaTooNew, `store.db is at schema version ${version}, newer than this Palisade knows (${latest}): upgrade Palisade`);
        }
        const migration = SQLITE_MIGRATIONS[version];
        if (migration === undefined) return false;
        db.exec(migration);
        db.pragma(`user_version = ${version + 1}`);
        return true;
      })
      .immediate();
    if (!applied) return latest;
  }
}
