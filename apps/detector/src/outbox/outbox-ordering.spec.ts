import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MemoryBus } from '@palisade/bus/testing';
import { CONTROL_TOPIC, type ControlMessage, type WebhookPayload } from '@palisade/schema';
import type { OutboxItem } from '@palisade/store';
import { MemoryStore } from '@palisade/store/testing';
import { describe, expect, it } from 'vitest';
import { Clock } from '../common/clock.js';
import { loadDetectorConfig } from '../config/detector-config.js';
import { SecretFiles } from '../infra/secret-files.js';
import { AuditService } from '../services/audit.service.js';
import { MailSender } from './mail.sender.js';
import { OutboxDispatcher } from './outbox.dispatcher.js';
import { type DeliveryResult, WebhookSender } from './webhook.sender.js';

class FixedClock extends Clock {
  constructor(public ms: number) {
    super();
  }

  now(): Date {
    return new Date(this.ms);
  }
}

/** A gateway per URL: answers 503 to the attempts `refuse` picks, 200 to the rest, and keeps what it accepted. */
class RecordingWebhooks extends WebhookSender {
  readonly accepted: { url: string; type: string }[] = [];

  constructor(
    clock: Clock,
    private readonly refuse: (url: string, body: WebhookPayload, attempt: number) => boolean,
  ) {
    super(clock);
  }

  private readonly attempts = new Map<string, number>();

  override send(url: string, _secret: string, body: string, deliveryId: string): Promise<DeliveryResult> {
    const attempt = (this.attempts.get(deliveryId) ?? 0) + 1;
    this.attempts.set(deliveryId, attempt);
    const payload = JSON.parse(body) as WebhookPayload;
    if (this.refuse(url, payload, attempt)) return Promise.resolve({ kind: 'retryable', status: 503, error: 'HTTP 503' });
    this.accepted.push({ url, type: payload.type });
    return Promise.resolve({ kind: 'delivered', status: 200 });
  }
}

const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const GATEWAY = 'http://127.0.0.1:9/gateway';
const SIEM = 'http://127.0.0.1:9/siem';

function decision(type: 'tool.quarantined' | 'tool.released', at: number): OutboxItem[] {
  const ts = new Date(at).toISOString();
  const id = `dec_${type}_${at}`;
  const base = { createdAt: ts, nextAttemptAt: ts, attempts: 0, status: 'pending' as const, lastError: null };
  const control: ControlMessage = { type, id, server: 'files', tool: 'write_file', incidentId: null, reason: 'by an analyst', ts, by: 'ann' };
  const body: WebhookPayload = { type, server: 'files', tool: 'write_file', incidentId: null, reason: 'by an analyst', ts };
  return [
    { ...base, id: `${id}_control`, kind: 'control', destination: CONTROL_TOPIC, payload: control },
    { ...base, id: `${id}_wh0`, kind: 'webhook', destination: GATEWAY, payload: { body } },
    { ...base, id: `${id}_wh1`, kind: 'webhook', destination: SIEM, payload: { body } },
  ];
}

function dispatcher(refuse: (url: string, body: WebhookPayload, attempt: number) => boolean) {
  const clock = new FixedClock(T0);
  const store = new MemoryStore();
  const bus = new MemoryBus();
  const config = loadDetectorConfig({ PALISADE_HOME: mkdtempSync(path.join(tmpdir(), 'palisade-outbox-')), PALISADE_WEBHOOKS: `${GATEWAY},${SIEM}`, PALISADE_WEBHOOK_SECRET: 'outbox-spec-secret-0123456789' });
  const webhooks = new RecordingWebhooks(clock, refuse);
  const outbox = new OutboxDispatcher(store, bus, config, webhooks, new MailSender(config), new AuditService(store, clock), new SecretFiles(config), clock);
  return { clock, store, bus, webhooks, outbox };
}

describe(OutboxDispatcher.name, () => {
  it('keeps each webhook’s decisions in order: a release waits for the retry of the quarantine before it, so the gateway ends released', async () => {
    const { clock, store, webhooks, outbox } = dispatcher((url, body, attempt) => url === GATEWAY && body.type === 'tool.quarantined' && attempt === 1);
    await store.outbox.enqueue([...decision('tool.quarantined', T0), ...decision('tool.released', T0 + 100)]);
    clock.ms = T0 + 200;
    await outbox.drain();
    // The gateway refused the quarantine once: its release waits behind it; the SIEM got both, in order.
    expect(webhooks.accepted).toEqual([
      { url: SIEM, type: 'tool.quarantined' },
      { url: SIEM, type: 'tool.released' },
    ]);
    expect((await store.outbox.get(`dec_tool.released_${T0 + 100}_wh0`))?.attempts).toBe(0);

    clock.ms = T0 + 1200; // the quarantine's retry is due
    await outbox.drain();
    expect(webhooks.accepted.filter((hook) => hook.url === GATEWAY).map((hook) => hook.type)).toEqual(['tool.quarantined', 'tool.released']);
    expect(await store.outbox.pending(10)).toEqual([]);
  });

  it('publishes control messages in the order they were decided, even when the first publish must be retried', async () => {
    const { clock, store, bus, outbox } = dispatcher(() => false);
    let refused = 0;
    bus.setPublishFault((_topic, messages) => (refused === 0 && messages.some((m) => m.value.includes('"tool.quarantined"')) ? ((refused += 1), { kind: 'retryable', error: 'bus busy' }) : null));
    await store.outbox.enqueue([...decision('tool.quarantined', T0), ...decision('tool.released', T0 + 100)]);
    clock.ms = T0 + 200;
    await outbox.drain();
    expect(bus.messages(CONTROL_TOPIC)).toEqual([]);
    clock.ms = T0 + 1200;
    await outbox.drain();
    expect(bus.messages(CONTROL_TOPIC).map((m) => (JSON.parse(m.value) as ControlMessage).type)).toEqual(['tool.quarantined', 'tool.released']);
  });
});
