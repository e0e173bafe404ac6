// Figures for a tool's baseline charts, from its recent calls and the detector's baseline summary.
// Pure; the charts themselves are plain SVG (ui/tools/baseline-charts.tsx).

/** The response-size detector's constants (libs/detection response-size-spike.detector): shown, not enforced here. */
const MAD_FLOOR_LOG2 = 0.1;
const MIN_SPIKE_BYTES = 1024;
const MAD_TO_Z = 0.6745;

export interface SizeSummary {
  median: number;
  mad: number;
  samples: number;
  threshold: number;
}

export interface SizeHistogram {
  bins: { fromBytes: number; toBytes: number; count: number; beyond: boolean }[];
  /** Sizes inside [bandLow, alertAt] are what the baseline expects; from alertAt on, a call alerts. */
  bandLow: number | null;
  alertAt: number | null;
  median: number | null;
  max: number;
  total: number;
}

/** The size from which a result alerts, and the low end of the symmetric band, in bytes. */
export function sizeBand(summary: SizeSummary | undefined): { low: number; alertAt: number } | null {
  if (!summary || summary.median <= 0) return null;
  const delta = (summary.threshold * Math.max(summary.mad, MAD_FLOOR_LOG2)) / MAD_TO_Z;
  const center = Math.log2(summary.median + 1);
  return { low: Math.max(0, 2 ** (center - delta) - 1), alertAt: Math.max(MIN_SPIKE_BYTES, 2 ** (center + delta) - 1) };
}

/** Histogram of response sizes on a log2 scale (half-octave bins), with the baseline's band. */
export function sizeHistogram(sizes: readonly number[], summary: SizeSummary | undefined): SizeHistogram {
  const band = sizeBand(summary);
  const logs = sizes.filter((s) => s >= 0).map((s) => Math.log2(s + 1));
  const marks = [...logs];
  if (band) marks.push(Math.log2(band.alertAt + 1), Math.log2(band.low + 1));
  if (marks.length === 0) return { bins: [], bandLow: null, alertAt: null, median: null, max: 0, total: 0 };
  const step = 0.5;
  const lo = Math.floor(Math.min(...marks) / step) * step;
  const hi = Math.max(lo + step, Math.ceil((Math.max(...marks) + 1e-9) / step) * step);
  const count = Math.min(64, Math.round((hi - lo) / step));
  const width = (hi - lo) / count;
  const bins = Array.from({ length: count }, (_, i) => ({ fromBytes: 2 ** (lo + i * width) - 1, toBytes: 2 ** (lo + (i + 1) * width) - 1, count: 0, beyond: false }));
  for (const l of logs) bins[Math.min(count - 1, Math.floor((l - lo) / width))]!.count += 1;
  if (band) for (const bin of bins) bin.beyond = bin.count > 0 && bin.toBytes > band.alertAt;
  return {
    bins,
    bandLow: band?.low ?? null,
    alertAt: band?.alertAt ?? null,
    median: summary?.median ?? null,
    max: Math.max(0, ...bins.map((b) => b.count)),
    total: logs.length,
  };
}

export interface RateSeries {
  bucketMs: number;
  points: { t: number; count: number }[];
  max: number;
}

const MIN_BUCKETS = 12;
const BUCKETS = [60_000, 5 * 60_000, 15 * 60_000, 3_600_000, 6 * 3_600_000, 86_400_000];

/** Calls per bucket over the span of the given call times (at most ~60 buckets). */
export function callRateSeries(times: readonly number[]): RateSeries {
  if (times.length === 0) return { bucketMs: 60_000, points: [], max: 0 };
  const first = Math.min(...times);
  const last = Math.max(...times);
  const bucketMs = BUCKETS.find((b) => (last - first) / b <= 60) ?? BUCKETS.at(-1)!;
  // At least a dozen intervals, ending with the last call's, so a short history still reads as a series.
  const end = Math.floor(last / bucketMs) * bucketMs;
  const start = Math.min(Math.floor(first / bucketMs) * bucketMs, end - (MIN_BUCKETS - 1) * bucketMs);
  const n = Math.floor((end - start) / bucketMs) + 1;
  const points = Array.from({ length: n }, (_, i) => ({ t: start + i * bucketMs, count: 0 }));
  for (const t of times) points[Math.floor((t - start) / bucketMs)]!.count += 1;
  return { bucketMs, points, max: Math.max(...points.map((p) => p.count)) };
}
