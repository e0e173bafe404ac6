// Sqlite bus throughput, measured in one run: write rate (1 KB events, batches of 100, as a collector's
// flush does) and read rate (one durable group, batches of 500, as the detector consumes), plus the
// per-batch publish time a collector's flush timer sees. Runs over the built package.
import { spawn } from 'node:child_process';
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

/**
 * Publish-to-delivery latency across processes: a child process publishes single events at random
 * intervals (0-250 ms, sparse traffic: the worst case for an adaptively polling consumer) and this
 * process's consumer measures how long each took to arrive.
 */
async function crossProcessLatency(file, events) {
  const bus = new SqliteBus({ file, logger: silentBusLogger, retention: { intervalMs: 0 } });
  const consumer = bus.consumer({ group: 'latency', topic: 'bench.latency', fromBeginning: false });
  const latencies = [];
  let resolveDone;
  const done = new Promise((resolve) => (resolveDone = resolve));
  const running = consumer.run(async (batch) => {
    const now = Date.now();
    for (const message of batch) latencies.push(now - message.timestampMs);
    if (latencies.length >= events) resolveDone();
  });
  await bus.ensureTopics(['bench.latency']);
  await new Promise((resolve) => setTimeout(resolve, 200)); // the group has joined at the end of the topic
  const script = `
    const { SqliteBus, silentBusLogger } = await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)});
    const bus = new SqliteBus({ file: ${JSON.stringify(file)}, logger: silentBusLogger, retention: { intervalMs: 0 } });
    const producer = bus.producer();
    for (let i = 0; i < ${events}; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 250));
      await producer.publish('bench.latency', [{ value: '{"i":' + i + '}', timestampMs: Date.now() }]);
    }
    await bus.close();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await done;
  await exited;
  await consumer.stop();
  await running;
  await bus.close();
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) };
}

const dir = mkdtempSync(path.join(tmpdir(), 'palisade-bus-bench-'));
try {
  progress(`sqlite bus: writing ${EVENTS} events of 1 KB in batches of ${BATCH} (synchronous=normal)`);
  const normal = await writeRate(path.join(dir, 'normal.db'), 'normal', EVENTS);
  progress(`sqlite bus: reading them back as one group`);
  const read = await readRate(path.join(dir, 'normal.db'), EVENTS + BATCH);
  progress(`sqlite bus: writing ${EVENTS / 2} events with synchronous=full for comparison`);
  const full = await writeRate(path.join(dir, 'full.db'), 'full', EVENTS / 2);
  progress('sqlite bus: publish-to-delivery latency across processes, 80 sparse events');
  const latency = await crossProcessLatency(path.join(dir, 'latency.db'), 80);
  report({
    name: 'sqlite-bus',
    figures: {
      writeEventsPerSecond: normal.eventsPerSecond,
      readEventsPerSecond: read,
      publishBatchP50Ms: Number(normal.p50.toFixed(3)),
      publishBatchP99Ms: Number(normal.p99.toFixed(3)),
      writeEventsPerSecondSyncFull: full.eventsPerSecond,
      crossProcessLatencyP50Ms: latency.p50,
      crossProcessLatencyP99Ms: latency.p99,
      crossProcessLatencyMaxMs: latency.max,
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
      crossProcessLatencyP50Ms: 'ms from publish in one process to delivery in another',
      crossProcessLatencyP99Ms: 'ms',
      crossProcessLatencyMaxMs: 'ms',
    },
    goal: { writeEventsPerSecond: '>= 50000', crossProcessLatencyP99Ms: 'well under 1000 (idle poll at most 100 ms)' },
    notes: 'WAL, synchronous=normal (kill -9 safe) unless stated; rates: one writer, then one consumer group reading; latency: sparse events from a second process',
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
