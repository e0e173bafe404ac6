import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { BUNDLE_CSV_OPTIONS, unguardCsvCell } from './bundle-format.js';

const written = (value: string | number): string => stringify([[value, 'end']], BUNDLE_CSV_OPTIONS);
const cell = (value: string | number): string => (parse(written(value)) as string[][])[0]![0]!;

describe('bundle CSV cells', () => {
  it('start formula-like text with an apostrophe, quoted', () => {
    for (const value of ['=1+1', '+1', '-1+cmd', '@SUM(A1)', '\t=1', '\r=1', '\n=1', '＝1', "'=1", "''@x"]) {
      expect(written(value), JSON.stringify(value)).toMatch(/^"'/);
      expect(cell(value)).toBe(`'${value}`);
    }
  });

  it('leave other text and numbers as they are', () => {
    for (const value of ['add', "it's", "'quoted'", 'a=b', ' =1', '{"a":1}', '']) expect(cell(value), JSON.stringify(value)).toBe(value);
    expect(written(-5)).toBe('-5,end\n');
  });

  it('read back as the text that was written', () => {
    for (const value of ['=1+1', "'=1", "''=1", "'x", "''x", 'plain', '-', "'"]) expect(unguardCsvCell(cell(value)), JSON.stringify(value)).toBe(value);
  });
});
