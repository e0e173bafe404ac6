import { createHash, generateKeyPairSync } from 'node:crypto';
import { TelemetryEvent } from '@palisade/schema';
import { describe, expect, it } from 'vitest';
import { SecretRedactor } from '../redaction/edge.redactor.js';
import type { AssembledEvent } from './assembled-event.js';
import { EventEncoder } from './event.encoder.js';

const AWS_KEY = 'AKIAQ4LMPQZ7T3XWRB5N';
const PRIVATE_KEY = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

function event(request: unknown, response?: unknown): AssembledEvent {
  return {
    fields: {
      id: '01J0000000000000000000TEST',
      ts: '2026-11-22T10:00:00.000Z',
      'palisade.schema_version': 1,
      'palisade.event.kind': 'request',
      'palisade.direction': 'client_to_server',
      'palisade.collector.id': 'C1',
      'palisade.server.name': 'fs',
      'mcp.method.name': 'tools/call',
      'mcp.session.id': 'S1',
      'network.transport': 'pipe',
      'palisade.outcome': 'ok',
    },
    request: { kind: 'value', value: request },
    ...(response === undefined ? {} : { response: { kind: 'value' as const, value: response } }),
  };
}

const encoder = (limit = 64 * 1024) => new EventEncoder(new SecretRedactor(Buffer.alloc(32, 7), 'fast'), limit);

describe(EventEncoder.name, () => {
  it('replaces secrets by fingerprints and records them as findings; the raw values are gone', async () => {
    const result = await encoder().encode(event({ name: 'send', arguments: { key: AWS_KEY, pem: PRIVATE_KEY } }));
    expect(result.ok).toBe(true);
    expect(result.json).not.toContain(AWS_KEY);
    expect(result.json).not.toContain(PRIVATE_KEY.split('\n')[1]);
    const parsed = TelemetryEvent.parse(JSON.parse(result.json));
    expect(parsed['palisade.findings'].map((f) => [f.type, f.where, f.path])).toEqual(
      expect.arrayContaining([
        ['aws_access_key', 'request', '/arguments/key'],
        ['private_key', 'request', '/arguments/pem'],
      ]),
    );
    expect(JSON.stringify(parsed['palisade.request.params'])).toMatch(/\[REDACTED:aws_access_key:[0-9a-f]+\]/);
  });

  it('ships an event whose part a server nested 100,000 levels deep, with its size and digest, instead of losing it', async () => {
    // A malicious server answering every call this way would otherwise keep its calls (and their arguments) out of telemetry.
    const levels = 100_000;
    const text = `{"content":[{"type":"text","text":"x"}],"structuredContent":{"a":${'['.repeat(levels)}${']'.repeat(levels)}}}`;
    const params = { name: 'deep', arguments: { to: 'attacker@evil.example' } };
    const encoded = await encoder().encode(event(params, JSON.parse(text)));
    expect(encoded.ok).toBe(true);
    const parsed = TelemetryEvent.parse(JSON.parse(encoded.json));
    expect(parsed['palisade.request.params']).toEqual(params);
    expect(parsed['palisade.capture.response']).toMatchObject({ bytes: Buffer.byteLength(text) });
    expect(JSON.stringify(parsed['palisade.response.result'])).toContain('"text":"x"');
  });

  it('keeps small parts whole with their size and digest', async () => {
    const params = { name: 'echo', arguments: { message: 'hello' } };
    const result = await encoder().encode(event(params, { content: [] }));
    const parsed = JSON.parse(result.json) as Record<string, unknown>;
    const text = JSON.stringify(params);
    expect(parsed['palisade.request.params']).toEqual(params);
    expect(parsed['palisade.capture.request']).toEqual({ bytes: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex'), truncated: false });
  });

  it('truncates a part beyond the capture limit, keeping its shape, full size and digest', async () => {
    const result = { content: [{ type: 'text', text: 'z'.repeat(200_000) }], isError: false };
    const encoded = await encoder(4096).encode(event({ name: 'read' }, result));
    expect(encoded.ok).toBe(true);
    const parsed = JSON.parse(encoded.json) as Record<string, { content?: { text: string }[] } & Record<string, unknown>>;
    const capture = parsed['palisade.capture.response'] as unknown as { bytes: number; sha256: string; truncated: boolean };
    expect(capture).toEqual({ bytes: JSON.stringify(result).length, sha256: createHash('sha256').update(JSON.stringify(result)).digest('hex'), truncated: true });
    expect(JSON.stringify(parsed['palisade.response.result']).length).toBeLessThanOrEqual(4096);
    expect(parsed['palisade.response.result']?.content?.[0]?.text).toMatch(/^z+…\[truncated \d+ chars\]$/);
  });

  it('never leaves the start of a key block behind when truncation cuts it', async () => {
    const encoded = await encoder(1024).encode(event({ name: 'x', arguments: { note: `${'a'.repeat(700)}-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC${'b'.repeat(5000)}` } }));
    expect(encoded.json).not.toContain('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC');
  });

  it('sets aside an event without the fields the bus routes by, naming the field', async () => {
    const bad = event({});
    delete (bad.fields as Record<string, unknown>)['mcp.session.id'];
    const result = await encoder().encode(bad);
    expect(result).toMatchObject({ ok: false, reason: 'mcp.session.id: missing' });
    expect(JSON.parse(result.json)).toMatchObject({ id: '01J0000000000000000000TEST' });
  });

  it('produces events the schema accepts for parts of every shape (the detector validates at its boundary)', async () => {
    const parts: unknown[] = [null, 0, 'text', [], [1, 'two', { three: 3 }], { nested: { deep: [{ k: 'v'.repeat(100_000) }] } }, { name: 'x', arguments: { key: AWS_KEY } }, 'y'.repeat(300_000)];
    for (const request of parts) {
      for (const response of [undefined, ...parts]) {
        const encoded = await encoder(8192).encode(event(request, response));
        expect(encoded.ok).toBe(true);
        expect(TelemetryEvent.safeParse(JSON.parse(encoded.json)).error).toBeUndefined();
      }
    }
  });
});
