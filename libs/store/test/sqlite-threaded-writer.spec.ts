import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleAlert, sampleEvent } from './fixtures/store-records.js';

// The threaded writer runs the built worker script (dist/), so this test uses the built package.
const dist = path.resolve(import.meta.dirname, '../dist/index.js');
const built = existsSync(dist) && existsSync(path.resolve(import.meta.dirname, '../dist/sqlite/sqlite-writer.worker.js'));

// These tests run built code: without it they would pass by skipping, so a missing build fails them, by name.
if (!built) throw new Error("this suite runs the store's build (libs/store/dist): run `npm run build` (npm ci does it) first");

describe('SqliteThreadedWriter (built package)', () => {
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

  it("keeps the producer's text of an event as its document when given one, and serialises the others", async () => {
    const { SqliteStore } = (await import(dist)) as typeof import('../src/index.js');
    const file = path.join(dir, 'documents.db');
    const store = SqliteStore.open({ file });
    const writer = await store.batchWriter();
    // The producer's own key order and spacing: what the pipeline hands over when it is exactly the event.
    const asWritten = (event: object) => `{ ${Object.entries(event).reverse().map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`).join(', ')} }`;
    const [a, b, c, d] = [sampleEvent(), sampleEvent(), sampleEvent(), sampleEvent()];
    await writer.write({ events: [a, b], eventDocuments: new Map([[a.id, asWritten(a)]]) });
    await store.writeBatch({ events: [c, d], eventDocuments: new Map([[c.id, asWritten(c)]]) });
    await writer.close();
    const db = new Database(file, { readonly: true });
    const doc = db.prepare('SELECT doc FROM events WHERE id = ?').pluck();
    expect([a, b, c, d].map((e) => doc.get(e.id))).toEqual([asWritten(a), JSON.stringify(b), asWritten(c), JSON.stringify(d)]);
    db.close();
    for (const event of [a, b, c, d]) expect(await store.events.get(event.id)).toEqual(event);
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
