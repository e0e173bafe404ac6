import { describe, expect, it } from 'vitest';
import { SseRelay } from './sse.relay.js';

function harness(hold = false, rewrite: (data: string) => string | undefined = () => undefined) {
  const written: Buffer[] = [];
  const relay = new SseRelay((bytes) => written.push(bytes), { shouldHold: () => hold, rewrite, maxHoldBytes: 1 << 20 });
  return { relay, written, text: () => Buffer.concat(written).toString() };
}

describe(SseRelay.name, () => {
  it('streams chunks through untouched and as they come', () => {
    const { relay, written } = harness();
    const a = Buffer.from('event: message\ndata: {"a"');
    const b = Buffer.from(':1}\n\n');
    relay.push(a);
    expect(written).toEqual([a]);
    relay.push(b);
    expect(written).toEqual([a, b]);
  });

  it('writes its own event only at an event boundary (LF or CRLF)', () => {
    const { relay, text } = harness();
    relay.push(Buffer.from('event: message\r\ndata: {"a":1}\r'));
    relay.inject('{"mine":true}');
    relay.push(Buffer.from('\n\r\nevent: message\r\ndata: {"b":2}\r\n\r\n'));
    expect(text()).toBe('event: message\r\ndata: {"a":1}\r\n\r\nevent: message\ndata: {"mine":true}\n\nevent: message\r\ndata: {"b":2}\r\n\r\n');
  });

  it('rewrites a held event’s data and keeps its other fields', () => {
    const { relay, text } = harness(true, (data) => (data.includes('evil') ? '{"filtered":true}' : undefined));
    relay.push(Buffer.from('id: 7\nevent: message\ndata: {"tools":["evil"]}\n\nevent: message\ndata: {"ok":1}\n\n'));
    expect(text()).toBe('id: 7\nevent: message\ndata: {"filtered":true}\n\nevent: message\ndata: {"ok":1}\n\n');
  });
});
