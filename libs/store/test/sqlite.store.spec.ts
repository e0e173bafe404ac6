import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EventQuery, ExportQuery, IncidentQuery } from '@palisade/schema';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreErrorCode } from '../src/store.error.js';
import { SQLITE_MIGRATIONS } from '../src/sqlite/sqlite.migrations.js';
import { SqliteStore } from '../src/sqlite/sqlite.store.js';
import { at, sampleEvent, sampleExport, sampleIncident } from './fixtures/store-records.js';
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

  describe('on disk', () => {
    let home: string;
    let file: string;

    beforeEach(() => {
      home = mkdtempSync(path.join(tmpdir(), 'palisade-store-'));
      file = path.join(home, 'nested', 'store.db');
    });

    afterEach(() => rmSync(home, { recursive: true, force: true }));

    it('creates its folder, runs in WAL mode at the latest schema version, and reopens what it wrote', async () => {
      const store = SqliteStore.open({ file });
      const event = sampleEvent();
      await store.events.insertMany([event]);
      await store.close();
      const raw = new Database(file, { readonly: true });
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length);
      raw.close();
      const reopened = SqliteStore.open({ file });
      expect(await reopened.events.get(event.id)).toEqual(event);
      await reopened.close();
    });

    it('refuses a database written by a newer Palisade, with one clear line', async () => {
      await SqliteStore.open({ file }).close();
      const raw = new Database(file);
      raw.pragma(`user_version = ${SQLITE_MIGRATIONS.length + 1}`);
      raw.close();
      expect(() => SqliteStore.open({ file })).toThrow(expect.objectContaining({ code: StoreErrorCode.SchemaTooNew, message: expect.stringMatching(/^store\.db is at schema version \d+, newer/) }));
    });

    it('skips and counts rows it cannot read back, without failing the list', async () => {
      const store = SqliteStore.open({ file });
      await store.events.insertMany([sampleEvent({ id: 'evt_good_000001' }), sampleEvent({ id: 'evt_broken_0001' }), sampleEvent({ id: 'evt_shape_0001' })]);
      await store.incidents.upsert(sampleIncident({ id: 'inc_broken' }));
      const raw = new Database(file);
      raw.prepare("UPDATE events SET doc = '{not json' WHERE id = 'evt_broken_0001'").run();
      raw.prepare("UPDATE events SET doc = '[1, 2]' WHERE id = 'evt_shape_0001'").run();
      raw.prepare("UPDATE incidents SET doc = 'null' WHERE id = 'inc_broken'").run();
      raw.close();
      const page = await store.events.search(EventQuery.parse({}));
      expect(page.items.map((event) => event.id)).toEqual(['evt_good_000001']);
      expect(page.total).toBe(3);
      expect(await store.events.get('evt_broken_0001')).toBeNull();
      expect((await store.incidents.search(IncidentQuery.parse({}))).items).toEqual([]);
      expect(store.stats().malformedRowsSkipped).toBe(4);
      await store.close();
    });

    it('indexes at most the configured characters of an event text', async () => {
      const store = SqliteStore.open({ file, eventTextChars: 300 });
      const filler = 'padding '.repeat(100);
      await store.events.insertMany([
        sampleEvent({ id: 'evt_long_000001', 'palisade.request.params': { name: 'send_email', arguments: { body: `${filler} needle` } } }),
        sampleEvent({ id: 'evt_short_00001', 'palisade.request.params': { name: 'send_email', arguments: { body: 'needle' } } }),
      ]);
      expect((await store.events.search(EventQuery.parse({ q: 'needle' }))).items.map((event) => event.id)).toEqual(['evt_short_00001']);
      expect((await store.events.get('evt_long_000001'))?.['palisade.request.params']).toMatchObject({ arguments: { body: `${filler} needle` } });
      await store.close();
    });

    it('moves the export records an earlier version kept as settings into their own list, leaving the other settings', async () => {
      // A store.db as the first schema left it.
      const v1 = path.join(home, 'store.db');
      const raw = new Database(v1);
      raw.exec(SQLITE_MIGRATIONS[0]!);
      raw.pragma('user_version = 1');
      const running = sampleExport({ startedAt: at(2), state: 'running', createdAt: at(2) });
      const done = sampleExport({ startedAt: '2026-11-20T10:01:00.123+02:00', createdAt: at(7) });
      const legacy = sampleExport({ createdAt: at(3) }) as unknown as Record<string, unknown>;
      for (const field of ['state', 'startedAt', 'finishedAt', 'progress']) delete legacy[field];
      const insert = raw.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
      for (const record of [running, done, legacy]) insert.run(`export/${String(record['id'])}`, JSON.stringify(record));
      insert.run('export/exp_broken', '{not json');
      insert.run('export/exp_timeless', JSON.stringify({ id: 'exp_timeless', createdAt: 'yesterday' }));
      insert.run('exports-note', '"kept"');
      insert.run('rule:burst', '{"enabled":false}');
      raw.close();

      const store = SqliteStore.open({ file: v1 });
      const page = await store.exports.search(ExportQuery.parse({}));
      // `done` started at 08:01:00.123Z, before the others: the earlier version's time, not its createdAt.
      expect(page.items.map((record) => record.id)).toEqual([legacy['id'], running.id, done.id]);
      expect(page.items).toEqual([legacy, running, done]);
      expect((await store.exports.search(ExportQuery.parse({ state: 'done' }))).items.map((record) => record.id)).toEqual([legacy['id'], done.id]);
      expect((await store.exports.search(ExportQuery.parse({ to: '2026-11-20T08:01:00.124Z' }))).items.map((record) => record.id)).toEqual([done.id]);
      expect(await store.settings.get('rule:burst')).toEqual({ enabled: false });
      await store.close();
      // What could not be moved stays where it was, unlisted rather than lost.
      const after = new Database(v1, { readonly: true });
      expect(after.prepare("SELECT key FROM settings WHERE key LIKE 'export%' ORDER BY key").pluck().all()).toEqual(['export/exp_broken', 'export/exp_timeless', 'exports-note']);
      after.close();
    });

    it('refuses a record whose time is not an instant, naming it', async () => {
      const store = SqliteStore.open({ file });
      await expect(store.events.insertMany([{ ...sampleEvent({ id: 'evt_bad_time_01' }), ts: 'yesterday' }])).rejects.toMatchObject({
        code: StoreErrorCode.InvalidRecord,
        message: 'event evt_bad_time_01 ts is not an ISO-8601 instant: "yesterday"',
      });
      await store.close();
    });
  });
});
