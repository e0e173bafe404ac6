import { describe, expect, it } from 'vitest';
import { def, Harness, OK, S } from '../../test/engine.fixture.js';
import { approveTool, toolPin, toolPins } from './tool-pins.js';

const SERVER = 'example-server';
const readFile = def('read_file', 'Reads a file.', { path: S });
const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000).toISOString();

describe(toolPins.name, () => {
  it('shows a tool seen only in calls, without hashes or versions, from its first to its last call', () => {
    const h = new Harness();
    h.run([{ tool: 'exec', arguments: { command: 'ls' }, result: OK, at: 10 }, { tool: 'exec', arguments: { command: 'pwd' }, result: OK, at: 70 }]);
    expect(toolPin(h.state, SERVER, 'exec')).toEqual({
      server: SERVER,
      tool: 'exec',
      pinnedHash: null,
      currentHash: null,
      firstSeen: at(10),
      lastSeen: at(70),
      approvedAt: null,
      approvedBy: null,
      versions: 0,
      calls: 2,
      quarantine: null,
    });
    expect(toolPins(h.state).map((p) => p.tool)).toEqual(['exec']);
    expect(approveTool(h.state, SERVER, 'exec', at(80))).toBeNull(); // nothing listed: nothing to approve
  });

  it('spans listing and calls: a tool called before it is listed was first seen at the call, last seen at the latest of both', () => {
    const h = new Harness();
    h.run([{ tool: 'read_file', arguments: { path: 'a.txt' }, result: OK, at: 5 }, { tools: [readFile], at: 20 }, { tool: 'read_file', arguments: { path: 'b.txt' }, result: OK, at: 90 }]);
    const pin = toolPin(h.state, SERVER, 'read_file');
    expect(pin).toMatchObject({ firstSeen: at(5), lastSeen: at(90), versions: 1, calls: 2 });
    expect(pin?.pinnedHash).toMatch(/^[0-9a-f]{64}$/);
    expect(toolPins(h.state)).toHaveLength(1); // listed and called: one entry, not two
  });

  it('knows nothing of a tool neither listed nor called, and leaves out a call-only baseline saved before call times were kept', () => {
    const h = new Harness();
    expect(toolPin(h.state, SERVER, 'nothing')).toBeNull();
    h.state.set(`base:${SERVER}:legacy`, { server: SERVER, tool: 'legacy', observations: 3, sizes: [], sizeStats: null, rate: { minute: 0, count: 0, alerted: false, history: [] }, recipients: {}, domains: {}, domainCalls: 0 });
    expect(toolPins(h.state)).toEqual([]);
  });
});
