/** How much of an HTTP answer's body the collector reads when it only needs to say what went wrong. */
export const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * The start of a response body as text, at most `maxBytes` of it; the rest is not read (the connection's
 * stream is cancelled). An error answer is read only to quote its reason: whatever answers at the API's
 * address (a proxy's error page, a misrouted download) must not make the collector hold it whole.
 */
export async function answerText(response: Response, maxBytes = MAX_ANSWER_BYTES): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut short: what came is enough to quote.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}
