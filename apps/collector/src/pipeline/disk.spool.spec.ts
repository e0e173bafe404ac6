import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskSpool } from './disk.spool.js';
import type { QueuedEvent } from './event.queue.js';

const dirs: string[] = [];
const fresh = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'palisade-spool-'));
  dirs.push(dir);
  return path.join(dir, 'spool');
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const batch = (from: number, count: number): QueuedEvent[] => Array.from({ length: count }, (_, i) => ({ id: `E${from + i}`, key: 'fs/S1', json: JSON.stringify({ id: `E${from + i}`, pad: 'x'.repeat(100) }) }));

async function drain(spool: DiskSpool): Promise<string[]> {
  const ids: string[] = [];
  for (let record = await spool.peek(); record; record = await spool.peek()) {
    ids.push(...record.events.map((e) => e.id));
    await spool.commit(record.next);
  }
  return ids;
}

describe(DiskSpool.name, () => {
  it('gives batches back in order, once committed never again, across reopen', async () => {
    const dir = fresh();
    const spool = await DiskSpool.open(dir, { maxBytes: 1 << 20, segmentBytes: 2048 });
    for (let i = 0; i < 10; i += 1) expect(await spool.append(batch(i * 5, 5))).toBe('ok');
    const first = await spool.peek();
    expect(first?.events.map((e) => e.id)).toEqual(['E0', 'E1', 'E2', 'E3', 'E4']);
    await spool.commit(first!.next);
    await spool.close();

    const reopened = await DiskSpool.open(dir, { maxBytes: 1 << 20, segmentBytes: 2048 });
    const ids = await drain(reopened);
    expect(ids).toEqual(Array.from({ length: 45 }, (_, i) => `E${i + 5}`));
    expect(reopened.isEmpty).toBe(true);
    expect(readdirSync(dir).filter((f) => f.startsWith('segment-')).length).toBeLessThanOrEqual(1);
  });

  it('replays an uncommitted record after a crash (at least once)', async () => {
    const dir = fresh();
    const spool = await DiskSpool.open(dir, { maxBytes: 1 << 20 });
    await spool.append(batch(0, 3));
    expect((await spool.peek())?.events).toHaveLength(3);
    // No commit: the process dies here.
    const after = await DiskSpool.open(dir, { maxBytes: 1 << 20 });
    expect(await drain(after)).toEqual(['E0', 'E1', 'E2']);
  });

  it('cuts a torn tail left by a crash in the middle of an append, keeping every whole record', async () => {
    const dir = fresh();
    const spool = await DiskSpool.open(dir, { maxBytes: 1 << 20 });
    await spool.append(batch(0, 2));
    await spool.append(batch(2, 2));
    await spool.close();
    const segment = path.join(dir, readdirSync(dir).find((f) => f.startsWith('segment-'))!);
    truncateSync(segment, statSync(segment).size - 10);
    appendFileSync(segment, Buffer.from([0, 0]));
    const reopened = await DiskSpool.open(dir, { maxBytes: 1 << 20 });
    expect(await drain(reopened)).toEqual(['E0', 'E1']);
    await reopened.append(batch(9, 1));
    expect(await drain(reopened)).toEqual(['E9']);
  });

  it('refuses an append beyond its bound and says so', async () => {
    const spool = await DiskSpool.open(fresh(), { maxBytes: 2000 });
    expect(await spool.append(batch(0, 5))).toBe('ok');
    expect(await spool.append(batch(5, 50))).toBe('full');
    expect(await drain(spool)).toHaveLength(5);
  });
});
