import { describe, expect, it } from 'vitest';
import { MAX_CAPTURED_DEPTH, parseTelemetryEvent, parseTelemetryEventJson } from './telemetry-event.schema.js';

const event = {
  id: '01JD0000000000000000000000',
  ts: '2026-11-22T10:00:00.000Z',
  'palisade.schema_version': 1,
  'palisade.event.kind': 'request',
  'palisade.direction': 'client_to_server',
  'palisade.collector.id': 'laptop',
  'palisade.server.name': 'files',
  'mcp.method.name': 'tools/call',
  'mcp.session.id': 's1',
  'gen_ai.tool.name': 'read_file',
  'network.transport': 'pipe',
  'palisade.outcome': 'ok',
  'palisade.request.params': { name: 'read_file', arguments: { path: '/tmp/a', extra: { deep: [1, 'two', null] } } },
  'palisade.capture.request': { bytes: 60, sha256: 'a'.repeat(64), truncated: false },
  'palisade.findings': [{ type: 'aws_access_key', fingerprint: 'HMAC-1234', where: 'request', path: '/arguments/path' }],
};

describe(parseTelemetryEventJson.name, () => {
  it('keeps the line as the document when it is exactly the validated event', () => {
    const line = JSON.stringify(event);
    const parsed = parseTelemetryEventJson(line);
    expect(parsed).toMatchObject({ ok: true, document: line });
    if (parsed.ok) expect(JSON.parse(parsed.document!)).toEqual(parsed.value);
  });

  it('gives no document when validation changed the event: a key dropped or a default filled in, at any level', () => {
    const changed = [
      { ...event, unknownField: 'kept by nobody' },
      { ...event, 'palisade.capture.request': { ...event['palisade.capture.request'], unknown: 1 } },
      { ...event, 'palisade.findings': [{ ...event['palisade.findings'][0], note: 'x' }] },
      Object.fromEntries(Object.entries(event).filter(([key]) => key !== 'palisade.findings')),
    ];
    for (const value of changed) {
      const parsed = parseTelemetryEventJson(JSON.stringify(value));
      expect(parsed.ok, JSON.stringify(value)).toBe(true);
      if (parsed.ok) {
        expect(parsed.document).toBeNull();
        // What a store serialises instead has only the schema's fields.
        expect(JSON.stringify(parsed.value)).not.toMatch(/unknown|note/);
      }
    }
  });

  it('gives no document for a line spread over several lines (NDJSON exports write one per line)', () => {
    const parsed = parseTelemetryEventJson(JSON.stringify(event, null, 2));
    expect(parsed).toMatchObject({ ok: true, document: null });
  });

  it('names what is wrong in one line', () => {
    expect(parseTelemetryEventJson('{"id":')).toMatchObject({ ok: false, reason: expect.stringMatching(/^invalid JSON/) });
    expect(parseTelemetryEventJson(JSON.stringify({ ...event, 'palisade.outcome': 'great' }))).toMatchObject({ ok: false, reason: expect.stringContaining('palisade.outcome') });
  });
  it('refuses, with a reason, captured parts nested deeper than the bound instead of throwing further on', () => {
    // Serialisers and walkers (JSON.stringify, canonical hashes, detectors) recurse: 100,000 levels overflow their stack.
    const deep = (levels: number, leaf: unknown = 1): string => `${'['.repeat(levels)}${JSON.stringify(leaf)}${']'.repeat(levels)}`;
    const line = (where: string, levels: number) => JSON.stringify({ ...event, [where]: { a: '__DEEP__' } }).replace('"__DEEP__"', deep(levels));
    for (const where of ['palisade.request.params', 'palisade.response.result']) {
      const refused = parseTelemetryEventJson(line(where, 100_000));
      expect(refused, where).toMatchObject({ ok: false, reason: expect.stringContaining(`${where}: nested deeper than ${MAX_CAPTURED_DEPTH} levels`) });
      expect(parseTelemetryEventJson(line(where, MAX_CAPTURED_DEPTH - 2)), where).toMatchObject({ ok: true });
      expect(parseTelemetryEventJson(line(where, MAX_CAPTURED_DEPTH)), where).toMatchObject({ ok: false });
    }
    const data = JSON.parse(deep(100_000)) as unknown;
    expect(parseTelemetryEvent({ ...event, 'palisade.response.error': { code: -1, message: 'x', data } })).toMatchObject({ ok: false, reason: expect.stringContaining('palisade.response.error.data: nested deeper') });
  });
});
