import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { signWebhook } from './webhook-signature.js';

export type DeliveryResult = { kind: 'delivered'; status: number } | { kind: 'retryable'; error: string; status?: number } | { kind: 'failure'; error: string; status?: number };

/** Sends one signed containment webhook. Never throws: the outcome is a result. */
@Injectable()
export class WebhookSender {
  constructor(private readonly clock: Clock) {}

  async send(url: string, secret: string, body: string, deliveryId: string, timeoutMs = 5000): Promise<DeliveryResult> {
    const timestamp = String(Math.floor(this.clock.now().getTime() / 1000));
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'palisade-detector',
          'x-palisade-timestamp': timestamp,
          'x-palisade-signature': signWebhook(secret, timestamp, body),
          'x-palisade-delivery': deliveryId,
          'idempotency-key': deliveryId,
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { kind: 'delivered', status: response.status };
      // 4xx other than 408/429 will not improve by retrying, but a gateway may be mid-deploy: retry all but 400/401/403/404/410.
      if ([400, 401, 403, 404, 410, 422].includes(response.status)) return { kind: 'failure', status: response.status, error: `HTTP ${response.status}` };
      return { kind: 'retryable', status: response.status, error: `HTTP ${response.status}` };
    } catch (error) {
      return { kind: 'retryable', error: (error as Error).name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : (error as Error).message };
    }
  }
}
