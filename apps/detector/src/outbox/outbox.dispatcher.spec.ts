import { Logger } from '@nestjs/common';
import type { Bus } from '@palisade/bus';
import { CONTROL_TOPIC, newId } from '@palisade/schema';
import type { OutboxItem } from '@palisade/store';
import { MemoryStore } from '@palisade/store/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SystemClock } from '../common/clock.js';
import { AuditService } from '../services/audit.service.js';
import { OutboxDispatcher } from './outbox.dispatcher.js';

/** Rounds take milliseconds; the bound is for a loaded machine. */
const WAIT = { timeout: 10_000 };

/** A quarantine snapshot for collectors, due now. */
function snapshot(): OutboxItem {
  const ts = new Date().toISOString();
  const message = { type: 'quarantine.snapshot', id: newId(), ts, quarantined: [] };
  return { id: `out_${message.id}`, kind: 'control', destination: CONTROL_TOPIC, payload: message, createdAt: ts, nextAttemptAt: ts, attempts: 0, status: 'pending', lastError: null };
}

function dispatcherOver(store: MemoryStore): { dispatcher: OutboxDispatcher; published: string[] } {
  const published: string[] = [];
  const bus = {
    producer: () => ({
      publish: (_topic: string, messages: { value: string }[]) => {
        published.push(...messages.map((m) => m.value));
        return Promise.resolve({ kind: 'success' });
      },
      close: () => Promise.resolve(),
    }),
  } as unknown as Bus;
  const clock = new SystemClock();
  // Control messages need neither the configuration, the senders nor the secrets.
  const dispatcher = new OutboxDispatcher(store, bus, {} as never, {} as never, {} as never, new AuditService(store, clock), {} as never, clock);
  return { dispatcher, published };
}

describe(OutboxDispatcher.name, () => {
  afterEach(() => vi.restoreAllMocks());

  it('logs a delivery round the store fails, timed or woken, and delivers at the next round instead of ending the process', async () => {
    const store = new MemoryStore();
    const logged = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const due = vi.spyOn(store.outbox, 'due').mockRejectedValueOnce(new Error('store unavailable (timer)')).mockRejectedValueOnce(new Error('store unavailable (wake)'));
    const { dispatcher, published } = dispatcherOver(store);
    const failures = () => logged.mock.calls.map(([message]) => String(message)).filter((message) => message.includes('store unavailable'));
    try {
      // One timed round now, the next one a minute later: the rounds after it are the wakes below.
      dispatcher.start(60_000);
      await vi.waitFor(() => expect(failures()).toEqual([expect.stringContaining('store unavailable (timer)')]), WAIT);
      dispatcher.wake();
      await vi.waitFor(() => expect(failures()).toHaveLength(2), WAIT);
      expect(failures()[1]).toContain('store unavailable (wake)');
      await store.outbox.enqueue([snapshot()]);
      dispatcher.wake();
      await vi.waitFor(() => expect(published).toHaveLength(1), WAIT);
      expect(due).toHaveBeenCalledTimes(3);
      // A rejection is reported to the process a turn after it goes unhandled.
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      await dispatcher.stop();
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
