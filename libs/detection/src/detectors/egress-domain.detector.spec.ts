import { describe, expect, it } from 'vitest';
import { alertsOf, OK } from '../../test/engine.fixture.js';
import { detectNewEgressDomain } from './egress-domain.detector.js';

const fetch = (url: string, extra: Record<string, unknown> = {}) => ({ tool: 'fetch', arguments: { url }, result: OK, ...extra });

describe(detectNewEgressDomain.name, () => {
  it('raises medium for a domain never seen after the warm-up', () => {
    const [alert] = alertsOf('new_egress_domain', [fetch('https://api.example.com/v1', { repeat: 20 }), fetch('https://exfil.example.net/c')]);
    expect(alert).toMatchObject({ severity: 'medium', tool: 'fetch' });
    expect(alert?.evidence.baseline?.expected).toEqual(['example.com']);
  });

  it('treats subdomains of known domains as known, and skips localhost and prose', () => {
    expect(alertsOf('new_egress_domain', [fetch('https://api.example.com/v1', { repeat: 20 }), fetch('https://docs.example.com/x'), fetch('http://localhost:8080/x')])).toEqual([]);
    expect(alertsOf('new_egress_domain', [{ tool: 'note', arguments: { body: 'see https://a.example.org' }, result: OK, repeat: 21 }, { tool: 'note', arguments: { body: 'see https://b.example.io' }, result: OK }])).toEqual([]);
  });

  it('takes an internationalised domain and its ASCII (punycode) spelling for one domain, on the allow-list too', () => {
    expect(alertsOf('new_egress_domain', [fetch('https://bücher.example/a', { repeat: 20 }), fetch('https://xn--bcher-kva.example/b'), fetch('https://BÜCHER.example/c')])).toEqual([]);
    const base = [fetch('https://api.example.com/v1', { repeat: 20 }), fetch('https://shop.bücher.example/x')];
    expect(alertsOf('new_egress_domain', base, { tunings: [{ server: 'example-server', tool: 'fetch', allowDomains: ['xn--bcher-kva.example'] }] })).toEqual([]);
    expect(alertsOf('new_egress_domain', base, { tunings: [{ server: 'example-server', tool: 'fetch', allowDomains: ['Bücher.example'] }] })).toEqual([]);
  });

  it('rates new domains low for tools that visit new domains on most calls', () => {
    const browsing = Array.from({ length: 24 }, (_, i) => fetch(`https://site${i}.example${i}.org/`, { at: i * 10 }));
    const alerts = alertsOf('new_egress_domain', browsing);
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts.every((a) => a.severity === 'low')).toBe(true);
  });

  it('honours muted detectors and expiring exceptions', () => {
    const base = [fetch('https://api.example.com/v1', { repeat: 20 }), fetch('https://exfil.example.net/c')];
    expect(alertsOf('new_egress_domain', base, { tunings: [{ server: 'example-server', tool: 'fetch', mutedDetectors: ['new_egress_domain'] }] })).toEqual([]);
    const live = [{ category: 'new_egress_domain' as const, value: 'example.net', expiresAt: '2027-01-01T00:00:00.000Z', author: 'ana' }];
    expect(alertsOf('new_egress_domain', base, { tunings: [{ server: 'example-server', tool: 'fetch', exceptions: live }] })).toEqual([]);
    const expired = [{ ...live[0]!, expiresAt: '2025-01-01T00:00:00.000Z' }];
    expect(alertsOf('new_egress_domain', base, { tunings: [{ server: 'example-server', tool: 'fetch', exceptions: expired }] })).toHaveLength(1);
  });
});
