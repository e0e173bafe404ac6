import type { SettingsRepository } from '../store.port.js';
import { compareKeys } from './memory.list.js';
import { jsonCopy, type MemoryState } from './memory.state.js';

export class MemorySettingsRepository implements SettingsRepository {
  constructor(private readonly state: MemoryState) {}

  async get<T = unknown>(key: string): Promise<T | null> {
    return this.state.settings.has(key) ? (jsonCopy(this.state.settings.get(key)) as T) : null;
  }

  async put(key: string, value: unknown): Promise<void> {
    this.state.settings.set(key, jsonCopy(value ?? null));
  }

  async list<T = unknown>(prefix: string): Promise<{ key: string; value: T }[]> {
    return [...this.state.settings.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => compareKeys([a], [b]))
      .map(([key, value]) => ({ key, value: jsonCopy(value) as T }));
  }
}
