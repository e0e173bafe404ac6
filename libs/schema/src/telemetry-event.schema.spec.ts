import { describe, expect, it } from 'vitest';
import { parseTelemetryEventJson } from './telemetry-event.schema.js';

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
});
