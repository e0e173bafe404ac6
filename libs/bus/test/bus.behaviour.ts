import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { type Bus, type BusConsumer, type BusMessage, type ConsumerOptions, type OutgoingMessage } from '../src/index.js';

/** How the behaviour suite gets a bus: a fresh one, and another over the same storage (a restarted process). */
export interface BusHarness {
  open(): Promise<Bus>;
  reopen(): Promise<Bus>;
  cleanup(): Promise<void>;
  /** Only one member of a group active at a time (sqlite, memory); Kafka shares partitions instead. */
  exclusiveGroups: boolean;
  /** How long to wait for deliveries (a real broker needs more than an embedded log). */
  waitMs: number;
}

interface Received {
  messages: BusMessage[];
  batches: number;
}

/** Runs a consumer that records what it receives; `handler` may throw to test redelivery. */
export function startConsumer(
  bus: Bus,
  options: ConsumerOptions,
  handler: (batch: readonly BusMessage[]) => Promise<void> | void = () => undefined,
): { consumer: BusConsumer; received: Received; done: Promise<void> } {
  const received: Received = { messages: [], batches: 0 };
  const consumer = bus.consumer(options);
  const done = consumer.run(async (batch) => {
    await handler(batch);
    received.messages.push(...batch);
    received.batches += 1;
  });
  return { consumer, received, done };
}

export function payloads(prefix: string, count: number, key?: string): OutgoingMessage[] {
  return Array.from({ length: count }, (_, i) => ({ value: JSON.stringify({ id: `${prefix}-${i}` }), ...(key ? { key } : {}) }));
}

export function ids(messages: readonly BusMessage[]): string[] {
  return messages.map((message) => (JSON.parse(message.value) as { id: string }).id);
}

/**
 * The bus port's behaviour, run against every adapter: the same expectations for the embedded log, the
 * in-memory bus and a real Kafka.
 */
export function describeBusBehaviour(label: string, makeHarness: () => BusHarness): void {
  describe(`${label} bus behaviour`, () => {
    let harness: BusHarness;
    let bus: Bus;
    let topic: string;
    const extraBuses: Bus[] = [];

    const until = (check: () => void): Promise<void> => vi.waitFor(check, { timeout: harness.waitMs, interval: 10 });

    beforeEach(async () => {
      harness = makeHarness();
      bus = await harness.open();
      topic = `behaviour.${randomUUID().slice(0, 8)}`;
      await bus.ensureTopics([topic]);
    });

    afterEach(async () => {
      await Promise.all(extraBuses.splice(0).map((extra) => extra.close()));
      await bus.close();
      await harness.cleanup();
    });

    it('delivers a published batch to a group in order', async () => {
      const producer = bus.producer();
      expect(await producer.publish(topic, payloads('a', 120, 'srv:s1'))).toEqual({ kind: 'success', count: 120 });
      const { consumer, received } = startConsumer(bus, { group: 'g', topic, maxBatch: 50 });
      await until(() => expect(received.messages).toHaveLength(120));
      await consumer.stop();
      expect(ids(received.messages)).toEqual(payloads('a', 120).map((m) => (JSON.parse(m.value) as { id: string }).id));
      expect(received.messages.every((m) => m.key === 'srv:s1' && m.topic === topic && Number.isFinite(m.timestampMs))).toBe(true);
      const offsets = received.messages.map((m) => BigInt(m.offset));
      expect(offsets.every((offset, i) => i === 0 || offset > (offsets[i - 1] as bigint))).toBe(true);
      expect(Math.max(...received.messages.map((m) => m.value.length))).toBeGreaterThan(0);
    });

    it('keeps the producer timestamp and stamps one when absent', async () => {
      const before = Date.now();
      await bus.producer().publish(topic, [{ value: '{"id":"t-0"}', timestampMs: 1_700_000_000_000 }, { value: '{"id":"t-1"}' }]);
      const { consumer, received } = startConsumer(bus, { group: 'g', topic });
      await until(() => expect(received.messages).toHaveLength(2));
      await consumer.stop();
      expect(received.messages[0]?.timestampMs).toBe(1_700_000_000_000);
      expect(received.messages[1]?.timestampMs).toBeGreaterThanOrEqual(before);
    });

    it('gives every group everything', async () => {
      await bus.producer().publish(topic, payloads('m', 30, 'k'));
      const groups = ['detector', 'archiver', 'metrics'].map((group) => startConsumer(bus, { group, topic }));
      await until(() => groups.forEach(({ received }) => expect(received.messages).toHaveLength(30)));
      await Promise.all(groups.map(({ consumer }) => consumer.stop()));
      for (const { received } of groups) expect(ids(received.messages)).toEqual(ids(groups[0]!.received.messages));
    });

    it('delivers a batch again after the handler threw, and commits only after success', async () => {
      await bus.producer().publish(topic, payloads('r', 10, 'k'));
      const errors: number[] = [];
      let failures = 2;
      const seen: string[][] = [];
      const consumer = bus.consumer({ group: 'g', topic, retryBackoff: { initialMs: 5, maxMs: 20 }, onError: (_, context) => errors.push(context.attempt) });
      const handled: string[] = [];
      void consumer.run(async (batch) => {
        seen.push(ids(batch));
        if (failures > 0) {
          failures -= 1;
          throw new Error('store unavailable');
        }
        handled.push(...ids(batch));
      });
      await until(() => expect(handled).toHaveLength(10));
      await consumer.stop();
      expect(errors).toEqual([1, 2]);
      expect(seen[1]).toEqual(seen[0]);
      expect(new Set(handled).size).toBe(10);
      expect(await bus.lag('g', topic)).toEqual({ messages: 0, ms: 0 });
    });

    it('resumes from committed offsets after the consumer restarts', async () => {
      const producer = bus.producer();
      await producer.publish(topic, payloads('first', 20, 'k'));
      const first = startConsumer(bus, { group: 'g', topic });
      await until(() => expect(first.received.messages).toHaveLength(20));
      await first.consumer.stop();
      await producer.publish(topic, payloads('second', 5, 'k'));

      const restarted = await harness.reopen();
      extraBuses.push(restarted);
      const second = startConsumer(restarted, { group: 'g', topic });
      await until(() => expect(second.received.messages).toHaveLength(5));
      await second.consumer.stop();
      expect(ids(second.received.messages)).toEqual(['second-0', 'second-1', 'second-2', 'second-3', 'second-4']);
    });

    it('starts a new group at the end when fromBeginning is false', async () => {
      const producer = bus.producer();
      await producer.publish(topic, payloads('old', 5, 'k'));
      const { consumer, received } = startConsumer(bus, { group: 'late', topic, fromBeginning: false });
      // A broker needs a moment to assign partitions: publish until the consumer sees something.
      let round = 0;
      await vi.waitFor(
        async () => {
          if (received.messages.length === 0) await producer.publish(topic, payloads(`new${round++}`, 1, 'k'));
          expect(received.messages.length).toBeGreaterThan(0);
        },
        { timeout: harness.waitMs, interval: 200 },
      );
      await consumer.stop();
      expect(ids(received.messages).some((id) => id.startsWith('old'))).toBe(false);
    });

    it('keeps dead letters with their reason and counts them per topic', async () => {
      expect(await bus.deadLetterCount(topic)).toBe(0);
      await bus.deadLetter({ topic, partition: 0, offset: '7', group: 'detector', reason: 'invalid event: id missing', value: '{"bad":true}' });
      await bus.deadLetter({ topic, partition: 0, offset: '8', group: 'detector', reason: 'not JSON', value: 'garbage', timestampMs: 1 });
      await until(async () => expect(await bus.deadLetterCount(topic)).toBe(2));
      expect(await bus.deadLetterCount(`${topic}.other`)).toBe(0);
    });

    it('reports lag in messages and ms, and none once consumed', async () => {
      await bus.producer().publish(topic, payloads('l', 12, 'k'));
      const before = await bus.lag('g', topic);
      expect(before.messages).toBe(12);
      expect(before.ms === -1 || before.ms >= 0).toBe(true);
      const { consumer, received } = startConsumer(bus, { group: 'g', topic });
      await until(() => expect(received.messages).toHaveLength(12));
      await consumer.stop();
      expect(await bus.lag('g', topic)).toEqual({ messages: 0, ms: 0 });
      expect((await bus.lag('other', topic)).messages).toBe(12);
    });

    it('receives everything from concurrent producers, each in its order', async () => {
      const writers = 4;
      const batches = 25;
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          const producer = bus.producer();
          for (let b = 0; b < batches; b += 1) {
            const result = await producer.publish(topic, payloads(`w${w}-b${String(b).padStart(2, '0')}`, 10, `writer-${w}`));
            expect(result.kind).toBe('success');
          }
        }),
      );
      const { consumer, received } = startConsumer(bus, { group: 'g', topic, maxBatch: 128 });
      await until(() => expect(new Set(ids(received.messages)).size).toBe(writers * batches * 10));
      await consumer.stop();
      for (let w = 0; w < writers; w += 1) {
        const mine = ids(received.messages.filter((m) => m.key === `writer-${w}`));
        expect(mine).toEqual([...mine].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })));
      }
    });

    it('lets ephemeral consumers read from the start without committing anything', async () => {
      await bus.producer().publish(topic, payloads('e', 8, 'k'));
      const readers = [startConsumer(bus, { group: 'collector', topic, ephemeral: true }), startConsumer(bus, { group: 'collector', topic, ephemeral: true })];
      await until(() => readers.forEach(({ received }) => expect(received.messages).toHaveLength(8)));
      await Promise.all(readers.map(({ consumer }) => consumer.stop()));
      expect((await bus.lag('collector', topic)).messages).toBe(8);
    });

    it('answers failure for what cannot be published, success for an empty batch', async () => {
      const producer = bus.producer();
      expect(await producer.publish(topic, [])).toEqual({ kind: 'success', count: 0 });
      expect((await producer.publish('bad topic!', payloads('x', 1))).kind).toBe('failure');
      expect((await producer.publish(topic, [{ value: 'x'.repeat(1024 * 1024 + 1) }])).kind).toBe('failure');
      expect((await producer.publish(topic, [{ value: 42 as unknown as string }])).kind).toBe('failure');
    });

    it('lets the batch in flight finish and commit when stopped', async () => {
      await bus.producer().publish(topic, payloads('s', 5, 'k'));
      let release: () => void = () => undefined;
      let entered = false;
      const { consumer, received } = startConsumer(bus, { group: 'g', topic }, async () => {
        entered = true;
        await new Promise<void>((resolve) => (release = resolve));
      });
      await until(() => expect(entered).toBe(true));
      const stopping = consumer.stop();
      release();
      await stopping;
      expect(received.messages).toHaveLength(5);
      expect((await bus.lag('g', topic)).messages).toBe(0);
    });

    it('keeps one active member per group; a standby takes over when it stops', async (context) => {
      if (!harness.exclusiveGroups) context.skip();
      const producer = bus.producer();
      await producer.publish(topic, payloads('x', 4, 'k'));
      const active = startConsumer(bus, { group: 'g', topic });
      await until(() => expect(active.received.messages).toHaveLength(4));
      const standby = startConsumer(bus, { group: 'g', topic });
      await producer.publish(topic, payloads('y', 3, 'k'));
      await until(() => expect(active.received.messages).toHaveLength(7));
      expect(standby.received.messages).toHaveLength(0);
      await active.consumer.stop();
      await producer.publish(topic, payloads('z', 2, 'k'));
      await until(() => expect(standby.received.messages).toHaveLength(2));
      await standby.consumer.stop();
      expect(ids(standby.received.messages)).toEqual(['z-0', 'z-1']);
    });
  });
}
