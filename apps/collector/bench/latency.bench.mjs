// Latency of sequential tools/call round trips to server-everything over stdio: (a) direct, (b) through a
// naive byte relay (spawn + pipe, no parsing), (c) through the collector (built CLI, sqlite bus), measured
// side by side in one run, interleaved call by call so machine noise falls on all three alike.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the workspace's bench harness lives in tools/, outside every project
import { percentile, progress, report } from '../../../tools/bench-kit.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const WARMUP = 200;
const server = [path.join(root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js'), 'stdio'];
const home = mkdtempSync(path.join(tmpdir(), 'palisade-bench-'));

const variants = {
  direct: { command: process.execPath, args: server },
  relay: { command: process.execPath, args: [path.join(here, 'naive-relay.mjs'), process.execPath, ...server] },
  collector: { command: process.execPath, args: [path.join(root, 'apps/collector/bin/palisade-collector.js'), 'stdio', '--server', 'bench', '--home', home, '--', process.execPath, ...server] },
};

/** CPU seconds (user + system) and peak RSS of a live process, from /proc. */
function processFigures(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const ticks = Number(stat[11]) + Number(stat[12]);
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { cpuMs: (ticks * 1000) / 100, peakRssMb: hwm ? Number(hwm[1]) / 1024 : null };
  } catch {
    return { cpuMs: null, peakRssMb: null };
  }
}

async function connect(name) {
  const { command, args } = variants[name];
  const transport = new StdioClientTransport({ command, args, env: { ...getDefaultEnvironment(), PALISADE_HOME: home }, stderr: 'ignore' });
  const client = new Client({ name: 'palisade-bench', version: '1.0.0' });
  await client.connect(transport);
  await client.listTools();
  for (let i = 0; i < WARMUP; i += 1) await client.callTool({ name: 'echo', arguments: { message: `warm ${i}` } });
  return { client, transport };
}

const sessions = {};
for (const name of Object.keys(variants)) sessions[name] = await connect(name);
const names = Object.keys(variants);
const samples = { direct: [], relay: [], collector: [] };
// Interleaved call by call, in a shuffled order each turn: every variant still makes its round trips one
// after the other, and the machine's noise (other tenants, CPU frequency) falls on the three alike. With
// rounds of hundreds of calls per variant, a noisy second fell on one variant only and moved the small
// differences between medians by more than the differences themselves.
for (let turn = 0; turn < CALLS; turn += 1) {
  const order = [...names];
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  for (const name of order) {
    const start = process.hrtime.bigint();
    await sessions[name].client.callTool({ name: 'echo', arguments: { message: `turn ${turn}` } });
    samples[name].push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  if ((turn + 1) % (CALLS / 10) === 0) progress(`${turn + 1}/${CALLS} calls per variant done`);
}
const collectorFigures = processFigures(sessions.collector.transport.pid);
const relayFigures = processFigures(sessions.relay.transport.pid);
for (const { client } of Object.values(sessions)) await client.close();
rmSync(home, { recursive: true, force: true });

const median = (name) => percentile(samples[name], 50);
const p99 = (name) => percentile(samples[name], 99);
const round3 = (x) => (x === null ? null : Math.round(x * 1000) / 1000);
const relayAdded = median('relay') - median('direct');
const collectorAdded = median('collector') - median('direct');
report({
  name: 'collector.stdio-latency',
  figures: {
    calls: CALLS,
    directMedianMs: round3(median('direct')),
    directP99Ms: round3(p99('direct')),
    relayMedianMs: round3(median('relay')),
    relayP99Ms: round3(p99('relay')),
    collectorMedianMs: round3(median('collector')),
    collectorP99Ms: round3(p99('collector')),
    relayAddedMedianMs: round3(relayAdded),
    collectorAddedMedianMs: round3(collectorAdded),
    addedMedianRatioVsRelay: round3(collectorAdded / relayAdded),
    collectorP99RatioVsDirect: round3(p99('collector') / p99('direct')),
    collectorCpuMs: collectorFigures.cpuMs,
    collectorPeakRssMb: round3(collectorFigures.peakRssMb),
    relayCpuMs: relayFigures.cpuMs,
    relayPeakRssMb: round3(relayFigures.peakRssMb),
  },
  units: { calls: 'count', directMedianMs: 'ms', directP99Ms: 'ms', relayMedianMs: 'ms', relayP99Ms: 'ms', collectorMedianMs: 'ms', collectorP99Ms: 'ms', relayAddedMedianMs: 'ms', collectorAddedMedianMs: 'ms', addedMedianRatioVsRelay: 'ratio', collectorP99RatioVsDirect: 'ratio', collectorCpuMs: 'ms (user+system, whole run incl. warm-up)', collectorPeakRssMb: 'MiB', relayCpuMs: 'ms (user+system)', relayPeakRssMb: 'MiB' },
  goal: { addedMedianRatioVsRelay: '<= 1.25', collectorP99RatioVsDirect: '<= 2', collectorPeakRssMb: '<= 80' },
  notes: `${CALLS} sequential tools/call echo per variant after ${WARMUP} warm-up calls, interleaved call by call in a shuffled order; collector on the sqlite bus in a fresh PALISADE_HOME; peak RSS counts the node binary's resident pages (the naive relay's figure shows that floor)`,
});
