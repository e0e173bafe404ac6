import type { Severity } from '@palisade/schema';
import { robustSummary, MAD_TO_SD } from '../baselines/robust-statistics.js';
import { RATE_WINDOW, type RateWindow } from '../baselines/tool-baseline.js';
import type { DetectionContext } from '../engine/detection-context.js';
import type { ResolvedTuning } from '../engine/engine-options.js';

const MINUTE = 60_000;
export const RATE_ALERT_Z = 3.5;
export const RATE_HIGH_Z = 8;
/** A minute with fewer calls than this is never a spike. */
const MIN_SPIKE_CALLS = 10;
/**
 * Earlier active minutes needed before a rate is judged. One or two minutes say nothing of a tool's
 * usual rate: a first burst of use that happens to cross a minute boundary (3 calls, then 19) would
 * otherwise read as a spike over "usually ~3".
 */
export const MIN_RATE_HISTORY_MINUTES = 5;

export interface RateCheck {
  count: number;
  median: number;
  z: number;
  samples: number;
  severity: Severity;
  threshold: number;
}

/**
 * Counts one call in its event-time minute (closing the previous minute into the history of active
 * minutes) and tells whether the current minute is far above the history: z = (count − median) / sd,
 * with sd from the MAD floored by a Poisson term (√median) so sparse histories stay sane. At most one
 * spike per minute.
 */
export function countCall(rate: RateWindow, tsMs: number, sensitivity: number, armed: boolean): RateCheck | null {
  const minute = Math.floor(tsMs / MINUTE);
  if (minute > rate.minute) {
    if (rate.count > 0) {
      rate.history.push(rate.count);
      if (rate.history.length > RATE_WINDOW) rate.history.splice(0, rate.history.length - RATE_WINDOW);
    }
    rate.minute = minute;
    rate.count = 0;
    rate.alerted = false;
  }
  rate.count += 1;
  if (!armed || rate.alerted || rate.history.length < MIN_RATE_HISTORY_MINUTES || rate.count < MIN_SPIKE_CALLS) return null;
  const stats = robustSummary(rate.history);
  const sd = Math.max(MAD_TO_SD * stats.mad, Math.sqrt(stats.median), 1);
  const z = (rate.count - stats.median) / sd;
  const threshold = RATE_ALERT_Z * sensitivity;
  if (z < threshold || rate.count < 3 * stats.median * sensitivity) return null;
  rate.alerted = true;
  return { count: rate.count, median: stats.median, z, samples: rate.history.length, threshold, severity: z >= RATE_HIGH_Z * sensitivity ? 'high' : 'medium' };
}

/** call_rate_spike: calls per minute far above the tool's (or the session's) baseline. */
export function raiseCallRateSpike(ctx: DetectionContext, check: RateCheck, scope: 'tool' | 'session', tuning: ResolvedTuning): void {
  const subject = scope === 'tool' ? `${ctx.view.tool ?? ctx.view.method}` : `session ${ctx.view.session}`;
  ctx.emit({
    category: 'call_rate_spike',
    severity: check.severity,
    title: `Call rate spike on ${subject}: ${check.count} calls this minute (usually ~${check.median})`,
    tool: ctx.view.tool,
    discriminator: `rate:${scope}`,
    evidence: {
      summary: `${check.count} calls within one minute to ${subject} on server "${ctx.view.server}", against a median of ${check.median} per active minute over ${check.samples} minutes (z ${check.z.toFixed(1)}, threshold ${check.threshold.toFixed(1)}, sensitivity ${tuning.sensitivity}).`,
      baseline: { metric: `${scope} calls per minute`, observed: check.count, expected: check.median, median: check.median, score: Math.round(check.z * 100) / 100, threshold: check.threshold, samples: check.samples },
      details: { scope },
    },
  });
}
