import { describe, expect, it } from 'vitest';
import { isSameOrigin, safeReturnPath, signInPath } from './same-origin';

const url = 'http://127.0.0.1:3000/auth/login';
const headers = (h: Record<string, string>) => new Headers({ host: '127.0.0.1:3000', ...h });

describe('isSameOrigin', () => {
  it('accepts same-origin browser requests and requests that no page made', () => {
    expect(isSameOrigin(headers({ origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-origin' }), url)).toBe(true);
    expect(isSameOrigin(headers({ 'sec-fetch-site': 'none' }), url)).toBe(true);
    expect(isSameOrigin(headers({}), url)).toBe(true);
  });

  it('refuses cross-site requests and foreign or opaque origins', () => {
    expect(isSameOrigin(headers({ origin: 'https://evil.example' }), url)).toBe(false);
    expect(isSameOrigin(headers({ origin: 'null' }), url)).toBe(false);
    expect(isSameOrigin(headers({ 'sec-fetch-site': 'cross-site' }), url)).toBe(false);
    expect(isSameOrigin(headers({ 'sec-fetch-site': 'same-site', origin: 'http://127.0.0.1:3000' }), url)).toBe(false);
  });
});

describe('safeReturnPath', () => {
  it('keeps local paths and refuses other sites', () => {
    expect(safeReturnPath('/incidents/inc_1')).toBe('/incidents/inc_1');
    expect(safeReturnPath('//evil.example/x')).toBe('/incidents');
    expect(safeReturnPath('https://evil.example')).toBe('/incidents');
    expect(safeReturnPath('/\\evil.example')).toBe('/incidents');
    expect(safeReturnPath('/\t/evil.example')).toBe('/incidents');
    expect(safeReturnPath('/\n/evil.example')).toBe('/incidents');
    expect(safeReturnPath('/ /evil.example')).toBe('/incidents');
    expect(safeReturnPath('/incidents?q=a%20b')).toBe('/incidents?q=a%20b');
    expect(safeReturnPath('/login')).toBe('/incidents');
    expect(safeReturnPath(null)).toBe('/incidents');
  });
});

describe('signInPath', () => {
  it('says why and keeps the page to come back to, with the checks of safeReturnPath', () => {
    expect(signInPath('expired', '/incidents/inc_1?tab=alerts')).toBe(`/login?error=expired&next=${encodeURIComponent('/incidents/inc_1?tab=alerts')}`);
    expect(signInPath(undefined, '/tools/math/add')).toBe('/login?next=%2Ftools%2Fmath%2Fadd');
    for (const page of ['//evil.example/x', '/\\evil.example', '/\t/evil.example', 'https://evil.example', '/login?next=/x', null, undefined]) {
      expect(signInPath('expired', page)).toBe('/login?error=expired');
    }
    expect(signInPath(undefined, null)).toBe('/login');
  });
});
