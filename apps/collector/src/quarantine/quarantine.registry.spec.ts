import { describe, expect, it } from 'vitest';
import { QuarantineRegistry } from './quarantine.registry.js';

const ts = '2026-11-22T10:00:00.000Z';

describe(QuarantineRegistry.name, () => {
  it('rebuilds the set from a snapshot and the decisions after it, for its own server only', () => {
    const registry = new QuarantineRegistry('fs');
    registry.apply({ type: 'tool.quarantined', id: '1', server: 'fs', tool: 'old', incidentId: null, reason: 'r', ts });
    registry.apply({
      type: 'quarantine.snapshot',
      id: '2',
      ts,
      quarantined: [
        { server: 'fs', tool: 'read', incidentId: 'INC-1', reason: 'poisoning' },
        { server: 'mail', tool: 'send', incidentId: null, reason: 'exfil' },
      ],
    });
    registry.apply({ type: 'tool.quarantined', id: '3', server: 'fs', tool: 'write', incidentId: null, reason: 'drift', ts });
    registry.apply({ type: 'tool.quarantined', id: '4', server: 'mail', tool: 'read', incidentId: null, reason: 'x', ts });
    registry.apply({ type: 'tool.released', id: '5', server: 'fs', tool: 'read', incidentId: 'INC-1', reason: 'approved', ts });
    expect(registry.list().map((e) => e.tool)).toEqual(['write']);
    expect(registry.lookup('write')).toEqual({ tool: 'write', reason: 'drift', incidentId: null });
    expect(registry.active).toBe(true);
  });
});
