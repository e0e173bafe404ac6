import type { EngineStateEntry, EngineStateRepository } from '../store.port.js';
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

  async put(entries: readonly EngineStateEntry[]): Promise<void> {
    this.putNow(entries);
  }

  putNow(entries: readonly EngineStateEntry[]): void {
    for (const { key, value } of entries) {
      if (value === null || value === undefined) this.state.engineState.delete(key);
      else this.state.engineState.set(key, jsonCopy(value));
    }
  }
}
