// Shared by every `bench/*.bench.mjs`: prints one JSON object per benchmark on stdout, with the machine
// it ran on. Progress goes to stderr. Benchmarks run over the built packages (`npm ci` builds them).
import { readFileSync } from 'node:fs';
import os from 'node:os';

export const machine = Object.freeze({
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  note: 'shared machine: figures vary run to run; compare ratios measured in the same run',
});

/**
 * @param {{ name: string, figures: Record<string, number | string | boolean | null>, units: Record<string, string>, goal?: Record<string, unknown>, notes?: string }} result
 */
export function report(result) {
  process.stdout.write(`${JSON.stringify({ ...result, machine })}\n`);
}

export function progress(message) {
  process.stderr.write(`bench: ${message}\n`);
}

/** Percentile (0..100) of an array of numbers, nearest-rank. */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** A process's peak resident set (VmHWM) in MB, where /proc has it (Linux); null elsewhere. */
export function peakRssMb(pid) {
  try {
    const kib = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib ? Math.round(Number(kib) / 102.4) / 10 : null;
  } catch {
    return null;
  }
}
