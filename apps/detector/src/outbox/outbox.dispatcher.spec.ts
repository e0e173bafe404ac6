import { Logger } from '@nestjs/common';
import type { Bus } from '@palisade/bus';
import { CONTROL_TOPIC, newId } from '@palisade/schema';
import type { OutboxItem } from '@palisade/store';
import { MemoryStore } from '@palisade/store/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SystemClock } from '../common/clock.js';
import { AuditService } from '../services/audit.service.js';
import { OutboxDispatcher } from './outbox.dispatcher.js';
import type { WebhookSender } from './webhook.sender.js';

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
  it('names a webhook in the audit log and the log by its host and a fingerprint: the URL itself may be the credential', async () => {
    // Chat webhooks carry their secret in the path, others in the query or as user:password.
    const url = 'https://ops:hunter2-password@hooks.chat.example/services/T0/B0/s3cr3tPathPart?token=q5ecretQuery';
    const store = new MemoryStore();
    const clock = new SystemClock();
    const warned = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    // The sender's error names the URL, as fetch's does for one with credentials.
    const webhooks = { send: () => Promise.resolve({ kind: 'failure', error: `Request cannot be constructed from a URL that includes credentials: ${url}` }) } as unknown as WebhookSender;
    const config = { webhooks: [{ url, secret: 'per-hook-secret-0123456789' }] } as never;
    const dispatcher = new OutboxDispatcher(store, {} as Bus, config, webhooks, {} as never, new AuditService(store, clock), {} as never, clock);
    const ts = new Date().toISOString();
    const body = { type: 'tool.quarantined', server: 's', tool: 't', incidentId: null, reason: 'r', ts };
    await store.outbox.enqueue([{ id: 'out_wh', kind: 'webhook', destination: url, payload: { body }, createdAt: ts, nextAttemptAt: ts, attempts: 0, status: 'pending', lastError: null }]);
    try {
      dispatcher.start(60_000);
      const [entry] = await vi.waitFor(async () => {
        const { items } = await store.audit.list({ action: 'webhook.delivery', limit: 10 });
        expect(items).toHaveLength(1);
        return items;
      }, WAIT);
      await vi.waitFor(() => expect(warned).toHaveBeenCalled(), WAIT);
      const recorded = JSON.stringify({ entry, logged: warned.mock.calls });
      for (const secret of ['hunter2-password', 's3cr3tPathPart', 'q5ecretQuery']) expect(recorded).not.toContain(secret);
      expect(entry!.target).toMatch(/^webhook:https:\/\/hooks\.chat\.example\/… \(sha256:[0-9a-f]{12}\)$/);
      expect(entry!.details).toMatchObject({ outcome: 'failed', error: expect.stringContaining('hooks.chat.example') });
    } finally {
      await dispatcher.stop();
    }
  });
});
