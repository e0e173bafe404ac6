import { describe, expect, it } from 'vitest';
import { answerText } from './answer-text.js';

describe(answerText.name, () => {
  it('reads a whole short body', async () => {
    expect(await answerText(new Response('{"error":"store unavailable"}', { status: 503 }))).toBe('{"error":"store unavailable"}');
    expect(await answerText(new Response(null, { status: 502 }))).toBe('');
  });

  it('stops at the bound on a body that never ends, and cancels the rest', async () => {
    let pulled = 0;
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new TextEncoder().encode('x'.repeat(1000)));
      },
      cancel() {
        cancelled = true;
      },
    });
    const text = await answerText(new Response(endless, { status: 500 }), 4096);
    expect(text).toBe('x'.repeat(4096));
    expect(pulled).toBeLessThan(10);
    expect(cancelled).toBe(true);
  });
});
