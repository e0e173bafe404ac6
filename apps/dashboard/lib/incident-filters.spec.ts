import { describe, expect, it } from 'vitest';
import { incidentsHref, parseIncidentFilters } from './incident-filters';

const NOW = Date.parse('2026-11-22T12:00:00.000Z');

describe('parseIncidentFilters', () => {
  it('defaults to open incidents, most severe first, any time', () => {
    const { params, query } = parseIncidentFilters({}, NOW);
    expect(params).toEqual({ status: 'open', range: 'all', sort: 'severity' });
    expect(query).toMatchObject({ status: 'open', sort: 'severity', from: undefined });
  });

  it('maps every filter to the detector query, with the time window as `from` and "me" as the analyst', () => {
    const { query } = parseIncidentFilters({ status: 'all', severity: 'high', category: 'tool_poisoning', server: 'math', tool: 'add', assignee: 'me', q: ' ssh ', range: '24h', sort: 'recent' }, NOW, 'alice');
    expect(query).toEqual({ status: undefined, severity: 'high', category: 'tool_poisoning', server: 'math', tool: 'add', assignee: 'alice', q: 'ssh', sort: 'recent', from: '2026-11-21T12:00:00.000Z' });
  });

  it('falls back to defaults on invalid values instead of failing the page', () => {
    const { params } = parseIncidentFilters({ status: 'bogus', severity: 'extreme', category: 'nope', range: '5y', sort: ['recent', 'x'] }, NOW);
    expect(params).toEqual({ status: 'open', severity: undefined, category: undefined, range: 'all', sort: 'recent' });
  });
});

describe('incidentsHref', () => {
  it('leaves defaults and empty values out of the URL', () => {
    expect(incidentsHref({ status: 'open', range: 'all', sort: 'severity' })).toBe('/incidents');
    expect(incidentsHref({ status: 'open', severity: 'high' }, { status: 'triaging', cursor: 'abc' })).toBe('/incidents?status=triaging&severity=high&cursor=abc');
  });
});
