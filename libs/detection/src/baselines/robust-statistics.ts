import { median, medianAbsoluteDeviation } from 'simple-statistics';

/** Scale that makes the MAD of normal data estimate its standard deviation. */
export const MAD_TO_SD = 1.4826;

export interface RobustSummary {
  median: number;
  mad: number;
}

/** Median and median absolute deviation of a non-empty sample. */
export function robustSummary(values: readonly number[]): RobustSummary {
  return { median: median([...values]), mad: medianAbsoluteDeviation([...values]) };
}

/**
 * Robust z-score (Iglewicz–Hoaglin): 0.6745 × (x − median) / MAD, with the MAD floored so that a
 * perfectly regular baseline does not turn every small change into an infinite score.
 */
export function robustZ(value: number, summary: RobustSummary, madFloor: number): number {
  return (0.6745 * (value - summary.median)) / Math.max(summary.mad, madFloor);
}
