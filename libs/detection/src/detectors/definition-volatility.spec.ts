import type { ToolDefinition } from '@palisade/schema';
import { describe, expect, it } from 'vitest';
import { classifyChange, maskVolatile } from './definition-volatility.js';

const S = { type: 'string' };
const kind = (previous: ToolDefinition, next: ToolDefinition): string => classifyChange(previous, next).change;
const tool = (description: string, properties: Record<string, unknown> = { q: S }): ToolDefinition => ({ name: 'report', description, inputSchema: { type: 'object', properties } });

describe(maskVolatile.name, () => {
  it('masks dates, times, counts and version or build ids', () => {
    expect(maskVolatile('Data as of 2026-11-23 10:00.')).toBe('Data as of # #.');
    expect(maskVolatile('Refreshed 2026-11-23T10:00:05.123Z (Nov 23, 2026, 10:00 UTC; 23/11/2026).')).toBe('Refreshed # (#, #; #).');
    expect(maskVolatile('1,234 records in 3 databases, updated 5 minutes ago.')).toBe('# records in # databases, updated # minutes ago.');
    expect(maskVolatile('Server v2.14.1-rc.2 (build 48213, commit 9f3c2ab), API 1.4.0.')).toBe('Server # (build #, commit #), API #.');
  });

  it('leaves digits that name something: addresses, ports, hosts, account numbers, digit groups, URLs', () => {
    for (const text of [
      'Mirror at 10.0.0.12 only.',
      'Served from reports.internal:8443 and 10.0.0.1:80.',
      'Payments settle to account 40021187.',
      'Call 555 0100 agents.',
      'Copies go to ops-2026@corp.example.',
      'See https://example.com/2026-11-23/report and example.com/v2.1.0 for details.',
      'Pick 007 agents.',
      'Account 40021187 receives the payments.',
      'Port 8443 accepts connections; user #1042 owns reports.',
    ]) {
      expect(maskVolatile(text)).toBe(text);
    }
  });
});

describe(classifyChange.name, () => {
  it('only dates, times, counts or versions changed in place: volatile', () => {
    expect(kind(tool('Data as of 2026-11-23 10:00. 3 databases: a, b, c.'), tool('Data as of 2026-11-24 11:00. 4 databases: a, b, c.'))).toBe('volatile');
  });

  it('does not depend on the order of the keys', () => {
    const reordered = { inputSchema: { properties: { q: S }, type: 'object' }, description: 'Data as of 2026-11-24.', name: 'report' } as ToolDefinition;
    expect(kind(tool('Data as of 2026-11-23.'), reordered)).toBe('volatile');
  });

  it('a list of names that grew, or a reworded sentence: wording', () => {
    expect(kind(tool('3 databases: sales, hr, ops.'), tool('4 databases: sales, hr, ops, legal.'))).toBe('wording');
    expect(kind(tool('Runs a query.'), tool('Runs a read-only query.'))).toBe('wording');
    const enumOf = (values: string[]): ToolDefinition => tool('Runs a query.', { database: { type: 'string', enum: values } });
    expect(kind(enumOf(['sales', 'hr']), enumOf(['sales', 'hr', 'legal']))).toBe('wording');
  });

  it('says which sentences a rewording touched, and calls an added or removed sentence a change of sentences', () => {
    expect(classifyChange(tool('Runs a query. 3 databases: sales, hr.'), tool('Runs a query. 4 databases: sales, hr, ops.'))).toEqual({ change: 'wording', sentences: ['0:1'] });
    expect(classifyChange(tool('Runs a read-only query. 3 databases: sales, hr.'), tool('Runs a query. 4 databases: sales, hr, ops.'))).toEqual({ change: 'wording', sentences: ['0:0', '0:1'] });
    expect(kind(tool('Runs a query. 3 databases: sales, hr.'), tool('Runs a query. 3 databases: sales, hr. Share results widely.'))).toBe('sentences');
  });

  it('a new token with digits, an address, a URL or a host, or hidden characters: identifier', () => {
    const asOf = (rest: string, date = '2026-11-23'): ToolDefinition => tool(`Data as of ${date}. ${rest}`);
    expect(kind(asOf('Pays to account 40021187.'), asOf('Pays to account 40021188.', '2026-11-24'))).toBe('identifier');
    expect(kind(asOf('Mirror at 10.0.0.12.'), asOf('Mirror at 10.0.0.13.'))).toBe('identifier');
    expect(kind(asOf('Copies to ops.'), asOf('Copies to ops@corp.example.'))).toBe('identifier');
    expect(kind(asOf('Docs online.'), asOf('Docs at https://docs.example.'))).toBe('identifier');
    expect(kind(asOf('Copies to ops.'), asOf('Copies to drop.example.net.'))).toBe('identifier');
    expect(kind(asOf('3 databases: db1, db2.'), asOf('3 databases: db1, db3.'))).toBe('identifier');
    expect(kind(asOf('Runs a query.'), asOf('Runs a\u200b query.', '2026-11-24'))).toBe('identifier');
    expect(kind(asOf('Runs a query.'), asOf('Runs a query.\ufeff', '2026-11-24'))).toBe('identifier');
    const enumOf = (values: string[]): ToolDefinition => tool('Sends a copy.', { to: { type: 'string', enum: values } });
    expect(kind(enumOf(['ops@corp.example']), enumOf(['ops@corp.example', 'x@drop.example']))).toBe('identifier');
  });

  it('anything but text (a default, a parameter, a type, an annotation): structural', () => {
    const base = tool('Data as of 2026-11-23.');
    expect(kind(base, tool('Data as of 2026-11-24.', { q: { type: 'string', default: 'all' } }))).toBe('structural');
    expect(kind(base, tool('Data as of 2026-11-24.', { q: S, limit: { type: 'integer' } }))).toBe('structural');
    expect(kind(base, tool('Data as of 2026-11-24.', { q: { type: 'integer' } }))).toBe('structural');
    expect(kind(base, { ...tool('Data as of 2026-11-24.'), annotations: { destructiveHint: true } })).toBe('structural');
  });
});
