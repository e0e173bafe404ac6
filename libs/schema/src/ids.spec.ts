import { describe, expect, it } from 'vitest';
import { decodeTime } from 'ulid';
import { deterministicId, newId } from './ids.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

describe('ids', () => {
  it('gives unique, time-sortable ULIDs, increasing within one millisecond', () => {
    const ids = Array.from({ length: 20_000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(ids.every((id) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id))).toBe(true);
    const later = newId(4_000_000_000_123);
    expect(decodeTime(later)).toBe(4_000_000_000_123);
    // Never backwards: an earlier time gives the last id incremented.
    const earlier = newId(1_700_000_000_123);
    expect(decodeTime(earlier)).toBe(4_000_000_000_123);
    expect(earlier > later).toBe(true);
  });

  it('draws the random part uniformly over the 32 characters', () => {
    const counts = new Map<string, number>();
    // A new millisecond for every id: each gets fresh random characters (not an increment).
    for (let i = 0; i < 10_000; i += 1) for (const char of newId(5_000_000_000_000 + i * 10).slice(10)) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect([...counts.keys()].sort().join('')).toBe(CROCKFORD);
    // 160,000 characters: 5,000 expected each, standard deviation about 70; a biased draw misses by far more.
    for (const count of counts.values()) expect(Math.abs(count - 5000)).toBeLessThan(450);
  });

  it('gives the same deterministic id for the same parts, whatever their key order', () => {
    expect(deterministicId('al', { b: 1, a: 2 }, 'x')).toBe(deterministicId('al', { a: 2, b: 1 }, 'x'));
    expect(deterministicId('al', { a: 2 }, 'x')).not.toBe(deterministicId('al', { a: 3 }, 'x'));
  });
});
