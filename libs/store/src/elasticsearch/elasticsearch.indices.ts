import type { estypes } from '@elastic/elasticsearch';

type Mapping = estypes.MappingTypeMapping;
type Property = estypes.MappingProperty;

const keyword: Property = { type: 'keyword' };
const date: Property = { type: 'date' };
/** Kept in `_source`, never indexed: captured payloads cannot grow the mapping whatever their keys. */
const opaque: Property = { type: 'object', enabled: false };
const text: Property = { type: 'text', analyzer: 'palisade_text' };

/** Nested object properties from a dotted path map (`{'mcp.method.name': keyword}`). */
function tree(fields: Record<string, Property>): Record<string, Property> {
  const root: Record<string, Property> = {};
  for (const [dotted, property] of Object.entries(fields)) {
    const parts = dotted.split('.');
    let level = root;
    for (const part of parts.slice(0, -1)) {
      const node = (level[part] ??= { properties: {} }) as { properties: Record<string, Property> };
      level = node.properties;
    }
    level[parts.at(-1) as string] = property;
  }
  return root;
}

/**
 * The families of documents and their mappings. Events follow ECS where a field exists (`@timestamp`,
 * `event.*`, `host.name`) and the OpenTelemetry MCP names otherwise (`mcp.method.name`,
 * `gen_ai.tool.name`); the captured event is kept whole, unindexed, under `palisade.event`, and its text
 * (tool names, descriptions, arguments, results) is indexed as `palisade.text` (not stored in `_source`).
 * Every mapping is `dynamic: false`: a field not listed is kept but never indexed.
 */
const MAPPINGS = {
  events: {
    dynamic: false,
    _source: { excludes: ['palisade.text'] },
    properties: tree({
      '@timestamp': date,
      'event.id': keyword,
      'event.kind': keyword,
      'event.outcome': keyword,
      'event.duration': { type: 'long' },
      'host.name': keyword,
      'mcp.method.name': keyword,
      'mcp.session.id': keyword,
      'gen_ai.tool.name': keyword,
      'palisade.server.name': keyword,
      'palisade.collector.id': keyword,
      'palisade.client.name': keyword,
      'palisade.outcome': keyword,
      'palisade.text': text,
      'palisade.event': opaque,
    }),
  },
  alerts: {
    dynamic: false,
    properties: tree({
      '@timestamp': date,
      'event.id': keyword,
      'event.kind': keyword,
      'event.severity': { type: 'integer' },
      'rule.id': keyword,
      'palisade.alert': {
        dynamic: false,
        properties: tree({
          id: keyword,
          ts: date,
          category: keyword,
          severity: keyword,
          title: { type: 'text' },
          server: keyword,
          tool: keyword,
          sessionId: keyword,
          ruleId: keyword,
          incidentId: keyword,
          status: keyword,
          eventIds: keyword,
          evidence: opaque,
        }),
      },
    }),
  },
  incidents: {
    dynamic: false,
    _source: { excludes: ['palisade.text'] },
    properties: tree({
      '@timestamp': date,
      'event.id': keyword,
      'event.kind': keyword,
      'palisade.severity_rank': { type: 'integer' },
      'palisade.text': text,
      'palisade.incident': {
        dynamic: false,
        properties: tree({
          id: keyword,
          title: { type: 'text' },
          status: keyword,
          severity: keyword,
          assignee: keyword,
          server: keyword,
          tool: keyword,
          sessionId: keyword,
          categories: keyword,
          firstSeen: date,
          lastSeen: date,
          createdAt: date,
          updatedAt: date,
          alertIds: { type: 'keyword', index: false, doc_values: false },
          notes: opaque,
        }),
      },
    }),
  },
  audit: {
    dynamic: false,
    properties: tree({
      '@timestamp': date,
      'event.sequence': { type: 'long' },
      'palisade.audit': {
        dynamic: false,
        properties: tree({ seq: { type: 'long' }, ts: date, action: keyword, target: keyword, hash: keyword, prevHash: keyword, actor: opaque, details: opaque, source: keyword }),
      },
    }),
  },
  'audit-head': { dynamic: false, properties: tree({ seq: { type: 'long' }, hash: keyword }) },
  'tool-pins': { dynamic: false, properties: tree({ server: keyword, tool: keyword, doc: opaque }) },
  'tool-versions': {
    dynamic: false,
    properties: tree({ server: keyword, tool: keyword, hash: keyword, firstSeenMs: { type: 'long' }, lastSeenMs: { type: 'long' }, doc: opaque }),
  },
  baselines: { dynamic: false, properties: tree({ server: keyword, tool: keyword, doc: opaque }) },
  'engine-state': { dynamic: false, properties: tree({ key: keyword, value: opaque }) },
  outbox: {
    dynamic: false,
    properties: tree({ id: keyword, status: keyword, nextAttemptMs: { type: 'long' }, createdMs: { type: 'long' }, doc: opaque }),
  },
  tokens: { dynamic: false, properties: tree({ id: keyword, tokenHash: keyword, createdMs: { type: 'long' }, revoked: { type: 'boolean' }, doc: opaque }) },
  settings: { dynamic: false, properties: tree({ key: keyword, value: opaque }) },
  exports: { dynamic: false, properties: tree({ id: keyword, startedMs: { type: 'long' }, state: keyword, doc: opaque }) },
  /** Documents Elasticsearch refused (a value their mapping cannot take), kept whole and unindexed with the reason. */
  refused: {
    dynamic: false,
    properties: tree({
      '@timestamp': date,
      'refused.index': keyword,
      'refused.id': keyword,
      'refused.op': keyword,
      'refused.status': { type: 'integer' },
      'refused.reason': { type: 'text' },
      'refused.document': opaque,
    }),
  },
} satisfies Record<string, Mapping>;

export type IndexFamily = keyof typeof MAPPINGS;

/** Families written to one index per UTC day (retention deletes whole indices); the others are one index each. */
const DAILY: ReadonlySet<IndexFamily> = new Set(['events']);

/**
 * Longest token `palisade_text` indexes, in UTF-16 units (at most 3 bytes of UTF-8 each). Lucene refuses
 * a document with a term over 32766 bytes ("immense term"), and the pattern tokenizer, unlike the
 * standard one, has no maximum token length: one run of letters in a tool result (10923 CJK characters,
 * a long hex string with PALISADE_STORE_TEXT_CHARS raised) would have its event refused on every delivery.
 * Longer tokens are cut to this length, at index and at search time alike.
 */
export const MAX_TOKEN_CHARS = 1024;

/** Analysis shared by every index: words are runs of letters and digits, case and diacritics folded (as SQLite's `unicode61 remove_diacritics 2`). */
const ANALYSIS: estypes.IndicesIndexSettingsAnalysis = {
  tokenizer: { palisade_words: { type: 'pattern', pattern: '[^\\p{L}\\p{N}\\p{Co}]+' } },
  filter: { palisade_token_limit: { type: 'truncate', length: MAX_TOKEN_CHARS } },
  analyzer: { palisade_text: { type: 'custom', tokenizer: 'palisade_words', filter: ['lowercase', 'asciifolding', 'palisade_token_limit'] } },
};

/** Index, alias and template names under one prefix (PALISADE_INDEX_PREFIX). */
export class ElasticsearchIndices {
  constructor(readonly prefix: string) {}

  /** The index (single families) or the read alias over the daily indices (events). */
  name(family: IndexFamily): string {
    return `${this.prefix}-${family}`;
  }

  /** The daily index of an instant: `palisade-events-2026.11.22`. */
  daily(family: IndexFamily, ms: number): string {
    const day = new Date(ms).toISOString().slice(0, 10).replaceAll('-', '.');
    return `${this.prefix}-${family}-${day}`;
  }

  /** The UTC day of a daily index name, as the epoch ms of its midnight, or null for another name. */
  dayOf(family: IndexFamily, index: string): number | null {
    const match = new RegExp(`^${this.prefix}-${family}-(\\d{4})\\.(\\d{2})\\.(\\d{2})$`).exec(index);
    return match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : null;
  }

  isDaily(family: IndexFamily): boolean {
    return DAILY.has(family);
  }

  families(): IndexFamily[] {
    return Object.keys(MAPPINGS) as IndexFamily[];
  }

  /** The composable index template of a family: settings, mappings and (daily families) the read alias. */
  template(family: IndexFamily, replicas: number): estypes.IndicesPutIndexTemplateRequest {
    const daily = this.isDaily(family);
    return {
      name: this.name(family),
      index_patterns: [daily ? `${this.name(family)}-*` : this.name(family)],
      priority: 500,
      version: TEMPLATE_VERSION,
      _meta: { managed_by: 'palisade', family },
      template: {
        settings: { number_of_shards: 1, number_of_replicas: replicas, refresh_interval: '1s', analysis: ANALYSIS },
        mappings: MAPPINGS[family],
        ...(daily ? { aliases: { [this.name(family)]: {} } } : {}),
      },
    };
  }
}

/** Bumped whenever a mapping or analysis changes, so a deployment can tell which templates it runs (2: token limit, 3: refused documents, 4: exports). */
export const TEMPLATE_VERSION = 4;
