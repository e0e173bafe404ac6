import { describe, expect, it } from 'vitest';
import { toolApiPath, toolHref } from './tool-links';

/** The names a route reads back from a URL once a browser or fetch has parsed it (dot segments removed). */
function readBack(href: string, root: '' | '/api'): { server: string; tool: string; rest: string; version: string | null } {
  const url = new URL(href, 'http://127.0.0.1:3000');
  const path = url.pathname.slice(root.length);
  const version = url.searchParams.get('version');
  if (path.startsWith('/tools/')) {
    const [server = '', tool = '', ...rest] = path.slice('/tools/'.length).split('/');
    return { server: decodeURIComponent(server), tool: decodeURIComponent(tool), rest: rest.join('/'), version };
  }
  expect(path).toMatch(/^\/tool(\/|$)/);
  return { server: url.searchParams.get('server') ?? '', tool: url.searchParams.get('tool') ?? '', rest: path.slice('/tool/'.length), version };
}

// What a monitored server may name its tools (and an operator a server): dots, escapes of dots, reserved characters.
const NAMES = ['.', '..', '...', '%2e', '%2E%2e', '.%2e', 'a/..', '..\\x', 'a?b#c', 'a b+c', 'send_email', 'тест', '\u202eliame_dnes'];

describe('toolHref and toolApiPath', () => {
  it('keep the path form for ordinary names', () => {
    expect(toolHref('web', 'fetch')).toBe('/tools/web/fetch');
    expect(toolHref('wiki', 'search', 'baseline')).toBe('/tools/wiki/search/baseline');
    expect(toolHref('facts', 'get_fact', undefined, { version: 'abc' })).toBe('/tools/facts/get_fact?version=abc');
    expect(toolApiPath('calc', 'add', 'approve')).toBe('/api/tools/calc/add/approve');
    expect(toolApiPath('mail', '%2e%2e', 'baseline/preview')).toBe('/api/tools/mail/%252e%252e/baseline/preview');
  });

  it('carry the version shown, its comparison and the page of its history, leaving out what is not given', () => {
    expect(toolHref('queues', 'queue_depth', undefined, { version: 'abc', compare: 'pinned', cursor: 'c2', page: '3', back: 'c1' })).toBe('/tools/queues/queue_depth?version=abc&compare=pinned&cursor=c2&page=3&back=c1');
    expect(toolHref('queues', 'queue_depth', undefined, { version: 'abc', compare: undefined, cursor: undefined })).toBe('/tools/queues/queue_depth?version=abc');
    expect(toolHref('queues', '..', undefined, { cursor: 'c1', page: '2' })).toBe('/tool?server=queues&tool=..&cursor=c1&page=2');
    expect(toolApiPath('queues', 'queue_depth', 'versions')).toBe('/api/tools/queues/queue_depth/versions');
    expect(toolApiPath('queues', '.', 'versions')).toBe('/api/tool/versions?server=queues&tool=.');
  });

  it('name a tool called `.` or `..` (or on a server so named) in the query, which no URL parser rewrites', () => {
    expect(toolHref('dots', '..')).toBe('/tool?server=dots&tool=..');
    expect(toolHref('..', 'send_email', 'baseline')).toBe('/tool/baseline?server=..&tool=send_email');
    expect(toolApiPath('dots', '.', 'quarantine')).toBe('/api/tool/quarantine?server=dots&tool=.');
  });

  it('reach every name, with its view, its action and its version, once a URL parser has read the link', () => {
    for (const server of ['dots', '.', '..']) {
      for (const tool of NAMES) {
        expect(readBack(toolHref(server, tool), '')).toEqual({ server, tool, rest: '', version: null });
        expect(readBack(toolHref(server, tool, 'baseline'), '')).toEqual({ server, tool, rest: 'baseline', version: null });
        expect(readBack(toolHref(server, tool, undefined, { version: 'f'.repeat(64) }), '')).toEqual({ server, tool, rest: '', version: 'f'.repeat(64) });
        for (const action of ['quarantine', 'release', 'approve', 'baseline', 'baseline/preview'] as const) {
          expect(readBack(toolApiPath(server, tool, action), '/api')).toEqual({ server, tool, rest: action, version: null });
        }
        expect(readBack(toolApiPath(server, tool), '/api')).toEqual({ server, tool, rest: '', version: null });
      }
    }
  });
});
