import type { BaselineSummary } from '@palisade/schema';
import { robustSummary } from './robust-statistics.js';

/** Sizes kept per tool for the response-size baseline (a sliding window). */
export const SIZE_WINDOW = 64;
/** Per-minute call counts kept for the call-rate baseline. */
export const RATE_WINDOW = 60;
/** Distinct recipients and domains kept per tool. */
export const VALUE_LIMIT = 200;

/** Calls in one event-time minute, and the history of earlier active minutes. */
export interface RateWindow {
  /** Minute index (ms / 60 000) of the current bucket. */
  minute: number;
  count: number;
  /** Whether the current bucket already raised an alert. */
  alerted: boolean;
  /** Counts of earlier minutes with calls (most recent last). */
  history: number[];
}

/** A tool's behavioural baseline: bounded, plain JSON. */
export interface ToolBaselineRecord {
  server: string;
  tool: string;
  /** Calls observed (the learning counter). */
  observations: number;
  /** First and last call observed (absent in state saved before they were kept). */
  firstSeen?: string;
  lastSeen?: string;
  /** log2(response bytes) of recent successful calls, rounded to 1/1000. */
  sizes: number[];
  /** Cached median/MAD of `sizes`, recomputed every few observations. */
  sizeStats: { median: number; mad: number; at: number } | null;
  rate: RateWindow;
  /** Recipient-like argument values (`to:alice@example.com`) → times seen. */
  recipients: Record<string, number>;
  /** Domains named by URL/host/e-mail arguments → times seen. */
  domains: Record<string, number>;
  /** Calls that named at least one domain. */
  domainCalls: number;
}

export function newRateWindow(): RateWindow {
  return { minute: 0, count: 0, alerted: false, history: [] };
}

export function newToolBaseline(server: string, tool: string): ToolBaselineRecord {
  return { server, tool, observations: 0, sizes: [], sizeStats: null, rate: newRateWindow(), recipients: {}, domains: {}, domainCalls: 0 };
}

/** Adds a value to a bounded count map; when full, the least seen value makes room. */
export function countValue(map: Record<string, number>, value: string, limit = VALUE_LIMIT): void {
  if (map[value] !== undefined) {
    map[value] += 1;
    return;
  }
  const keys = Object.keys(map);
  if (keys.length >= limit) {
    let least = keys[0] ?? '';
    for (const key of keys) if ((map[key] ?? 0) < (map[least] ?? 0)) least = key;
    delete map[least];
  }
  map[value] = 1;
}

function topValues(map: Record<string, number>): { value: string; count: number }[] {
  return Object.entries(map)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 200)
    .map(([value, count]) => ({ value, count }));
}

/** The API's summary of a tool's baselines (`learning` until `warmup` observations). */
export function summariseBaseline(record: ToolBaselineRecord | undefined, warmup: number, sizeThreshold: number): BaselineSummary {
  if (!record) return { observations: 0, learning: true, recipients: [], domains: [] };
  const summary: BaselineSummary = {
    observations: record.observations,
    learning: record.observations < warmup,
    recipients: topValues(record.recipients),
    domains: topValues(record.domains),
  };
  if (record.sizes.length > 0) {
    const stats = robustSummary(record.sizes);
    summary.responseBytes = { median: Math.round(2 ** stats.median), mad: Math.round(stats.mad * 1000) / 1000, samples: record.sizes.length, threshold: sizeThreshold };
  }
  const minutes = [...record.rate.history, ...(record.rate.count > 0 ? [record.rate.count] : [])];
  if (minutes.length > 0) summary.callRate = { medianPerMinute: robustSummary(minutes).median, samples: minutes.length };
  return summary;
}
