import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Frame } from './frame.accumulator.js';
import { NdjsonSplitter } from './ndjson.splitter.js';

function split(chunks: (string | Buffer)[], parseLimit = 1024): Frame[] {
  const frames: Frame[] = [];
  const splitter = new NdjsonSplitter(parseLimit, 64, (frame) => frames.push(frame));
  chunks.forEach((chunk, i) => splitter.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk), i));
  return frames;
}

describe(NdjsonSplitter.name, () => {
  it('reassembles lines split anywhere, multi-byte characters included, and skips blank lines', () => {
    const text = '{"a":"é漢"}\r\n\n{"b":2}\n';
    const bytes = Buffer.from(text);
    const chunks = [...bytes].map((byte) => Buffer.from([byte]));
    const frames = split(chunks);
    expect(frames.map((f) => (f.kind === 'text' ? f.text : ''))).toEqual(['{"a":"é漢"}', '{"b":2}']);
  });

  it('keeps only head, size and digest of a line beyond the parse limit, and goes on after it', () => {
    const big = `{"id":7,"result":"${'x'.repeat(5000)}"}`;
    const frames = split([big.slice(0, 3000), `${big.slice(3000)}\n{"ok":1}\n`]);
    expect(frames[0]).toMatchObject({ kind: 'oversize', frame: { bytes: big.length, sha256: createHash('sha256').update(big).digest('hex') } });
    expect(frames[0]?.kind === 'oversize' && frames[0].frame.head).toBe(big.slice(0, 64));
    expect(frames[1]).toMatchObject({ kind: 'text', text: '{"ok":1}' });
  });

  it('resynchronises at the next newline after a discarded stretch', () => {
    const frames: Frame[] = [];
    const splitter = new NdjsonSplitter(1024, 64, (frame) => frames.push(frame));
    splitter.push(Buffer.from('{"lost":'), 0);
    splitter.discard(true);
    splitter.push(Buffer.from('"rest"}\n{"kept":1}\n'), 1);
    expect(frames.map((f) => (f.kind === 'text' ? f.text : ''))).toEqual(['{"kept":1}']);
  });
});
