import type { Severity } from '@palisade/schema';
import { robustSummary, robustZ } from '../baselines/robust-statistics.js';
import { SIZE_WINDOW, type ToolBaselineRecord } from '../baselines/tool-baseline.js';
import type { DetectionContext } from '../engine/detection-context.js';
import type { ResolvedTuning } from '../engine/engine-options.js';

/** Robust z-score on log2 size that raises (medium), and that makes it high. */
export const SIZE_ALERT_Z = 3.5;
export const SIZE_HIGH_Z = 5;
/** MAD floor in log2 units (≈7 %), so a perfectly regular tool does not alert on a few bytes. */
const MAD_FLOOR = 0.1;
/** Results smaller than this never count as a spike. */
const MIN_SPIKE_BYTES = 1024;
const MIN_SAMPLES = 5;

/** Size in bytes of the result: the collector's capture info, else the serialised result. */
export function responseBytes(ctx: DetectionContext): number {
  const capture = ctx.view.event['palisade.capture.response'];
  if (capture) return capture.bytes;
  const result = ctx.view.result;
  return result === undefined ? 0 : JSON.stringify(result).length;
}

/**
 * response_size_spike: a result far larger than the tool's baseline — robust z-score of log2(bytes)
 * against the median and MAD of recent results; medium from 3.5, high from 5 (both times the tool's
 * sensitivity). Learns every size.
 */
export function detectResponseSizeSpike(ctx: DetectionContext, baseline: ToolBaselineRecord, tuning: ResolvedTuning, learning: boolean): void {
  const bytes = responseBytes(ctx);
  const size = Math.round(Math.log2(bytes + 1) * 1000) / 1000;
  if (!learning && baseline.sizes.length >= MIN_SAMPLES && bytes >= MIN_SPIKE_BYTES) {
    if (!baseline.sizeStats || baseline.observations - baseline.sizeStats.at >= 8) {
      baseline.sizeStats = { ...robustSummary(baseline.sizes), at: baseline.observations };
    }
    const stats = baseline.sizeStats;
    const z = robustZ(size, stats, MAD_FLOOR);
    const threshold = SIZE_ALERT_Z * tuning.sensitivity;
    if (z >= threshold) {
      const severity: Severity = z >= SIZE_HIGH_Z * tuning.sensitivity ? 'high' : 'medium';
      const typical = Math.round(2 ** stats.median);
      ctx.emit({
        category: 'response_size_spike',
        severity,
        title: `Result of ${ctx.view.tool ?? ctx.view.method} far larger than usual (${bytes} bytes vs ~${typical})`,
        tool: ctx.view.tool,
        evidence: {
          summary: `The result of ${ctx.view.tool ?? ctx.view.method} was ${bytes} bytes, ${(bytes / Math.max(1, typical)).toFixed(1)}× the typical ${typical} bytes (robust z ${z.toFixed(1)} on log2 size, threshold ${threshold.toFixed(1)}).`,
          baseline: { metric: 'response bytes (log2)', observed: bytes, expected: typical, median: stats.median, mad: stats.mad, score: Math.round(z * 100) / 100, threshold, samples: baseline.sizes.length },
        },
      });
    }
  }
  baseline.sizes.push(size);
  if (baseline.sizes.length > SIZE_WINDOW) baseline.sizes.splice(0, baseline.sizes.length - SIZE_WINDOW);
}
