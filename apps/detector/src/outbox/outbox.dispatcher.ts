import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Bus, BusProducer } from '@palisade/bus';
import { ControlMessage, WebhookPayload } from '@palisade/schema';
import type { OutboxItem, Store } from '@palisade/store';
import { Clock } from '../common/clock.js';
import type { DetectorConfig } from '../config/detector-config.js';
import { BUS, DETECTOR_CONFIG, STORE } from '../infra/injection-tokens.js';
import { SecretFiles } from '../infra/secret-files.js';
import { SYSTEM_ACTOR, AuditService } from '../services/audit.service.js';
import { MailSender, type MailMessage } from './mail.sender.js';
import { type DeliveryResult, WebhookSender, webhookLabel, withoutWebhookUrl } from './webhook.sender.js';
import { randomBytes } from 'node:crypto';

/** Attempts before a delivery is given up (and the failure audited). */
export const MAX_ATTEMPTS: Record<OutboxItem['kind'], number> = { control: 1000, webhook: 12, email: 8 };

/** Backoff before attempt n+1: 1 s, 2 s, 4 s … capped at 5 minutes. */
export function backoffMs(attempts: number): number {
  return Math.min(300_000, 1000 * 2 ** Math.max(0, attempts - 1));
}

/** Pending deliveries read per round to keep each destination's decisions in order (the oldest queued first). */
const ORDERED_SCAN = 1000;

/**
 * The deliveries to send now, per destination, in the order they were queued: webhooks per URL and control
 * messages per topic carry decisions whose order matters (a `tool.released` that overtook the retry of its
 * `tool.quarantined` left the gateway blocking a released tool). A destination's chain stops at its first
 * item not due yet, so nothing overtakes a delivery waiting for its retry. E-mail is not ordered.
 */
export function orderedChains(pending: readonly OutboxItem[], now: string): OutboxItem[][] {
  const nowMs = Date.parse(now);
  const chains = new Map<string, { items: OutboxItem[]; waiting: boolean }>();
  for (const item of pending) {
    if (item.kind === 'email') continue;
    const key = `${item.kind} ${item.destination}`;
    const chain = chains.get(key) ?? { items: [], waiting: false };
    chains.set(key, chain);
    if (chain.waiting) continue;
    if (Date.parse(item.nextAttemptAt) <= nowMs) chain.items.push(item);
    else chain.waiting = true;
  }
  return [...chains.values()].map((chain) => chain.items).filter((items) => items.length > 0);
}

/**
 * Delivers what the pipeline and the API put in the outbox: control messages to collectors (mcp.control),
 * signed containment webhooks and alert e-mail. Runs in the worker only, so no two processes deliver the
 * same item. Deliveries are retried with backoff; each attempt of a webhook is recorded in the audit log.
 * Webhooks and control messages leave in the order they were queued, per destination (`orderedChains`).
 */
@Injectable()
export class OutboxDispatcher implements OnApplicationShutdown {
  private readonly logger = new Logger('outbox');
  private producer: BusProducer | null = null;
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  private wakeRequested = false;
  private defaultSecret: string | null = null;

  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(DETECTOR_CONFIG) private readonly config: DetectorConfig,
    private readonly webhooks: WebhookSender,
    private readonly mail: MailSender,
    private readonly audit: AuditService,
    private readonly secrets: SecretFiles,
    private readonly clock: Clock,
  ) {}

  /** The secret for webhooks configured without their own: PALISADE_WEBHOOK_SECRET or generated into PALISADE_HOME. */
  webhookSecretFor(url: string): string {
    const own = this.config.webhooks.find((w) => w.url === url)?.secret;
    if (own) return own;
    if (this.config.webhookSecret) return this.config.webhookSecret;
    this.defaultSecret ??= this.secrets.readOrCreate('webhook-secret', () => randomBytes(32).toString('hex')).value;
    return this.defaultSecret;
  }

  start(intervalMs = 250): void {
    if (this.running) return;
    this.running = true;
    const tick = (): void => {
      if (!this.running) return;
      void this.round().finally(() => {
        if (this.running) this.timer = setTimeout(tick, intervalMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  /** Asks for a delivery round now (after the pipeline committed new outbox items). */
  wake(): void {
    if (!this.running) return;
    if (this.draining) {
      this.wakeRequested = true;
      return;
    }
    void this.round();
  }

  /**
   * A round run by the timer or a wake: one that fails (the store did not answer) is logged and the next
   * tick tries again. Its rejection must not go unhandled, which would end the detector.
   */
  private round(): Promise<void> {
    return this.drain().catch((error: unknown) => this.logger.error(`delivery round failed, tried again at the next one: ${(error as Error).message}`));
  }

  /** Delivers every due item once; returns when the round is over. */
  async drain(): Promise<void> {
    if (this.draining) return this.draining;
    this.draining = (async () => {
      do {
        this.wakeRequested = false;
        const now = this.clock.nowIso();
        const due = await this.store.outbox.due(now, 100);
        const mail = due.filter((item) => item.kind === 'email');
        const chains = due.length > mail.length ? orderedChains(await this.store.outbox.pending(ORDERED_SCAN), now) : [];
        // Control messages first: quarantine must reach collectors fast.
        chains.sort((a, b) => (a[0]!.kind === 'control' ? 0 : 1) - (b[0]!.kind === 'control' ? 0 : 1));
        await Promise.all([...chains.map((chain) => this.deliverInOrder(chain)), ...mail.map((item) => this.deliverSafely(item))]);
      } while (this.wakeRequested && this.running);
    })().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  /** Delivers a destination's chain one item after the other, up to the first that must wait for a retry. */
  private async deliverInOrder(chain: readonly OutboxItem[]): Promise<void> {
    for (const item of chain) if ((await this.deliverSafely(item)) === 'pending') return;
  }

  /** Delivers one item; its status afterwards (`pending` when it waits for a retry, or when the attempt crashed). */
  private async deliverSafely(item: OutboxItem): Promise<OutboxItem['status']> {
    try {
      return await this.deliver(item);
    } catch (error) {
      this.logger.error(`delivery ${item.id} crashed: ${(error as Error).message}`);
      return 'pending';
    }
  }

  private async deliver(item: OutboxItem): Promise<OutboxItem['status']> {
    const attempted = await this.attempt(item);
    // A webhook's URL may be its credential: nothing written down names it (webhook.sender.ts).
    const result = item.kind === 'webhook' && attempted.kind !== 'delivered' ? { ...attempted, error: withoutWebhookUrl(attempted.error, item.destination) } : attempted;
    const destination = item.kind === 'webhook' ? webhookLabel(item.destination) : item.destination;
    const attempts = item.attempts + 1;
    const now = this.clock.now();
    let next: OutboxItem;
    if (result.kind === 'delivered') {
      next = { ...item, attempts, status: 'delivered', lastError: null };
    } else if (result.kind === 'failure' || attempts >= MAX_ATTEMPTS[item.kind]) {
      next = { ...item, attempts, status: 'failed', lastError: result.error };
      this.logger.warn(`${item.kind} delivery to ${destination} failed for good after ${attempts} attempt(s): ${result.error}`);
    } else {
      next = { ...item, attempts, lastError: result.error, nextAttemptAt: new Date(now.getTime() + backoffMs(attempts)).toISOString() };
    }
    await this.store.outbox.update(next);
    if (item.kind !== 'control') {
      const payload = item.kind === 'webhook' ? WebhookPayload.safeParse((item.payload as { body?: unknown }).body) : null;
      await this.audit.record(SYSTEM_ACTOR, `${item.kind}.delivery`, `${item.kind}:${destination}`, {
        deliveryId: item.id,
        attempt: attempts,
        outcome: next.status === 'pending' ? 'retrying' : next.status,
        ...('status' in result && result.status !== undefined ? { status: result.status } : {}),
        ...(result.kind !== 'delivered' ? { error: result.error } : {}),
        ...(payload?.success ? { type: payload.data.type, server: payload.data.server, tool: payload.data.tool, incidentId: payload.data.incidentId } : {}),
      });
    }
    return next.status;
  }

  private async attempt(item: OutboxItem): Promise<DeliveryResult> {
    switch (item.kind) {
      case 'control': {
        const message = ControlMessage.safeParse(item.payload);
        if (!message.success) return { kind: 'failure', error: 'invalid control message in outbox' };
        this.producer ??= this.bus.producer();
        const key = message.data.type === 'quarantine.snapshot' ? 'snapshot' : `${message.data.server}/${message.data.tool}`;
        const published = await this.producer.publish(item.destination, [{ key, value: JSON.stringify(message.data) }]);
        return published.kind === 'success' ? { kind: 'delivered', status: 0 } : published;
      }
      case 'webhook': {
        const body = JSON.stringify((item.payload as { body: unknown }).body);
        return this.webhooks.send(item.destination, this.webhookSecretFor(item.destination), body, item.id);
      }
      case 'email':
        return this.mail.send(item.payload as MailMessage);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.draining?.catch(() => undefined);
    await this.producer?.close();
    this.producer = null;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }
}
