import type Database from 'better-sqlite3';
import type { MalformedRowCounter } from '../shared/malformed-row.counter.js';

/** What every sqlite repository shares: the connection, cached statements, the malformed-row count. */
export class SqliteContext {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    readonly db: Database.Database,
    readonly rows: MalformedRowCounter,
    /** Characters of one event's text that go into the full-text index. */
    readonly eventTextChars: number,
  ) {}

  /** A prepared statement returning rows as objects, prepared once per SQL text. */
  statement(sql: string): Database.Statement {
    return this.cached(sql, false);
  }

  /** A prepared statement returning the first column of each row, prepared once per SQL text. */
  pluck(sql: string): Database.Statement {
    return this.cached(sql, true);
  }

  /**
   * Runs `work` in one IMMEDIATE transaction: the write lock is taken at BEGIN, so writers in other
   * processes wait (busy timeout) instead of failing half-way. Nested calls become savepoints.
   */
  write<T>(work: () => T): T {
    return this.db.inTransaction ? this.db.transaction(work)() : this.db.transaction(work).immediate();
  }

  private cached(sql: string, pluck: boolean): Database.Statement {
    const key = `${pluck ? 'pluck' : 'rows'}:${sql}`;
    let statement = this.statements.get(key);
    if (!statement) {
      statement = this.db.prepare(sql);
      if (pluck) statement.pluck();
      this.statements.set(key, statement);
    }
    return statement;
  }
}
