import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { severityAtLeast, type Alert, type TelemetryEvent } from '@palisade/schema';
import { describe, expect, it } from 'vitest';
import { compileEngine, createState, evaluate, parseRulePack, redactSecretsSync } from '../src/index.js';
import { events } from './engine.fixture.js';

const rulesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../rules');
const { rules } = parseRulePack(readdirSync(rulesDir).filter((f) => f.endsWith('.yaml')).map((f) => ({ path: `rules/${f}`, text: readFileSync(path.join(rulesDir, f), 'utf8') })));

// The end-to-end scenario `credential-leak` (test/fixtures/servers/config-leak.mjs: AWS keys, a database
// URL with a password, a private key; all fabricated), as its collectors record it.
const SETTINGS = { region: 'eu-west-1', aws_access_key_id: 'AKIAQ3EGRT7LMNZ4XW2P', aws_secret_access_key: '9dK2/hWq7LmP4xZr8TbVn3YcQe6JsUaF1oGiRkEw', database_url: 'postgres://admin:S3cr3tPassw0rd!@db.internal.example:5432/prod' };
const PRIVATE_KEY = ['-----BEGIN OPENSSH PRIVATE KEY-----', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW', 'QyNTUxOQAAACDhH0bFak3KeyForPalisadeTestsOnly0000000000000000AAAAJgAAAA', '-----END OPENSSH PRIVATE KEY-----'];
const CONFIG = [...Object.entries(SETTINGS).map(([name, value]) => `${name} = ${value}`), ...PRIVATE_KEY].join('\n');
const KEY = Buffer.from('arrival-order-test-install-key-0123456789');
const result = redactSecretsSync({ content: [{ type: 'text', text: CONFIG }] }, { key: KEY, where: 'response' });
const args = redactSecretsSync({ to: 'ops@corp.example', subject: 'billing config', body: CONFIG }, { key: KEY, where: 'request' });

const capture = { 'palisade.capture.request': { bytes: 100, sha256: 'c'.repeat(64), truncated: false }, 'palisade.capture.response': { bytes: 600, sha256: 'c'.repeat(64), truncated: false } };
const [listConfig, listMailer, read, send] = events([
  { server: 'config', session: 'cfg-1', id: 'evt-list-config', tools: [{ name: 'get_config', description: 'Returns the deployment configuration of a service.', inputSchema: { type: 'object', properties: { service: { type: 'string' } } } }], at: 0 },
  { server: 'mailer-2', session: 'mail-1', id: 'evt-list-mailer', tools: [{ name: 'send_email', description: 'Sends an e-mail.', inputSchema: { type: 'object', properties: { to: { type: 'string' }, subject: { type: 'string' }, body: { type: 'string' } } } }], at: 0 },
  { server: 'config', session: 'cfg-1', id: 'evt-get-config', tool: 'get_config', arguments: { service: 'billing' }, result: result.value, findings: result.findings, ...capture, at: 1 },
  { server: 'mailer-2', session: 'mail-1', id: 'evt-send-email', tool: 'send_email', arguments: args.value, result: { content: [{ type: 'text', text: 'sent' }] }, findings: args.findings, ...capture, at: 1.005 },
]);

function alertsInArrivalOrder(arrival: readonly TelemetryEvent[]): Alert[] {
  const engine = compileEngine({ rules });
  const state = createState();
  return arrival.flatMap((event) => evaluate(engine, event, state).alerts);
}

describe('arrival order of events from different servers (collectors flush on their own)', () => {
  const natural = alertsInArrivalOrder([listConfig!, listMailer!, read!, send!]);
  const late = alertsInArrivalOrder([listConfig!, listMailer!, send!, read!]);

  it('raises cross_server_flow and sensitive_data_exfiltration on mailer-2/send_email at high whichever call arrives first', () => {
    for (const alerts of [natural, late]) {
      for (const category of ['cross_server_flow', 'sensitive_data_exfiltration'] as const) {
        const on = alerts.filter((a) => a.category === category && a.server === 'mailer-2' && a.tool === 'send_email');
        expect(on.length, category).toBeGreaterThan(0);
        expect(on.every((a) => severityAtLeast(a.severity, 'high')), category).toBe(true);
      }
    }
  });

  it('yields the same alert ids in both orders (a replay never duplicates)', () => {
    expect(new Set(late.map((a) => a.id))).toEqual(new Set(natural.map((a) => a.id)));
    expect(late.length).toBe(natural.length);
  });

  it('names the source of the flow in both orders: the built-in detector and the correlation rule', () => {
    for (const alerts of [natural, late]) {
      const flows = alerts.filter((a) => a.category === 'cross_server_flow');
      expect(flows.map((a) => a.ruleId).sort()).toEqual(expect.arrayContaining(['palisade.cross-server-secret-flow', 'palisade.cross_server_flow']));
      for (const flow of flows) {
        expect(flow.evidence.source).toMatchObject({ server: 'config', tool: 'get_config', eventId: 'evt-get-config' });
        expect(flow.ts).toBe(send!.ts);
        expect(flow.eventIds).toEqual(expect.arrayContaining(['evt-get-config', 'evt-send-email']));
      }
    }
  });
});
