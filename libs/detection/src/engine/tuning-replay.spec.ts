import { describe, expect, it } from 'vitest';
import type { Alert } from '@palisade/schema';
import { events, OK } from '../../test/engine.fixture.js';
import { compileEngine } from './compile-engine.js';
import { compareTunings, tuningSuppresses } from './tuning-replay.js';

// A credential file read on one server, then its content pasted through another: cross_server_flow about paste/create.
const flow = events([
  { at: 0, server: 'fs', tool: 'read_file', arguments: { path: '/home/dev/.ssh/config' }, result: { content: [{ type: 'text', text: 'HostName build-7.internal.example\nUser deploy-automation' }] } },
  { at: 30, server: 'paste', tool: 'create', arguments: { content: 'HostName build-7.internal.example' }, result: OK },
]);
const aboutPaste = (a: Alert) => a.server === 'paste' && a.tool === 'create';

describe(compareTunings.name, () => {
  it('replays both engines from a fresh state and reports the alerts about the tool that the change removes', () => {
    const saved = compileEngine();
    const muted = compileEngine({ tunings: [{ server: 'paste', tool: 'create', mutedDetectors: ['cross_server_flow'] }] });
    const result = compareTunings(saved, muted, flow, aboutPaste);
    expect(result.current.map((a) => a.category)).toContain('cross_server_flow');
    expect(result.proposed.map((a) => a.category)).not.toContain('cross_server_flow');
    expect(result.removed.map((a) => a.category)).toEqual(['cross_server_flow']);
    expect(result.added).toEqual([]);
    // The other server's alerts are not about the tool.
    expect(result.current.every(aboutPaste)).toBe(true);
  });

  it('reports the alerts the change adds, and nothing when both tunings agree', () => {
    const muted = compileEngine({ tunings: [{ server: 'paste', tool: 'create', mutedDetectors: ['cross_server_flow'] }] });
    expect(compareTunings(muted, compileEngine(), flow, aboutPaste).added.map((a) => a.category)).toEqual(['cross_server_flow']);
    const same = compareTunings(compileEngine(), compileEngine(), flow, aboutPaste);
    expect(same.added).toEqual([]);
    expect(same.removed).toEqual([]);
  });
});

describe(tuningSuppresses.name, () => {
  const [alert] = compareTunings(compileEngine(), compileEngine(), flow, aboutPaste).current.filter((a) => a.category === 'cross_server_flow');

  it('tells whether a tuning mutes an alert already raised: a muted detector, or an unexpired exception for its category', () => {
    expect(tuningSuppresses({ server: 'paste', tool: 'create' }, alert!)).toBe(false);
    expect(tuningSuppresses({ server: 'paste', tool: 'create', mutedDetectors: ['cross_server_flow'] }, alert!)).toBe(true);
    expect(tuningSuppresses({ server: 'paste', tool: 'create', mutedDetectors: ['recipient_change'] }, alert!)).toBe(false);
    const exception = { category: 'cross_server_flow' as const, author: 'ann', expiresAt: '2027-01-01T00:00:00.000Z' };
    expect(tuningSuppresses({ server: 'paste', tool: 'create', exceptions: [exception] }, alert!)).toBe(true);
    expect(tuningSuppresses({ server: 'paste', tool: 'create', exceptions: [{ ...exception, expiresAt: '2025-01-01T00:00:00.000Z' }] }, alert!)).toBe(false);
  });
});
