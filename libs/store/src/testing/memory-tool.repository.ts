import type { Page, ToolPin, ToolVersion } from '@palisade/schema';
import { instantMs, rangeMs } from '../shared/time.js';
import { isReferenced } from '../shared/version-retention.js';
import type { ToolRepository, ToolVersionQuery, VersionReferences } from '../store.port.js';
import { compareKeys, deleteWhere, memoryPage } from './memory.list.js';
import { jsonCopy, toolKey, type MemoryState } from './memory.state.js';

export class MemoryToolRepository implements ToolRepository {
  constructor(private readonly state: MemoryState) {}

  async list(): Promise<ToolPin[]> {
    return [...this.state.pins.values()].sort((a, b) => compareKeys([a.server, a.tool], [b.server, b.tool])).map(jsonCopy);
  }

  async get(server: string, tool: string): Promise<ToolPin | null> {
    const pin = this.state.pins.get(toolKey(server, tool));
    return pin ? jsonCopy(pin) : null;
  }

  async upsert(pin: ToolPin): Promise<void> {
    this.upsertNow(pin);
  }

  upsertNow(pin: ToolPin): void {
    this.state.pins.set(toolKey(pin.server, pin.tool), jsonCopy(pin));
  }

  async versions(server: string, tool: string, query: ToolVersionQuery = {}): Promise<Page<ToolVersion>> {
    const { fromMs, toMs } = rangeMs(query);
    const rows = [...this.state.versions.values()].filter(({ version }) => {
      const firstSeenMs = Date.parse(version.firstSeen);
      return version.server === server && version.tool === tool && (fromMs === undefined || firstSeenMs >= fromMs) && (toMs === undefined || firstSeenMs < toMs);
    });
    return memoryPage(rows, 'tool-versions', ['number', 'number'], (row) => [Date.parse(row.version.firstSeen), row.seq], query, (row) => jsonCopy(row.version));
  }

  async version(server: string, tool: string, hash: string): Promise<ToolVersion | null> {
    const row = this.state.versions.get(toolKey(server, tool, hash));
    return row ? jsonCopy(row.version) : null;
  }

  async deleteVersionsBefore(ts: string, keep: VersionReferences): Promise<number> {
    const before = instantMs(ts, 'retention cut-off');
    // Per tool: its first and latest version (by firstSeen, then insertion), which retention never deletes.
    type Row = { version: ToolVersion; seq: number };
    const ends = new Map<string, { first: Row; latest: Row }>();
    const order = (row: Row): number[] => [Date.parse(row.version.firstSeen), row.seq];
    for (const row of this.state.versions.values()) {
      const key = toolKey(row.version.server, row.version.tool);
      const known = ends.get(key);
      if (!known) ends.set(key, { first: row, latest: row });
      else {
        if (compareKeys(order(row), order(known.first)) < 0) known.first = row;
        if (compareKeys(order(row), order(known.latest)) > 0) known.latest = row;
      }
    }
    return deleteWhere(this.state.versions, (row) => {
      const { version } = row;
      const end = ends.get(toolKey(version.server, version.tool));
      const pin = this.state.pins.get(toolKey(version.server, version.tool));
      return (
        Date.parse(version.lastSeen) < before &&
        row !== end?.first &&
        row !== end?.latest &&
        version.hash !== pin?.pinnedHash &&
        version.hash !== pin?.currentHash &&
        !isReferenced(version, keep)
      );
    });
  }

  async addVersion(version: ToolVersion): Promise<void> {
    this.addVersionNow(version);
  }

  addVersionNow(version: ToolVersion): void {
    instantMs(version.firstSeen, `tool version ${version.server}/${version.tool} firstSeen`);
    const lastSeenMs = instantMs(version.lastSeen, `tool version ${version.server}/${version.tool} lastSeen`);
    const key = toolKey(version.server, version.tool, version.hash);
    const known = this.state.versions.get(key);
    if (!known) this.state.versions.set(key, { version: jsonCopy(version), seq: (this.state.versionSeq += 1) });
    else if (lastSeenMs > Date.parse(known.version.lastSeen)) this.state.versions.set(key, { ...known, version: { ...known.version, lastSeen: version.lastSeen } });
  }
}
