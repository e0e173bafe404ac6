import { describe, expect, it } from 'vitest';
import { jsonText } from './json-text.js';

describe(jsonText.name, () => {
  it('writes what JSON.stringify writes, at any depth', () => {
    const value = { a: [1, 'two', null, true, { b: 'é\n"', c: [] }, {}], skipped: undefined, n: -0.5, s: '\u2028' };
    expect(jsonText(value)).toBe(JSON.stringify(value));
    // JSON.stringify recurses and throws beyond some thousands of levels; a monitored server chooses the depth.
    const levels = 100_000;
    const text = `{"a":${'[{"k":'.repeat(levels)}"leaf"${'}]'.repeat(levels)},"z":[1,{"q":null}]}`;
    const deep = JSON.parse(text) as unknown;
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    expect(jsonText(deep)).toBe(text);
    expect(jsonText(undefined)).toBeUndefined();
  });
});
