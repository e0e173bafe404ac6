import { ToolPin, ToolVersion } from '@palisade/schema';
import { instantMs } from '../shared/time.js';
import type { ToolRepository } from '../store.port.js';
import type { BulkAction } from './bulk.writer.js';
import { sourceAt, termFilters, toolDocId, type ElasticsearchContext } from './elasticsearch.context.js';

const BY_NAME = [
  { field: 'server', order: 'asc' as const },
  { field: 'tool', order: 'asc' as const },
];

/**
 * Tool pins (`_id` = `server/tool`) and description versions (`_id` = `server/tool/hash`), one index each;
 * an id longer than Elasticsearch takes (a long non-ASCII tool name) is replaced by its SHA-256.
 */
export class ElasticsearchToolRepository implements ToolRepository {
  constructor(private readonly ctx: ElasticsearchContext) {}

  async list(): Promise<ToolPin[]> {
    const hits = await this.ctx.all(this.ctx.indices.name('tool-pins'), { match_all: {} }, BY_NAME);
    return hits.flatMap((hit) => this.ctx.rows.checkWith(sourceAt(hit._source, 'doc'), ToolPin) ?? []);
  }

  async get(server: string, tool: string): Promise<ToolPin | null> {
    const source = await this.ctx.getSource(this.ctx.indices.name('tool-pins'), toolDocId(server, tool));
    return source ? this.ctx.rows.checkWith(source['doc'], ToolPin) : null;
  }

  async upsert(pin: ToolPin): Promise<void> {
    await this.ctx.bulk.write([this.pinAction(pin)], 'wait_for');
  }

  async versions(server: string, tool: string): Promise<ToolVersion[]> {
    const hits = await this.ctx.all(this.ctx.indices.name('tool-versions'), { bool: { filter: termFilters({ server, tool }) } }, [
      { field: 'firstSeenMs', order: 'asc' },
      { field: 'hash', order: 'asc' },
    ]);
    return hits.flatMap((hit) => this.ctx.rows.checkWith(sourceAt(hit._source, 'doc'), ToolVersion) ?? []);
  }

  async addVersion(version: ToolVersion): Promise<void> {
    await this.ctx.bulk.write([this.versionAction(version)], 'wait_for');
  }

  pinAction(pin: ToolPin): BulkAction {
    return { op: 'index', index: this.ctx.indices.name('tool-pins'), id: toolDocId(pin.server, pin.tool), document: { server: pin.server, tool: pin.tool, doc: pin } };
  }

  /** Inserts a new version; for a known one, a script advances `lastSeen` and never moves it back. */
  versionAction(version: ToolVersion): BulkAction {
    const what = `tool version ${version.server}/${version.tool}`;
    const firstSeenMs = instantMs(version.firstSeen, `${what} firstSeen`);
    const lastSeenMs = instantMs(version.lastSeen, `${what} lastSeen`);
    return {
      op: 'update',
      index: this.ctx.indices.name('tool-versions'),
      id: toolDocId(version.server, version.tool, version.hash),
      body: {
        script: {
          lang: 'painless',
          source: "if (params.lastSeenMs > ctx._source.lastSeenMs) { ctx._source.lastSeenMs = params.lastSeenMs; ctx._source.doc.lastSeen = params.lastSeen } else { ctx.op = 'noop' }",
          params: { lastSeenMs, lastSeen: version.lastSeen },
        },
        upsert: { server: version.server, tool: version.tool, hash: version.hash, firstSeenMs, lastSeenMs, doc: version },
      },
    };
  }
}
