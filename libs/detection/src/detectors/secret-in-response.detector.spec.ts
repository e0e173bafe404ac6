import { describe, expect, it } from 'vitest';
import { alertsOf } from '../../test/engine.fixture.js';
import { detectSecretInResponse } from './secret-in-response.detector.js';

const result = (text: string) => ({ content: [{ type: 'text', text }] });
const GITHUB = ['ghp', 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'].join('_');

describe(detectSecretInResponse.name, () => {
  it('raises high for full credentials and medium for bearer tokens', () => {
    expect(alertsOf('secret_in_response', [{ tool: 'ci_config', result: result(`token: ${GITHUB}`) }])[0]?.severity).toBe('high');
    expect(alertsOf('secret_in_response', [{ tool: 'sf', result: result("{'Authorization': 'Bearer sess_a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6'}") }])[0]?.severity).toBe('medium');
  });

  it('reads resources too, with the URI in the evidence and no tool', () => {
    const [alert] = alertsOf('secret_in_response', [{ method: 'resources/read', 'mcp.resource.uri': 'file:///app/.env', result: { contents: [{ uri: 'file:///app/.env', text: `GITHUB_TOKEN=${GITHUB}\nAPP=1\n` }] } }]);
    expect(alert).toMatchObject({ tool: null });
    expect(alert?.evidence.details?.['resource']).toBe('file:///app/.env');
    expect(JSON.stringify(alert)).not.toContain(GITHUB);
  });

  it('keeps documentation examples, prose and identifiers below medium', () => {
    expect(alertsOf('secret_in_response', [{ tool: 't', result: result('export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE (the docs example)') }])[0]?.severity).toBe('low');
    expect(alertsOf('secret_in_response', [{ tool: 't', result: result('Set your API key in the config and send it as a Bearer token in the Authorization header.') }])).toEqual([]);
    expect(alertsOf('secret_in_response', [{ tool: 't', result: result('Session 550e8400-e29b-41d4-a716-446655440000, request req_2f8a1c9e.') }])).toEqual([]);
  });

  it('reads .env templates as placeholders but still flags a template holding one real value', () => {
    const template = 'DATABASE_URL=postgres://user:password@localhost:5432/app\nSECRET_KEY=change-me\nSMTP_PASSWORD=your-password-here\nSTRIPE_KEY=\nAPI_TOKEN=<your-token>\nJWT_SECRET=replace-with-a-long-random-string\nADMIN_PASSWORD=changeme\nAWS_SECRET_ACCESS_KEY=xxxxxxxxxxxxxxxx\n';
    expect(alertsOf('secret_in_response', [{ tool: 'read_file', result: result(template) }])).toEqual([]);
    const leaked = template.replace('SECRET_KEY=change-me', 'SECRET_KEY=Qm9v-r7Tq2Lk9xWz');
    expect(alertsOf('secret_in_response', [{ tool: 'read_file', result: result(leaked) }])[0]?.severity).toBe('high');
    expect(alertsOf('secret_in_response', [{ tool: 'read_file', result: result('DB_HOST=db\nDB_PASSWORD=hunter2hunter2\nAPP_ENV=prod\n') }])[0]?.severity).toBe('high');
  });
});
