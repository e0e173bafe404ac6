import { type Page, ToolPin, ToolVersion } from '@palisade/schema';
import { instantMs, rangeMs } from '../shared/time.js';
import { isReferenced } from '../shared/version-retention.js';
import type { ToolRepository, ToolVersionQuery, VersionReferences } from '../store.port.js';
import type { BulkAction } from './bulk.writer.js';
import { msRange, numberRange, sourceAt, termFilters, toolDocId, type ElasticsearchContext, type Hit, type SortedList } from './elasticsearch.context.js';

/** A tool's versions newest first; the hash breaks ties between versions first seen at the same instant. */
const NEWEST_VERSIONS: SortedList = {
  list: 'tool-versions',
  sort: [
    { field: 'firstSeenMs', order: 'desc' },
    { field: 'hash', order: 'desc' },
  ],
  shape: ['number', 'string'],
};
const OLDEST_VERSIONS: SortedList = { ...NEWEST_VERSIONS, sort: NEWEST_VERSIONS.sort.map(({ field }) => ({ field, order: 'asc' as const })) };
/** Retention candidates, one tool after another. */
const BY_TOOL_OLDEST_FIRST = [{ field: 'server', order: 'asc' as const }, { field: 'tool', order: 'asc' as const }, ...OLDEST_VERSIONS.sort];

/** Retention candidates of one tool judged and deleted at a time. */
const PRUNE_RUN = 5000;

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

  async versions(server: string, tool: string, query: ToolVersionQuery = {}): Promise<Page<ToolVersion>> {
    const { fromMs, toMs } = rangeMs(query);
    const filter = [...termFilters({ server, tool }), ...numberRange('firstSeenMs', { gte: fromMs, lt: toMs })];
    return this.ctx.page(this.versionIndex(), { bool: { filter } }, NEWEST_VERSIONS, query, (hit) => this.decodeVersion(hit));
  }

  async version(server: string, tool: string, hash: string): Promise<ToolVersion | null> {
    const source = await this.ctx.getSource(this.versionIndex(), toolDocId(server, tool, hash));
    return source ? this.ctx.rows.checkWith(source['doc'], ToolVersion) : null;
  }

  /**
   * Reads the versions last seen before the cut-off one tool at a time, keeps each tool's first, latest,
   * pinned and current ones and those evidence refers to, and deletes the rest by id.
   */
  async deleteVersionsBefore(ts: string, keep: VersionReferences): Promise<number> {
    const cut = instantMs(ts, 'retention cut-off');
    let deleted = 0;
    let group: Hit[] = [];
    const flush = async (): Promise<void> => {
      if (group.length > 0) deleted += await this.pruneTool(group, keep);
      group = [];
    };
    // Each hit's sequence number: a version listed again after it was read (its lastSeen advanced) is not deleted.
    for await (const hits of this.ctx.scan(this.versionIndex(), { bool: { filter: msRange('lastSeenMs', { lt: cut }) } }, BY_TOOL_OLDEST_FIRST, undefined, { seqNoPrimaryTerm: true })) {
      for (const hit of hits) {
        const first = group[0];
        // A tool's candidates go in runs of at most PRUNE_RUN: a first run over a long history holds no more in memory.
        if (first && (group.length >= PRUNE_RUN || sourceAt(first._source, 'server') !== sourceAt(hit._source, 'server') || sourceAt(first._source, 'tool') !== sourceAt(hit._source, 'tool'))) await flush();
        group.push(hit);
      }
    }
    await flush();
    return deleted;
  }

  /** Deletes the candidates of one tool that none of its anchors or references keeps. */
  private async pruneTool(candidates: readonly Hit[], keep: VersionReferences): Promise<number> {
    const server = String(sourceAt(candidates[0]!._source, 'server'));
    const tool = String(sourceAt(candidates[0]!._source, 'tool'));
    const byTool = { bool: { filter: termFilters({ server, tool }) } };
    const [pin, first, latest] = await Promise.all([
      this.get(server, tool),
      this.ctx.page(this.versionIndex(), byTool, OLDEST_VERSIONS, { limit: 1 }, (hit) => hit._id ?? null),
      this.ctx.page(this.versionIndex(), byTool, NEWEST_VERSIONS, { limit: 1 }, (hit) => hit._id ?? null),
    ]);
    const kept = new Set([first.items[0], latest.items[0]]);
    const anchors = new Set([pin?.pinnedHash, pin?.currentHash]);
    const actions: BulkAction[] = candidates.flatMap((hit) => {
      const version = this.decodeVersion(hit);
      if (!hit._id || !version || kept.has(hit._id) || anchors.has(version.hash) || isReferenced(version, keep)) return [];
      return [{ op: 'delete' as const, index: this.versionIndex(), id: hit._id, ifSeqNo: hit._seq_no, ifPrimaryTerm: hit._primary_term }];
    });
    if (actions.length === 0) return 0;
    const outcomes = await this.ctx.bulk.write(actions, 'wait_for');
    return outcomes.filter((outcome) => outcome === 'written').length;
  }

  async addVersion(version: ToolVersion): Promise<void> {
    await this.ctx.bulk.write([this.versionAction(version)], 'wait_for');
  }

  private versionIndex(): string {
    return this.ctx.indices.name('tool-versions');
  }

  private decodeVersion(hit: Hit): ToolVersion | null {
    return this.ctx.rows.checkWith(sourceAt(hit._source, 'doc'), ToolVersion);
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
