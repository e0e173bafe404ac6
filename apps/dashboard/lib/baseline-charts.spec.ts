import { describe, expect, it } from 'vitest';
import { callRateSeries, sizeBand, sizeHistogram } from './baseline-charts';

describe('sizeBand', () => {
  it('mirrors the detector: median × 2^(threshold × max(MAD, 0.1) / 0.6745), and never below 1 KB', () => {
    expect(sizeBand({ median: 261, mad: 0, samples: 28, threshold: 3.5 })!.alertAt).toBe(1024);
    const band = sizeBand({ median: 4096, mad: 0.5, samples: 50, threshold: 3.5 })!;
    expect(Math.log2(band.alertAt + 1)).toBeCloseTo(Math.log2(4097) + (3.5 * 0.5) / 0.6745, 6);
    expect(band.low).toBeLessThan(4096);
    expect(sizeBand(undefined)).toBeNull();
  });
});

describe('sizeHistogram', () => {
  it('bins sizes on a log scale and marks the bins beyond the threshold', () => {
    const sizes = [...Array.from({ length: 25 }, () => 259), 216_839, 216_839];
    const h = sizeHistogram(sizes, { median: 261, mad: 0, samples: 25, threshold: 3.5 });
    expect(h.total).toBe(27);
    expect(h.bins.reduce((n, b) => n + b.count, 0)).toBe(27);
    expect(h.bins.filter((b) => b.beyond).reduce((n, b) => n + b.count, 0)).toBe(2);
    expect(h.max).toBe(25);
    expect(h.alertAt).toBe(1024);
  });

  it('is empty without calls', () => {
    expect(sizeHistogram([], undefined)).toMatchObject({ bins: [], total: 0 });
  });
});

describe('callRateSeries', () => {
  it('counts calls per minute over at least twelve intervals ending with the last call', () => {
    const t0 = Date.parse('2026-11-22T12:00:10Z');
    const series = callRateSeries([t0, t0 + 1000, t0 + 61_000]);
    expect(series.bucketMs).toBe(60_000);
    expect(series.points).toHaveLength(12);
    expect(series.points.at(-1)).toEqual({ t: Date.parse('2026-11-22T12:01:00Z'), count: 1 });
    expect(series.points.at(-2)!.count).toBe(2);
    expect(series.max).toBe(2);
  });

  it('widens the interval for long histories', () => {
    const t0 = Date.parse('2026-11-20T00:00:00Z');
    expect(callRateSeries([t0, t0 + 3 * 86_400_000]).bucketMs).toBe(3_600_000 * 6);
  });
});
