import type { BaselineTuning } from '@palisade/schema';
import type { BaselineRepository } from '../store.port.js';
import { compareKeys } from './memory.list.js';
import { jsonCopy, toolKey, type MemoryState } from './memory.state.js';

export class MemoryBaselineRepository implements BaselineRepository {
  constructor(private readonly state: MemoryState) {}

  async get(server: string, tool: string): Promise<BaselineTuning | null> {
    const tuning = this.state.baselines.get(toolKey(server, tool));
    return tuning ? jsonCopy(tuning) : null;
  }

  async list(): Promise<BaselineTuning[]> {
    return [...this.state.baselines.values()].sort((a, b) => compareKeys([a.server, a.tool], [b.server, b.tool])).map(jsonCopy);
  }

  async put(tuning: BaselineTuning): Promise<void> {
    this.state.baselines.set(toolKey(tuning.server, tuning.tool), jsonCopy(tuning));
  }
}
