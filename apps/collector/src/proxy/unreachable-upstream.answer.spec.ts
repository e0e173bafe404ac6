import { describe, expect, it } from 'vitest';
import { unreachableUpstreamAnswer } from './unreachable-upstream.answer.js';

const error = (id: string | number | null) => ({ jsonrpc: '2.0', id, error: { code: -32000, message: 'Palisade collector: the MCP server is unreachable (ECONNREFUSED)' } });

describe(unreachableUpstreamAnswer.name, () => {
  it('answers a single request with one error carrying its id', () => {
    const answer = unreachableUpstreamAnswer({ batch: false, ids: ['a-1'] }, 'ECONNREFUSED');
    expect(answer).toMatchObject({ status: 502, contentType: 'application/json' });
    expect(JSON.parse(answer.body)).toEqual(error('a-1'));
  });

  it('answers a batch with an array, one error per request, then the calls the collector blocked', () => {
    const blocked = { jsonrpc: '2.0', id: 3, error: { code: -32003, message: 'Tool "x" is quarantined' } };
    expect(JSON.parse(unreachableUpstreamAnswer({ batch: true, ids: [1] }, 'ECONNREFUSED').body)).toEqual([error(1)]);
    expect(JSON.parse(unreachableUpstreamAnswer({ batch: true, ids: [1, 'two'] }, 'ECONNREFUSED', [blocked]).body)).toEqual([error(1), error('two'), blocked]);
    expect(JSON.parse(unreachableUpstreamAnswer({ batch: true, ids: [] }, 'ECONNREFUSED', [blocked]).body)).toEqual([blocked]);
  });

  it('answers notifications and responses with no JSON-RPC message, only an error status and a reason', () => {
    expect(unreachableUpstreamAnswer({ batch: true, ids: [] }, 'ECONNRESET')).toEqual({ status: 502, contentType: 'text/plain; charset=utf-8', body: 'Palisade collector: the MCP server is unreachable (ECONNRESET)' });
  });

  it('answers a body whose requests are not known with one error of id null', () => {
    expect(JSON.parse(unreachableUpstreamAnswer(null, 'ECONNREFUSED').body)).toEqual(error(null));
  });
});
