import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Contract section 6: `X-Palisade-Signature: sha256=HEX`, the HMAC-SHA256 of `TIMESTAMP.BODY` with the
 * webhook's secret; `X-Palisade-Timestamp` is the Unix time in seconds the delivery was signed at.
 */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiving gateway does: recompute and compare in constant time, and reject stale timestamps. */
export function verifyWebhookSignature(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  options: { nowSeconds?: number; toleranceSeconds?: number } = {},
): boolean {
  if (!headers.timestamp || !headers.signature) return false;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const age = Math.abs(now - Number(headers.timestamp));
  if (!Number.isFinite(age) || age > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(secret, headers.timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
