import { describe } from 'vitest';
import { MemoryStore } from '../src/testing/memory.store.js';
import { storeBehaviour } from './store.behaviour.js';

describe(MemoryStore.name, () => {
  storeBehaviour(async () => {
    const store = new MemoryStore();
    return { store, dispose: () => store.close() };
  }, { atomicBatches: true });
});
