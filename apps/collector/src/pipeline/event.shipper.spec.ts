import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PublishResult } from '@palisade/bus';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { CollectorCounters } from '../health/collector.counters.js';
import type { TelemetrySink } from '../sinks/telemetry.sink.js';
import { DeadLetterFile } from './dead-letter.file.js';
import { DiskSpool } from './disk.spool.js';
import { EventQueue, type QueuedEvent } from './event.queue.js';
import { EventShipper } from './event.shipper.js';

class FakeSink implements TelemetrySink {
  readonly name = 'fake';
  received: string[] = [];
  mode: 'up' | 'down' | 'refuse' = 'up';
  send(events: readonly QueuedEvent[]): Promise<PublishResult> {
    if (this.mode === 'down') return Promise.resolve({ kind: 'retryable', error: 'broker down' });
    if (this.mode === 'refuse') return Promise.resolve({ kind: 'failure', error: 'too large' });
    this.received.push(...events.map((e) => e.id));
    return Promise.resolve({ kind: 'success', count: events.length });
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function setup() {
  const home = mkdtempSync(path.join(tmpdir(), 'palisade-shipper-'));
  dirs.push(home);
  let now = 0;
  const counters = new CollectorCounters();
  const queue = new EventQueue(100, 1 << 20, () => (counters.queueDrops += 1));
  const spool = await DiskSpool.open(path.join(home, 'spool', 'own'), { maxBytes: 1 << 20 });
  const sink = new FakeSink();
  const shipper = new EventShipper(queue, spool, new DeadLetterFile(home, 'C1'), counters, pino({ level: 'silent' }), { flushMs: 100, batchSize: 10 }, () => now);
  shipper.attachSink(sink);
  const offer = (from: number, count: number) => {
    for (let i = from; i < from + count; i += 1) queue.offer({ id: `E${i}`, key: 'k', json: `{"id":"E${i}"}` });
  };
  return { home, queue, spool, sink, shipper, counters, offer, advance: (ms: number) => (now += ms) };
}

describe(EventShipper.name, () => {
  it('ships queued events in batches', async () => {
    const { sink, shipper, offer, counters } = await setup();
    offer(0, 25);
    await shipper.flush();
    expect(sink.received).toHaveLength(25);
    expect(counters.shipped).toBe(25);
  });

  it('spools while the sink is down and delivers everything, in order, once it is back', async () => {
    const { sink, shipper, offer, counters, spool, advance } = await setup();
    offer(0, 5);
    await shipper.flush();
    sink.mode = 'down';
    offer(5, 15);
    await shipper.flush();
    offer(20, 5);
    await shipper.flush();
    expect(counters.spooled).toBe(20);
    expect(spool.isEmpty).toBe(false);
    sink.mode = 'up';
    offer(25, 5);
    await shipper.flush(); // still in backoff: goes behind the others in the spool
    advance(10_000);
    await shipper.flush();
    expect(sink.received).toEqual(Array.from({ length: 30 }, (_, i) => `E${i}`));
    expect(spool.isEmpty).toBe(true);
    expect(counters.busErrors).toBeGreaterThan(0);
  });

  it('at stop, replays what it spooled during an outage when the bus is back, even while its backoff still waits', async () => {
    const { sink, shipper, offer, spool } = await setup();
    sink.mode = 'down';
    offer(0, 30);
    await shipper.flush();
    expect(spool.isEmpty).toBe(false);
    sink.mode = 'up'; // back, but the shipper's next try is not due (the clock does not move)
    await shipper.stop();
    expect(sink.received).toEqual(Array.from({ length: 30 }, (_, i) => `E${i}`));
    expect(spool.isEmpty).toBe(true);
  });

  it('replays the spool of a collector that is gone first; new events wait behind it', async () => {
    const { home, sink, shipper, offer } = await setup();
    const orphan = await DiskSpool.open(path.join(home, 'spool', 'dead~X'), { maxBytes: 1 << 20 });
    await orphan.append([{ id: 'OLD1', key: 'k', json: '{}' }]);
    shipper.adopt(orphan);
    offer(0, 2);
    await shipper.flush();
    await shipper.flush();
    expect(sink.received).toEqual(['OLD1', 'E0', 'E1']);
  });

  it('keeps a refused batch aside as dead letters instead of retrying it forever', async () => {
    const { sink, shipper, offer, counters } = await setup();
    sink.mode = 'refuse';
    offer(0, 3);
    await shipper.flush();
    expect(counters.deadLetters).toBe(3);
    expect(counters.spooled).toBe(0);
  });

  it('spools what is left at stop when the sink is down', async () => {
    const { sink, shipper, offer, spool } = await setup();
    sink.mode = 'down';
    offer(0, 7);
    await shipper.stop();
    const record = await spool.peek();
    expect(record?.events.map((e) => e.id)).toEqual(['E0', 'E1', 'E2', 'E3', 'E4', 'E5', 'E6']);
  });
});
