import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { signWebhook } from './webhook-signature.js';

export type DeliveryResult = { kind: 'delivered'; status: number } | { kind: 'retryable'; error: string; status?: number } | { kind: 'failure'; error: string; status?: number };

/**
 * How a webhook is named wherever it is written down (the audit log, which auditors read and compliance
 * bundles carry, and the log): its origin and a fingerprint of the whole URL, never the URL. Many webhook
 * URLs are their own credential (a chat service's secret path, a `?token=`, `user:password@`).
 */
export function webhookLabel(url: string): string {
  const fingerprint = createHash('sha256').update(url, 'utf8').digest('hex').slice(0, 12);
  let origin = 'invalid-url';
  try {
    origin = new URL(url).origin;
  } catch {
    // kept as 'invalid-url': the configuration admits only http(s) URLs
  }
  return `${origin}/… (sha256:${fingerprint})`;
}

/** A delivery error with the URL, when it names it (fetch's errors may), replaced by its label. */
export function withoutWebhookUrl(error: string, url: string): string {
  return error.replaceAll(url, webhookLabel(url));
}

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
