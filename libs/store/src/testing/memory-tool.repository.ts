import type { ToolPin, ToolVersion } from '@palisade/schema';
import { instantMs } from '../shared/time.js';
import type { ToolRepository } from '../store.port.js';
import { compareKeys } from './memory.list.js';
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

  async versions(server: string, tool: string): Promise<ToolVersion[]> {
    // Map order is insertion order: the tie-break for versions first seen at the same instant, as sqlite's rowid.
    return [...this.state.versions.values()]
      .filter((version) => version.server === server && version.tool === tool)
      .map((version, order) => ({ version, order, firstSeenMs: Date.parse(version.firstSeen) }))
      .sort((a, b) => a.firstSeenMs - b.firstSeenMs || a.order - b.order)
      .map(({ version }) => jsonCopy(version));
  }

  async addVersion(version: ToolVersion): Promise<void> {
    this.addVersionNow(version);
  }

  addVersionNow(version: ToolVersion): void {
    instantMs(version.firstSeen, `tool version ${version.server}/${version.tool} firstSeen`);
    const lastSeenMs = instantMs(version.lastSeen, `tool version ${version.server}/${version.tool} lastSeen`);
    const key = toolKey(version.server, version.tool, version.hash);
    const known = this.state.versions.get(key);
    if (!known) this.state.versions.set(key, jsonCopy(version));
    else if (lastSeenMs > Date.parse(known.lastSeen)) this.state.versions.set(key, { ...known, lastSeen: version.lastSeen });
  }
}
