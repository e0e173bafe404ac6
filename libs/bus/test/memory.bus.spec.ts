import { describe, expect, it } from 'vitest';
import { MemoryBus } from '../src/testing/index.js';
import { describeBusBehaviour, payloads } from './bus.behaviour.js';

describeBusBehaviour(MemoryBus.name, () => {
  let bus: MemoryBus | null = null;
  return {
    open: () => Promise.resolve((bus = new MemoryBus())),
    // A restart over the same storage: the memory bus is its own storage.
    reopen: () => Promise.resolve(bus as MemoryBus),
    cleanup: () => Promise.resolve(),
    exclusiveGroups: true,
    waitMs: 5_000,
  };
});

describe(MemoryBus.name, () => {
  it('lets a test make publishes fail and look at what was published', async () => {
    const bus = new MemoryBus();
    const producer = bus.producer();
    bus.setPublishFault(() => ({ kind: 'retryable', error: 'bus down' }));
    expect(await producer.publish('mcp.telemetry', payloads('a', 2))).toEqual({ kind: 'retryable', error: 'bus down' });
    expect(bus.messages('mcp.telemetry')).toHaveLength(0);
    bus.setPublishFault(null);
    expect(await producer.publish('mcp.telemetry', payloads('a', 2))).toEqual({ kind: 'success', count: 2 });
    expect(bus.messages('mcp.telemetry').map((m) => m.offset)).toEqual(['1', '2']);
    await bus.deadLetter({ topic: 'mcp.telemetry', partition: 0, offset: '1', group: 'g', reason: 'invalid', value: 'x' });
    expect(bus.deadLetters('mcp.telemetry')).toMatchObject([{ reason: 'invalid', offset: '1' }]);
    await bus.close();
  });

});
