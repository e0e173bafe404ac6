import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleAlert, sampleEvent } from './fixtures/store-records.js';

// The threaded writer runs the built worker script (dist/), so this test uses the built package.
const dist = path.resolve(import.meta.dirname, '../dist/index.js');
const built = existsSync(dist) && existsSync(path.resolve(import.meta.dirname, '../dist/sqlite/sqlite-writer.worker.js'));

describe.skipIf(!built)('SqliteThreadedWriter (built package)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'palisade-threaded-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes in a worker thread, in order, and what it wrote is visible on the main connection', async () => {
    const { SqliteStore } = (await import(dist)) as typeof import('../src/index.js');
    const store = SqliteStore.open({ file: path.join(dir, 'store.db') });
    const writer = await store.batchWriter();
    expect(writer.threaded).toBe(true);
    const batches = Array.from({ length: 20 }, (_, i) => ({ events: Array.from({ length: 50 }, () => sampleEvent()), alerts: i % 5 === 0 ? [sampleAlert()] : [] }));
    const results = await Promise.all(batches.map((batch) => writer.write(batch)));
    expect(results.map((r) => r.eventsInserted)).toEqual(batches.map(() => 50));
    expect(results.filter((r) => r.alertsInserted.length === 1)).toHaveLength(4);
    expect(await store.events.count()).toBe(1000);
    // Rows are prepared on this thread (document, full-text, columns): the documents round-trip and the
    // text is searchable.
    const first = batches[0]!.events[0]!;
    expect(await store.events.get(first.id)).toEqual(first);
    expect((await store.events.search({ q: 'quarterly report', server: 'mail', limit: 5 })).total).toBe(1000);
    // A refused record rejects that write only; later writes still apply.
    const bad = writer.write({ events: [{ ...sampleEvent(), ts: 'not a time' } as never] });
    const good = writer.write({ events: [sampleEvent()] });
    await expect(bad).rejects.toThrow();
    expect((await good).eventsInserted).toBe(1);
    await writer.close();
    await store.close();
  });

  it('starts its threads in a process run with V8 flags, which Node refuses to pass on to threads', () => {
    const script = `
      const { SqliteStore } = await import(${JSON.stringify(dist)});
      const store = SqliteStore.open({ file: ${JSON.stringify(path.join(dir, 'flags.db'))} });
      const writer = await store.batchWriter();
      const result = await writer.write({ events: [] });
      await writer.close();
      console.log(JSON.stringify({ threaded: writer.threaded, result }));`;
    const run = spawnSync(process.execPath, ['--max-semi-space-size=16', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ threaded: true, result: { eventsInserted: 0, alertsInserted: [], audit: [] } });
  });

  it('checkpoints the WAL in the background, so the writer commits never copy pages into the database file', async () => {
    const { SqliteStore } = (await import(dist)) as typeof import('../src/index.js');
    const file = path.join(dir, 'checkpointed.db');
    const store = SqliteStore.open({ file });
    const before = statSync(file).size;
    const writer = await store.batchWriter();
    // About 2 MB of events: far below any connection's own checkpoint threshold (32 MB and more).
    for (let i = 0; i < 20; i += 1) await writer.write({ events: Array.from({ length: 100 }, () => sampleEvent()) });
    const deadline = Date.now() + 10_000;
    while (statSync(file).size < before + 1_000_000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(statSync(file).size).toBeGreaterThan(before + 1_000_000);
    await writer.close();
    expect(await store.events.count()).toBe(2000);
    await store.close();
  });
});

if (!built) console.log('threaded store writer test skipped: libs/store/dist is not built (run `node tools/build.mjs`)');
