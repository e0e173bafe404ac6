import { describe, expect, it } from 'vitest';
import { pipelineChunks } from './pipeline-chunks.js';

describe(pipelineChunks.name, () => {
  it('cuts a batch into a small first chunk, full chunks and a small last chunk, covering every message once', () => {
    expect(pipelineChunks(2600, 1000, 200)).toEqual([
      [0, 200],
      [200, 1200],
      [1200, 2200],
      [2200, 2400],
      [2400, 2600],
    ]);
    for (const length of [0, 1, 199, 200, 201, 399, 400, 401, 1400, 8000, 8123]) {
      const ranges = pipelineChunks(length, 1000, 200);
      expect(ranges.flatMap(([start, end]) => Array.from({ length: end - start }, (_, i) => start + i))).toEqual(Array.from({ length }, (_, i) => i));
      expect(ranges.every(([start, end]) => end > start && end - start <= 1000)).toBe(true);
      if (length >= 400) expect([ranges[0]![1] - ranges[0]![0], ranges.at(-1)![1] - ranges.at(-1)![0]]).toEqual([200, 200]);
    }
  });
});
