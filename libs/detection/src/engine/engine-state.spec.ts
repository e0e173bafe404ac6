import { describe, expect, it } from 'vitest';
import { def, events, OK, S } from '../../test/engine.fixture.js';
import { compileEngine } from './compile-engine.js';
import { changedEntries, createState, exportState, importState } from './engine-state.js';
import { evaluate, evaluateBatch } from './evaluate.js';
import { baselineSummary } from './tool-pins.js';

const warmup = events([
  { server: 'mail', tools: [def('send_email', 'Sends mail.', { to: S })] },
  { server: 'mail', tool: 'send_email', arguments: { to: 'alice@corp.example' }, result: OK, repeat: 20, every: 30 },
]);
const later = events([{ server: 'mail', at: 1000, tool: 'send_email', arguments: { to: 'eve@evil.example' }, result: OK }], 'later');

describe('engine state', () => {
  it('restores from exported entries and then behaves exactly as the original', () => {
    const engine = compileEngine();
    const original = createState();
    evaluateBatch(engine, warmup, original);
    const restored = importState(JSON.parse(JSON.stringify(exportState(original))));
    const a = evaluateBatch(engine, later, original).alerts;
    const b = evaluateBatch(engine, later, restored).alerts;
    expect(b).toEqual(a);
    expect(a.map((x) => x.category)).toEqual(['recipient_change']);
  });

  it('reports only what changed since the last call, so the detector persists per batch', () => {
    const engine = compileEngine();
    const state = createState();
    evaluateBatch(engine, warmup, state);
    const first = changedEntries(state);
    expect(first.entries.map((e) => e.key).sort()).toEqual(['base:mail:send_email', 'meta', 'pin:mail:send_email', 'sess:example-session']);
    expect(changedEntries(state)).toEqual({ entries: [], deleted: [] });
    evaluate(engine, later[0]!, state);
    expect(changedEntries(state).entries.map((e) => e.key).sort()).toEqual(['base:mail:send_email', 'meta', 'sess:example-session']);
  });

  it('evicts idle sessions by event time and reports their deletion', () => {
    const engine = compileEngine({ options: { sessionIdleMs: 600_000 } });
    const state = createState();
    const [first, second] = events([{ session: 'a', tool: 't', arguments: {}, result: OK }, { session: 'b', at: 3600, tool: 't', arguments: {}, result: OK }]);
    evaluate(engine, first!, state);
    expect(changedEntries(state).entries.map((e) => e.key)).toContain('sess:a');
    evaluate(engine, second!, state);
    expect(changedEntries(state).deleted).toEqual(['sess:a']);
    expect([...state.keysWithPrefix('sess:')]).toEqual(['sess:b']);
  });

  it('grows with tools, not with events', () => {
    const engine = compileEngine();
    const sizeAfter = (calls: number): number => {
      const state = createState();
      const stream = events([
        { server: 's', tools: [def('t', 'Tool.', { q: S })] },
        ...Array.from({ length: calls }, (_, i) => ({ server: 's', session: `sess-${i % 5}`, tool: 't', arguments: { q: `query ${i}`, url: `https://site${i % 7}.example.com/` }, result: { content: [{ type: 'text', text: 'r'.repeat(100 + (i % 50)) }] }, at: i * 5 })),
      ]);
      evaluateBatch(engine, stream, state);
      return JSON.stringify(exportState(state)).length;
    };
    const small = sizeAfter(500);
    const large = sizeAfter(5000);
    expect(large).toBeLessThan(small * 1.5);
  });

  it('summarises a tool’s baseline for the API', () => {
    const state = createState();
    evaluateBatch(compileEngine(), warmup, state);
    expect(baselineSummary(state, 'mail', 'send_email')).toMatchObject({ observations: 20, learning: false, recipients: [{ value: 'to:alice@corp.example', count: 20 }], domains: [{ value: 'corp.example', count: 20 }] });
    expect(baselineSummary(state, 'mail', 'unknown')).toEqual({ observations: 0, learning: true, recipients: [], domains: [] });
  });
});
