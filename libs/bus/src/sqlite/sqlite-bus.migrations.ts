import type Database from 'better-sqlite3';

/**
 * The bus file's schema, versioned through `PRAGMA user_version`: each step upgrades from the previous
 * version in one transaction, so a PALISADE_HOME written by an older Palisade is upgraded in place on
 * open, and several processes opening it at once apply each step exactly once.
 */
export const SQLITE_BUS_MIGRATIONS: readonly { version: number; description: string; sql: string }[] = [
  {
    version: 1,
    description: 'append-only log per topic, group offsets and leases, dead letters',
    sql: `
      CREATE TABLE topics (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        head INTEGER NOT NULL DEFAULT 0,                -- offset of the newest message (0: none yet)
        tail INTEGER NOT NULL DEFAULT 1,                -- offset of the oldest retained message (head + 1 when empty)
        bytes INTEGER NOT NULL DEFAULT 0,               -- payload bytes retained
        dropped_unconsumed INTEGER NOT NULL DEFAULT 0,  -- removed by the size cap before every durable group had them
        created_ms INTEGER NOT NULL
      );
      CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        topic_id INTEGER NOT NULL REFERENCES topics(id),
        seq INTEGER NOT NULL,
        key TEXT,
        value TEXT NOT NULL,
        ts_ms INTEGER NOT NULL,
        appended_ms INTEGER NOT NULL,
        bytes INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX messages_by_topic_seq ON messages(topic_id, seq);
      CREATE TABLE group_offsets (
        group_name TEXT NOT NULL,
        topic_id INTEGER NOT NULL REFERENCES topics(id),
        committed INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL,
        PRIMARY KEY (group_name, topic_id)
      ) WITHOUT ROWID;
      CREATE TABLE group_leases (
        group_name TEXT NOT NULL,
        topic_id INTEGER NOT NULL REFERENCES topics(id),
        owner TEXT NOT NULL,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        expires_ms INTEGER NOT NULL,
        PRIMARY KEY (group_name, topic_id)
      ) WITHOUT ROWID;
      CREATE TABLE dead_letters (
        id INTEGER PRIMARY KEY,
        topic TEXT NOT NULL,
        partition INTEGER NOT NULL,
        message_offset TEXT NOT NULL,
        group_name TEXT NOT NULL,
        reason TEXT NOT NULL,
        value TEXT NOT NULL,
        ts_ms INTEGER NOT NULL,
        created_ms INTEGER NOT NULL
      );
      CREATE INDEX dead_letters_by_topic ON dead_letters(topic);
      CREATE TABLE bus_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    `,
  },
];

export const SQLITE_BUS_SCHEMA_VERSION = SQLITE_BUS_MIGRATIONS[SQLITE_BUS_MIGRATIONS.length - 1]?.version ?? 0;

/** Brings the file to the latest schema; refuses a file written by a newer Palisade. Returns the version. */
export function migrateSqliteBus(db: Database.Database, file: string): number {
  const upgrade = db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > SQLITE_BUS_SCHEMA_VERSION) {
      throw new Error(`${file} has bus schema version ${current}, newer than this Palisade understands (${SQLITE_BUS_SCHEMA_VERSION}): upgrade Palisade`);
    }
    for (const migration of SQLITE_BUS_MIGRATIONS) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }
    return db.pragma('user_version', { simple: true }) as number;
  });
  return upgrade.immediate();
}
