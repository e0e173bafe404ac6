import { BaselineTuning } from '@palisade/schema';
import type { BaselineRepository } from '../store.port.js';
import { sourceAt, toolDocId, type ElasticsearchContext } from './elasticsearch.context.js';

/** Per-tool tuning, `_id` = `server/tool` (its SHA-256 when too long); written by analysts, so each write waits for the refresh. */
export class ElasticsearchBaselineRepository implements BaselineRepository {
  constructor(private readonly ctx: ElasticsearchContext) {}

  async get(server: string, tool: string): Promise<BaselineTuning | null> {
    const source = await this.ctx.getSource(this.index(), toolDocId(server, tool));
    return source ? this.ctx.rows.checkWith(source['doc'], BaselineTuning) : null;
  }

  async list(): Promise<BaselineTuning[]> {
    const hits = await this.ctx.all(this.index(), { match_all: {} }, [
      { field: 'server', order: 'asc' },
      { field: 'tool', order: 'asc' },
    ]);
    return hits.flatMap((hit) => this.ctx.rows.checkWith(sourceAt(hit._source, 'doc'), BaselineTuning) ?? []);
  }

  async put(tuning: BaselineTuning): Promise<void> {
    await this.ctx.put(this.index(), toolDocId(tuning.server, tuning.tool), { server: tuning.server, tool: tuning.tool, doc: tuning });
  }

  private index(): string {
    return this.ctx.indices.name('baselines');
  }
}
