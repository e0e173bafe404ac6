// Sqlite bus throughput, measured in one run: write rate (1 KB events, batches of 100, as a collector's
// flush does) and read rate (one durable group, batches of 500, as the detector consumes), plus the
// per-batch publish time a collector's flush timer sees. Runs over the built package.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the workspace's bench harness lives in tools/, outside every project
import { percentile, progress, report } from '../../../tools/bench-kit.mjs';
import { SqliteBus, silentBusLogger } from '../dist/index.js';

const EVENTS = 200_000;
const BATCH = 100;
const TOPIC = 'mcp.telemetry';

/** A telemetry-like event of about 1 KB. */
function event(i) {
  const base = {
    id: `01JBENCH${String(i).padStart(18, '0')}`,
    ts: new Date(1_700_000_000_000 + i).toISOString(),
    'palisade.schema_version': 1,
    'palisade.server.name': 'github',
    'mcp.method.name': 'tools/call',
    'mcp.session.id': `session-${i % 16}`,
    'gen_ai.tool.name': 'create_issue',
  };
  const pad = 1024 - JSON.stringify({ ...base, arguments: '' }).length;
  return JSON.stringify({ ...base, arguments: 'a'.repeat(pad) });
}

async function writeRate(file, synchronous, events) {
  const bus = new SqliteBus({ file, synchronous, logger: silentBusLogger, retention: { intervalMs: 0 } });
  const producer = bus.producer();
  const batches = [];
  for (let b = 0; b < events / BATCH; b += 1) {
    batches.push(Array.from({ length: BATCH }, (_, j) => ({ key: `github:session-${j % 16}`, value: event(b * BATCH + j) })));
  }
  await producer.publish(TOPIC, batches[0]); // warm-up: schema, statements, file growth
  const times = [];
  const started = performance.now();
  for (const batch of batches) {
    const t = performance.now();
    const result = await producer.publish(TOPIC, batch);
    times.push(performance.now() - t);
    if (result.kind !== 'success') throw new Error(`publish failed: ${result.error}`);
  }
  const seconds = (performance.now() - started) / 1000;
  await bus.close();
  return { eventsPerSecond: Math.round(events / seconds), p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function readRate(file, events) {
  const bus = new SqliteBus({ file, logger: silentBusLogger, retention: { intervalMs: 0 } });
  const consumer = bus.consumer({ group: 'bench', topic: TOPIC, maxBatch: 500 });
  let received = 0;
  let started = 0;
  let finished = 0;
  await new Promise((resolve, reject) => {
    consumer
      .run(async (batch) => {
        if (started === 0) started = performance.now();
        received += batch.length;
        if (received >= events) {
          finished = performance.now();
          resolve();
        }
      })
      .catch(reject);
  });
  await consumer.stop();
  await bus.close();
  return Math.round(received / ((finished - started) / 1000));
}

const dir = mkdtempSync(path.join(tmpdir(), 'palisade-bus-bench-'));
try {
  progress(`sqlite bus: writing ${EVENTS} events of 1 KB in batches of ${BATCH} (synchronous=normal)`);
  const normal = await writeRate(path.join(dir, 'normal.db'), 'normal', EVENTS);
  progress(`sqlite bus: reading them back as one group`);
  const read = await readRate(path.join(dir, 'normal.db'), EVENTS + BATCH);
  progress(`sqlite bus: writing ${EVENTS / 2} events with synchronous=full for comparison`);
  const full = await writeRate(path.join(dir, 'full.db'), 'full', EVENTS / 2);
  report({
    name: 'sqlite-bus',
    figures: {
      writeEventsPerSecond: normal.eventsPerSecond,
      readEventsPerSecond: read,
      publishBatchP50Ms: Number(normal.p50.toFixed(3)),
      publishBatchP99Ms: Number(normal.p99.toFixed(3)),
      writeEventsPerSecondSyncFull: full.eventsPerSecond,
      events: EVENTS,
      eventBytes: 1024,
      batch: BATCH,
    },
    units: {
      writeEventsPerSecond: 'events/s',
      readEventsPerSecond: 'events/s',
      publishBatchP50Ms: 'ms per batch of 100',
      publishBatchP99Ms: 'ms per batch of 100',
      writeEventsPerSecondSyncFull: 'events/s',
    },
    goal: { writeEventsPerSecond: '>= 50000' },
    notes: 'WAL, synchronous=normal (kill -9 safe) unless stated; one writer process, one consumer group reading after the writes',
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
