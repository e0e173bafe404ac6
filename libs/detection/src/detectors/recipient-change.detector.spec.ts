import { describe, expect, it } from 'vitest';
import { alertsOf, OK } from '../../test/engine.fixture.js';
import { detectRecipientChange } from './recipient-change.detector.js';

const warm = (to: string, n = 20) => ({ tool: 'send_email', arguments: { to, body: 'hi' }, result: OK, repeat: n, every: 30 });
const send = (args: Record<string, unknown>) => ({ tool: 'send_email', arguments: { body: 'hi', ...args }, result: OK });

describe(detectRecipientChange.name, () => {
  it('raises medium for a new domain and at most low for a new address at a known domain', () => {
    expect(alertsOf('recipient_change', [warm('alice@corp.example'), send({ to: 'drop@evil.example' })]).map((a) => a.severity)).toEqual(['medium']);
    expect(alertsOf('recipient_change', [warm('alice@corp.example'), send({ to: 'bob@corp.example' })]).map((a) => a.severity)).toEqual(['low']);
  });

  it('reads cc, bcc, phone numbers and channels, and names the baseline in the evidence', () => {
    const [alert] = alertsOf('recipient_change', [warm('alice@corp.example'), send({ to: 'alice@corp.example', bcc: 'Audit <audit@exfil.example>' })]);
    expect(alert?.evidence.matches[0]).toMatchObject({ field: 'arguments.bcc', text: 'audit@exfil.example' });
    expect(alert?.evidence.baseline?.expected).toEqual(['to:alice@corp.example']);
    expect(alertsOf('recipient_change', [{ tool: 'sms', arguments: { phone: '+1 555 0100' }, result: OK, repeat: 20 }, { tool: 'sms', arguments: { phone: '+44 20 7946 0000' }, result: OK }])).toHaveLength(1);
  });

  it('learns quietly during the warm-up (20 calls by default, tunable)', () => {
    expect(alertsOf('recipient_change', [warm('alice@corp.example', 19), send({ to: 'eve@other.example' })])).toEqual([]);
    const tuned = alertsOf('recipient_change', [warm('alice@corp.example', 5), send({ to: 'eve@other.example' })], { tunings: [{ server: 'example-server', tool: 'send_email', warmup: 5 }] });
    expect(tuned).toHaveLength(1);
  });

  it('never raises for allow-listed recipients and domains', () => {
    const tunings = [{ server: 'example-server', tool: 'send_email', allowRecipients: ['boss@partner.example'], allowDomains: ['vendor.example'] }];
    expect(alertsOf('recipient_change', [warm('alice@corp.example'), send({ to: 'boss@partner.example' }), send({ to: 'x@mail.vendor.example' })], { tunings })).toEqual([]);
  });

  it('takes allow-list entries as an engineer writes them: a formatted phone number, a display name, a webhook URL, a URL or a wildcard for a domain', () => {
    const tunings = [{
      server: 'example-server',
      tool: 'send_email',
      allowRecipients: ['+1 (555) 010-0199', 'Boss <Boss@Partner.example>', 'https://hooks.chat.example/services/T0/B0'],
      allowDomains: ['https://Vendor.example/', '*.other.example', '@third.example'],
    }];
    const sent = [
      warm('alice@corp.example'),
      send({ phone: '+15550100199' }),
      send({ to: 'boss@partner.example' }),
      send({ webhook: 'https://hooks.chat.example/services/T0/B0' }),
      send({ to: 'x@vendor.example' }),
      send({ to: 'y@mail.other.example' }),
      send({ to: 'z@third.example' }),
      send({ to: 'eve@evil.example' }),
    ];
    expect(alertsOf('recipient_change', sent, { tunings }).flatMap((a) => a.evidence.matches.map((m) => m.text))).toEqual(['eve@evil.example']);
  });

  it('covers an address or a webhook at an allow-listed sub-domain, and only that sub-domain', () => {
    const tunings = [{ server: 'example-server', tool: 'send_email', allowDomains: ['eu.partner.example'] }];
    const sent = [warm('alice@corp.example'), send({ to: 'x@eu.partner.example' }), send({ webhook: 'https://eu.partner.example/hook' }), send({ to: 'y@us.partner.example' })];
    expect(alertsOf('recipient_change', sent, { tunings }).flatMap((a) => a.evidence.matches.map((m) => m.text))).toEqual(['y@us.partner.example']);
  });

  it('raises once per new value', () => {
    expect(alertsOf('recipient_change', [warm('alice@corp.example'), send({ to: 'drop@evil.example' }), send({ to: 'drop@evil.example' })])).toHaveLength(1);
  });
});
