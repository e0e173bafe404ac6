import { randomUUID } from 'node:crypto';
import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSRequestTimeoutError } from 'kafkajs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type BusMessage, classifyKafkaError, DEAD_LETTER_HEADERS, KafkaBus, type KafkaBusOptions, silentBusLogger } from '../src/index.js';
import { describeBusBehaviour, ids, payloads, startConsumer } from './bus.behaviour.js';
import { FakeKafka } from './fakes/fake-kafka.client.js';

const brokers = process.env.KAFKA_BROKERS?.split(',').map((broker) => broker.trim()).filter(Boolean) ?? [];
if (brokers.length === 0) console.log('kafka bus suite skipped: KAFKA_BROKERS not set');

describe.skipIf(brokers.length === 0)('against a real broker (KAFKA_BROKERS)', () => {
  describeBusBehaviour(KafkaBus.name, () => {
    const open = (): Promise<KafkaBus> =>
      Promise.resolve(new KafkaBus({ brokers, clientId: `palisade-test-${randomUUID().slice(0, 8)}`, partitions: 3, logger: silentBusLogger }));
    return { open, reopen: open, cleanup: () => Promise.resolve(), exclusiveGroups: false, waitMs: 60_000 };
  });
});

function protocolError(type: string, message: string): KafkaJSProtocolError {
  return new KafkaJSProtocolError({ type, message, code: 0, retriable: false } as unknown as Error);
}

describe(`${KafkaBus.name} logic (fake kafkajs client)`, () => {
  const buses: KafkaBus[] = [];
  let fake: FakeKafka;
  let sleeps: number[];

  function open(options: Partial<KafkaBusOptions> = {}): KafkaBus {
    fake = new FakeKafka();
    sleeps = [];
    const bus = new KafkaBus({
      brokers: ['kafka-1:9092'],
      partitions: 4,
      replicationFactor: 3,
      client: fake,
      logger: silentBusLogger,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      ...options,
    });
    buses.push(bus);
    return bus;
  }

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
  });

  describe('producer', () => {
    it('is not idempotent (bounded retries would desynchronise its sequence numbers), one request in flight, with an explicit partitioner and no auto-created topics', async () => {
      const bus = open();
      await bus.producer().publish('mcp.telemetry', payloads('a', 1, 'k'));
      expect(fake.producerConfigs[0]).toMatchObject({ idempotent: false, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      expect(typeof fake.producerConfigs[0]?.createPartitioner).toBe('function');
    });

    it('sends the batch with sendBatch, acks from all replicas, keyed by server + session', async () => {
      const bus = open();
      const result = await bus.producer().publish('mcp.telemetry', [
        { key: 'github:session-1', value: '{"id":"e1"}', timestampMs: 1_700_000_000_123 },
        { key: 'github:session-2', value: '{"id":"e2"}', timestampMs: 1_700_000_000_456 },
        { value: '{"id":"e3"}' },
      ]);
      expect(result).toEqual({ kind: 'success', count: 3 });
      expect(fake.sendBatchCalls).toHaveLength(1);
      expect(fake.sendBatchCalls[0]).toMatchObject({
        acks: -1,
        topicMessages: [
          {
            topic: 'mcp.telemetry',
            messages: [
              { key: 'github:session-1', value: '{"id":"e1"}', timestamp: '1700000000123' },
              { key: 'github:session-2', value: '{"id":"e2"}', timestamp: '1700000000456' },
              { key: null, value: '{"id":"e3"}' },
            ],
          },
        ],
      });
    });

    it('creates a topic and its .dlq once, with the configured partitions and replication factor', async () => {
      const bus = open();
      const producer = bus.producer();
      await producer.publish('mcp.telemetry', payloads('a', 1));
      await producer.publish('mcp.telemetry', payloads('b', 1));
      await bus.ensureTopics(['mcp.control']);
      expect(fake.createTopicsCalls).toEqual([
        [
          { topic: 'mcp.telemetry', numPartitions: 4, replicationFactor: 3 },
          { topic: 'mcp.telemetry.dlq', numPartitions: 4, replicationFactor: 3 },
        ],
        [
          { topic: 'mcp.control', numPartitions: 4, replicationFactor: 3 },
          { topic: 'mcp.control.dlq', numPartitions: 4, replicationFactor: 3 },
        ],
      ]);
      await expect(bus.ensureTopics(['no spaces'])).rejects.toThrow(/must be 1-249 characters/);
    });

    it('splits large batches into requests and resumes after the last acknowledged one on retry', async () => {
      const bus = open({ maxRequestMessages: 100 });
      fake.sendFailures.push(undefined, new KafkaJSConnectionError('Connection error: ECONNREFUSED'));
      const result = await bus.producer().publish('t', payloads('m', 250, 'k'));
      expect(result).toEqual({ kind: 'success', count: 250 });
      expect(fake.sendBatchCalls.map((call) => call.topicMessages?.[0]?.messages.length)).toEqual([100, 100, 100, 50]);
      expect(fake.records('t')).toHaveLength(250);
      expect(sleeps).toHaveLength(1);
    });

    it('keeps each produce request under the brokers’ record batch limit, however small each message is', async () => {
      const bus = open();
      // 600 events of about 2 kB from one session: one partition, 1.2 MB in all, each far under the limit.
      const messages = Array.from({ length: 600 }, (_, i) => ({ key: 'github:session-1', value: JSON.stringify({ id: `evt-${i}`, pad: 'x'.repeat(2_000) }) }));
      expect(await bus.producer().publish('mcp.telemetry', messages)).toEqual({ kind: 'success', count: 600 });
      expect(fake.refusedBatches).toEqual([]);
      expect(fake.sendBatchCalls.length).toBeGreaterThan(1);
      expect(fake.records('mcp.telemetry').map((record) => JSON.parse(record.value).id)).toEqual(messages.map((_, i) => `evt-${i}`));
    });

    it('sends a message near the size limit in a request of its own', async () => {
      const bus = open();
      const big = { key: 'k', value: 'x'.repeat(1_040_000) };
      const result = await bus.producer().publish('t', [{ key: 'k', value: 'a'.repeat(20_000) }, big, { key: 'k', value: 'b' }]);
      expect(result).toEqual({ kind: 'success', count: 3 });
      expect(fake.sendBatchCalls.map((call) => call.topicMessages?.[0]?.messages.length)).toEqual([1, 1, 1]);
    });

    it('retries retryable errors with exponential backoff, then answers retryable', async () => {
      const bus = open({ publishAttempts: 4, publishBackoff: { initialMs: 100, maxMs: 1_000 } });
      for (let i = 0; i < 4; i += 1) fake.sendFailures.push(new KafkaJSConnectionError('Connection error: ECONNREFUSED'));
      const result = await bus.producer().publish('t', payloads('m', 3));
      expect(result.kind).toBe('retryable');
      expect(result.kind === 'retryable' && result.error).toMatch(/KafkaJSConnectionError: Connection error: ECONNREFUSED/);
      expect(fake.sendBatchCalls).toHaveLength(4);
      expect(sleeps).toEqual([100, 200, 400]);
    });

    it('answers failure at once when the messages are at fault', async () => {
      const bus = open();
      fake.sendFailures.push(protocolError('MESSAGE_TOO_LARGE', 'The request included a message larger than the max message size the server will accept'));
      const result = await bus.producer().publish('t', payloads('m', 1));
      expect(result).toMatchObject({ kind: 'failure', error: expect.stringContaining('MESSAGE_TOO_LARGE') });
      expect(fake.sendBatchCalls).toHaveLength(1);
      expect(sleeps).toEqual([]);
    });

    it('connects again after a failed connect', async () => {
      const bus = open({ publishAttempts: 1 });
      fake.connectFailures.push(new KafkaJSConnectionError('Connection timeout'));
      const producer = bus.producer();
      expect((await producer.publish('t', payloads('m', 1))).kind).toBe('retryable');
      expect(await producer.publish('t', payloads('m', 1))).toEqual({ kind: 'success', count: 1 });
    });

    it('checks messages before sending anything', async () => {
      const bus = open({ maxMessageBytes: 10 });
      expect(await bus.producer().publish('t', [{ value: 'x'.repeat(11) }])).toMatchObject({ kind: 'failure', error: expect.stringContaining('exceeds the 10-byte limit') });
      expect(await bus.producer().publish('bad/topic', payloads('m', 1))).toMatchObject({ kind: 'failure' });
      expect(fake.sendBatchCalls).toHaveLength(0);
    });
  });

  describe(classifyKafkaError.name, () => {
    it.each([
      ['a connection error', new KafkaJSConnectionError('Connection error'), 'retryable'],
      ['a request timeout', new KafkaJSRequestTimeoutError('Request timed out'), 'retryable'],
      ['retries exceeded over a timeout', new KafkaJSNumberOfRetriesExceeded(new KafkaJSRequestTimeoutError('Request timed out'), { retryCount: 5, retryTime: 5000 }), 'retryable'],
      ['a leadership change', protocolError('NOT_LEADER_FOR_PARTITION', 'not leader'), 'retryable'],
      ['an authorisation error (configuration, not the messages)', protocolError('TOPIC_AUTHORIZATION_FAILED', 'denied'), 'retryable'],
      ['an unknown error', new TypeError('boom'), 'retryable'],
      ['a message too large', protocolError('MESSAGE_TOO_LARGE', 'too large'), 'failure'],
      ['retries exceeded over an invalid record', new KafkaJSNumberOfRetriesExceeded(protocolError('INVALID_RECORD', 'bad record'), { retryCount: 0, retryTime: 0 }), 'failure'],
      ['an aggregate with a record list too large', Object.assign(new Error('several'), { errors: [new KafkaJSConnectionError('x'), protocolError('RECORD_LIST_TOO_LARGE', 'big')] }), 'failure'],
      ['an invalid topic', protocolError('INVALID_TOPIC_EXCEPTION', 'bad topic'), 'failure'],
    ])('classifies %s as %s', (_, error, kind) => {
      expect(classifyKafkaError(error)).toBe(kind);
    });
  });

  describe('consumer', () => {
    it('runs without auto-commit and commits each chunk only after the handler resolved', async () => {
      const bus = open();
      await bus.producer().publish('t', payloads('m', 5, 'same-session'));
      const { consumer, received } = startConsumer(bus, { group: 'detector', topic: 't', maxBatch: 2 });
      await vi.waitFor(() => expect(received.messages).toHaveLength(5));
      await consumer.stop();
      const client = fake.consumers[0]!;
      expect(fake.consumerConfigs[0]).toMatchObject({ groupId: 'detector', allowAutoTopicCreation: false });
      expect(client.runConfig).toMatchObject({ autoCommit: false, eachBatchAutoResolve: false });
      expect(client.subscription).toEqual({ topics: ['t'], fromBeginning: true });
      expect(fake.commits.map((commit) => commit.offset)).toEqual(['2', '4', '5']);
      expect(received.batches).toBe(3);
    });

    it('does not commit when the handler throws, delivers the chunk again after a backoff, heartbeating meanwhile', async () => {
      const bus = open();
      await bus.producer().publish('t', payloads('m', 3, 'k'));
      const attempts: number[] = [];
      const deliveries: string[][] = [];
      let failures = 2;
      const consumer = bus.consumer({ group: 'detector', topic: 't', retryBackoff: { initialMs: 5, maxMs: 5 }, onError: (_, context) => attempts.push(context.attempt) });
      void consumer.run(async (batch: readonly BusMessage[]) => {
        deliveries.push(ids(batch));
        if (failures-- > 0) {
          expect(fake.commits).toHaveLength(0);
          throw new Error('store unavailable');
        }
      });
      await vi.waitFor(() => expect(fake.commits).toHaveLength(1));
      await consumer.stop();
      expect(attempts).toEqual([1, 2]);
      expect(deliveries).toEqual([
        ['m-0', 'm-1', 'm-2'],
        ['m-0', 'm-1', 'm-2'],
        ['m-0', 'm-1', 'm-2'],
      ]);
      expect(fake.consumers[0]!.heartbeats).toBeGreaterThanOrEqual(2);
      expect(fake.commits[0]).toMatchObject({ groupId: 'detector', topic: 't', offset: '3' });
    });

    it('keeps heartbeating while a slow handler works, so the group does not drop the member', async () => {
      const bus = open({ consumerConfig: { heartbeatInterval: 10 } });
      await bus.producer().publish('t', payloads('m', 2, 'k'));
      let during = -1;
      const { consumer, received } = startConsumer(bus, { group: 'detector', topic: 't' }, async () => {
        const before = fake.consumers[0]!.heartbeats;
        await new Promise((resolve) => setTimeout(resolve, 150));
        during = fake.consumers[0]!.heartbeats - before;
      });
      await vi.waitFor(() => expect(received.messages).toHaveLength(2));
      await consumer.stop();
      expect(during).toBeGreaterThanOrEqual(3);
    });

    it('starts at the end for fromBeginning false', async () => {
      const bus = open();
      await bus.producer().publish('t', payloads('old', 2, 'k'));
      const { consumer, received } = startConsumer(bus, { group: 'g', topic: 't', fromBeginning: false });
      await vi.waitFor(() => expect(fake.consumers[0]?.runConfig).toBeDefined());
      await bus.producer().publish('t', payloads('new', 1, 'k'));
      await vi.waitFor(() => expect(received.messages).toHaveLength(1));
      await consumer.stop();
      expect(fake.consumers[0]!.subscription?.fromBeginning).toBe(false);
      expect(ids(received.messages)).toEqual(['new-0']);
    });

    it('gives an ephemeral consumer a unique group, never commits, and deletes the group on stop', async () => {
      const bus = open();
      await bus.producer().publish('mcp.control', payloads('q', 2, 'k'));
      const { consumer, received } = startConsumer(bus, { group: 'collector', topic: 'mcp.control', ephemeral: true });
      await vi.waitFor(() => expect(received.messages).toHaveLength(2));
      await consumer.stop();
      const groupId = fake.consumerConfigs[0]!.groupId;
      expect(groupId).toMatch(/^collector\.ephemeral\.[0-9a-f-]{36}$/);
      expect(fake.consumers[0]!.subscription?.fromBeginning).toBe(true);
      expect(fake.commits).toEqual([]);
      expect(fake.deletedGroups).toEqual([groupId]);
    });

    it('rejects run() when kafkajs gives up on the consumer', async () => {
      const bus = open();
      const consumer = bus.consumer({ group: 'g', topic: 't' });
      const running = consumer.run(() => Promise.resolve());
      await vi.waitFor(() => expect(fake.consumers[0]?.runConfig).toBeDefined());
      fake.consumers[0]!.crash(protocolError('GROUP_AUTHORIZATION_FAILED', 'not authorised'));
      await expect(running).rejects.toThrow(/kafka consumer of group g crashed: .*GROUP_AUTHORIZATION_FAILED/);
    });
  });

  describe('dead letters', () => {
    it('publishes to <topic>.dlq with the reason and origin in headers, and counts them', async () => {
      const bus = open();
      await bus.deadLetter({ topic: 'mcp.telemetry', partition: 2, offset: '41', group: 'detector', reason: 'invalid event: ts missing', value: '{"id":"x"}' });
      const [record] = fake.records('mcp.telemetry.dlq');
      expect(record).toMatchObject({
        key: 'mcp.telemetry:2:41',
        value: '{"id":"x"}',
        headers: {
          [DEAD_LETTER_HEADERS.reason]: 'invalid event: ts missing',
          [DEAD_LETTER_HEADERS.group]: 'detector',
          [DEAD_LETTER_HEADERS.topic]: 'mcp.telemetry',
          [DEAD_LETTER_HEADERS.partition]: '2',
          [DEAD_LETTER_HEADERS.offset]: '41',
        },
      });
      expect(await bus.deadLetterCount('mcp.telemetry')).toBe(1);
      expect(await bus.deadLetterCount('never.used')).toBe(0);
    });

    it('rejects when the letter cannot be kept, so the batch is not committed', async () => {
      const bus = open({ publishAttempts: 2 });
      fake.sendFailures.push(new KafkaJSConnectionError('down'), new KafkaJSConnectionError('down'));
      await expect(bus.deadLetter({ topic: 't', partition: 0, offset: '1', group: 'g', reason: 'bad', value: 'x' })).rejects.toThrow(/dead letter for t not kept: .*down/);
    });
  });

  describe('lag', () => {
    it('counts uncommitted messages over every partition from the group offsets', async () => {
      const bus = open();
      await bus.producer().publish('t', [...payloads('a', 4, 'session-a'), ...payloads('b', 3, 'session-b'), ...payloads('c', 2, 'session-c')]);
      expect(await bus.lag('detector', 't')).toEqual({ messages: 9, ms: -1 });
      const partitionOfA = fake.topics.get('t')!.findIndex((records) => records.some((record) => record.key === 'session-a'));
      fake.committed.set(`detector|t|${partitionOfA}`, 2n);
      expect((await bus.lag('detector', 't')).messages).toBe(9 - 2);
      expect(await bus.lag('detector', 'never.written')).toEqual({ messages: 0, ms: 0 });
    });

    it('knows the age of the oldest uncommitted message while this process consumes the group', async () => {
      const now = 1_700_000_100_000;
      const bus = open({ now: () => now });
      await bus.producer().publish('t', [{ key: 'k', value: '{"id":"1"}', timestampMs: now - 30_000 }]);
      const { consumer } = startConsumer(bus, { group: 'detector', topic: 't', retryBackoff: { initialMs: 50, maxMs: 50 } }, () => {
        throw new Error('store down');
      });
      await vi.waitFor(() => expect(fake.consumers[0]?.heartbeats).toBeGreaterThan(0));
      expect(await bus.lag('detector', 't')).toEqual({ messages: 1, ms: 30_000 });
      await consumer.stop();
    });
  });

  describe('shutdown', () => {
    it('stops consumers, lets the publish in flight finish before disconnecting the producer, then the admin', async () => {
      const bus = open();
      const producer = bus.producer();
      await producer.publish('t', payloads('warm', 1));
      const { received } = startConsumer(bus, { group: 'g', topic: 't' });
      await vi.waitFor(() => expect(received.messages).toHaveLength(1));
      let open_ = () => undefined as void;
      fake.sendGate = new Promise<void>((resolve) => (open_ = resolve));
      const publishing = producer.publish('t', payloads('late', 1));
      const closing = bus.close();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(fake.events).not.toContain('producer.disconnect');
      open_();
      expect(await publishing).toEqual({ kind: 'success', count: 1 });
      await closing;
      const order = (event: string) => fake.events.lastIndexOf(event);
      expect(order('consumer.stop')).toBeLessThan(order('consumer.disconnect'));
      expect(order('producer.sendBatch')).toBeLessThan(order('producer.disconnect'));
      expect(order('producer.disconnect')).toBeLessThan(order('admin.disconnect'));
      expect(await producer.publish('t', payloads('after', 1))).toMatchObject({ kind: 'retryable' });
    });
  });
});
