import { type EngineStateEntry, type EngineStateRepository, type EngineStateWrite, engineStateValue } from '../store.port.js';
import { compareKeys } from './memory.list.js';
import { jsonCopy, type MemoryState } from './memory.state.js';

export class MemoryEngineStateRepository implements EngineStateRepository {
  constructor(private readonly state: MemoryState) {}

  async loadAll(): Promise<EngineStateEntry[]> {
    return [...this.state.engineState.entries()].sort(([a], [b]) => compareKeys([a], [b])).map(([key, value]) => ({ key, value: jsonCopy(value) }));
  }

  async get(key: string): Promise<unknown | null> {
    return this.state.engineState.has(key) ? jsonCopy(this.state.engineState.get(key)) : null;
  }

  async getMany(keys: readonly string[]): Promise<EngineStateEntry[]> {
    return [...new Set(keys)].flatMap((key) => (this.state.engineState.has(key) ? [{ key, value: jsonCopy(this.state.engineState.get(key)) }] : []));
  }

  async put(entries: readonly EngineStateWrite[]): Promise<void> {
    this.putNow(entries);
  }

  putNow(entries: readonly EngineStateWrite[]): void {
    for (const entry of entries) {
      const value = engineStateValue(entry);
      if (value === null) this.state.engineState.delete(entry.key);
      // Text was parsed into a fresh value; a value is copied, as a real store would serialise it.
      else this.state.engineState.set(entry.key, 'json' in entry ? value : jsonCopy(value));
    }
  }
}
