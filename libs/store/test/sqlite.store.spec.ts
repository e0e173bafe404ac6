import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe } from 'vitest';
import { SqliteStore } from '../src/sqlite/sqlite.store.js';
import { storeBehaviour } from './store.behaviour.js';

describe(SqliteStore.name, () => {
  storeBehaviour(
    async () => {
      const home = mkdtempSync(path.join(tmpdir(), 'palisade-store-'));
      const store = SqliteStore.open({ file: path.join(home, 'store.db') });
      return {
        store,
        dispose: async () => {
          await store.close();
          rmSync(home, { recursive: true, force: true });
        },
      };
    },
    { atomicBatches: true },
  );
});
