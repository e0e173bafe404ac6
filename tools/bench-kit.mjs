// Shared by every `bench/*.bench.mjs`: prints one JSON object per benchmark on stdout, with the machine
// it ran on. Progress goes to stderr. Benchmarks run over the built packages (`npm ci` builds them).
import { spawn } from 'node:child_process';
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

/** Waits until `check()` is truthy, polling every `everyMs`; throws naming `what` after `timeoutMs`. */
export async function until(check, timeoutMs, what, everyMs = 20) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Starts `palisade-detector serve ARGS…` as its own process (stdout ignored, stderr kept: `child.stderrTail()`
 * gives its end, and an unexpected exit is reported). `nodeFlags` go before the script (heap size,
 * profiling); BENCH_NODE_FLAGS adds more, to compare V8 tunings without editing a bench.
 */
export function startDetectorServe(args, { env, nodeFlags = [] }) {
  const cli = new URL('../apps/detector/bin/palisade-detector.js', import.meta.url).pathname;
  const extra = process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : [];
  const child = spawn(process.execPath, [...extra, ...nodeFlags, cli, 'serve', ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  child.stderrTail = () => stderr.slice(-2000);
  child.once('exit', (code, signal) => {
    if (code && signal !== 'SIGTERM') progress(`detector exited ${code}: ${child.stderrTail()}`);
  });
  return child;
}

/** Waits until the detector's API answers its health check (throws with the process's last words if it died). */
export async function untilHealthy(child, url, timeoutMs = 60_000) {
  await until(async () => {
    if (child.exitCode !== null) throw new Error(`the detector exited (${child.exitCode}): ${child.stderrTail()}`);
    return fetch(`${url}/api/health`).then((r) => r.ok, () => false);
  }, timeoutMs, 'the detector API to answer', 50);
}

/** Stops a child with SIGTERM and waits for it to exit. */
export async function stopChild(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}
