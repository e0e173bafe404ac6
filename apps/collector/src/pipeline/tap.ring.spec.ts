import { describe, expect, it, vi } from 'vitest';
import { createTapRing, TapKind, TapRingReader, TapRingWriter, type TapRecord } from './tap.ring.js';

describe(TapRingWriter.name, () => {
  it('carries records in order across the wrap-around, with their metadata and bytes intact', () => {
    const ring = createTapRing(1000);
    const writer = new TapRingWriter(ring);
    const reader = new TapRingReader(ring);
    const seen: TapRecord[] = [];
    for (let round = 0; round < 50; round += 1) {
      const data = Buffer.from(`chunk-${round}-${'y'.repeat(round * 7)}`);
      expect(writer.write(TapKind.ServerData, round, 1000 + round, round % 3 === 0 ? Buffer.from(`{"n":${round}}`) : null, data)).toBe(true);
      reader.drain((record) => seen.push(record));
    }
    expect(seen.map((r) => r.channel)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(seen[49]?.data?.toString()).toBe(`chunk-49-${'y'.repeat(343)}`);
    expect(seen[48]?.meta?.toString()).toBe('{"n":48}');
    expect(seen[10]?.at).toBe(1010);
  });

  it('drops (and counts) a record that does not fit, never blocking', () => {
    const ring = createTapRing(256);
    const writer = new TapRingWriter(ring);
    expect(writer.write(TapKind.ClientData, 1, 0, null, Buffer.alloc(200))).toBe(true);
    expect(writer.write(TapKind.ClientData, 1, 0, null, Buffer.alloc(200))).toBe(false);
    expect(writer.drops).toBe(1);
    const reader = new TapRingReader(ring);
    const seen: TapRecord[] = [];
    reader.drain((record) => seen.push(record));
    expect(seen).toHaveLength(1);
    expect(writer.write(TapKind.ClientData, 1, 0, null, Buffer.alloc(200))).toBe(true);
  });

  it('wakes a sleeping reader and stops it on demand', async () => {
    const ring = createTapRing(4096);
    const writer = new TapRingWriter(ring);
    const reader = new TapRingReader(ring);
    const seen: number[] = [];
    const running = reader.run((record) => seen.push(record.channel), 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    writer.write(TapKind.Open, 7, 0, null, null);
    await vi.waitFor(() => expect(seen).toEqual([7]));
    reader.stop();
    await running;
  });
});
