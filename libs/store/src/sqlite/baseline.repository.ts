import { BaselineTuning } from '@palisade/schema';
import type { BaselineRepository } from '../store.port.js';
import type { SqliteContext } from './sqlite.context.js';

export class SqliteBaselineRepository implements BaselineRepository {
  constructor(private readonly ctx: SqliteContext) {}

  async get(server: string, tool: string): Promise<BaselineTuning | null> {
    const doc = this.ctx.pluck('SELECT doc FROM baselines WHERE server = ? AND tool = ?').get(server, tool);
    return doc === undefined ? null : this.ctx.rows.parseWith(doc, BaselineTuning);
  }

  async list(): Promise<BaselineTuning[]> {
    return this.ctx
      .pluck('SELECT doc FROM baselines ORDER BY server, tool')
      .all()
      .flatMap((doc) => this.ctx.rows.parseWith(doc, BaselineTuning) ?? []);
  }

  async put(tuning: BaselineTuning): Promise<void> {
    this.ctx
      .statement('INSERT INTO baselines (server, tool, doc) VALUES (?, ?, ?) ON CONFLICT (server, tool) DO UPDATE SET doc = excluded.doc')
      .run(tuning.server, tuning.tool, JSON.stringify(tuning));
  }
}
