import { describe, expect, it } from 'vitest';
import { incidentSummary } from '../scenarios/scenarios.mjs';

describe(incidentSummary.name, () => {
  it('prints incident titles escaped, so a tool name cannot rewrite the operator’s terminal', () => {
    // Back to the line start, erase it and the one above, a reassuring green line, the rest hidden.
    const title = 'Tool description carries hidden instructions: x\r\u001b[2K\u001b[1A\u001b[2K\u001b[32m  all incidents resolved\u001b[8m';
    const lines = incidentSummary({ items: [{ severity: 'critical', title }, { severity: 'low', title: 'New egress domain for fetch: example.org' }], total: 2 }, { contained: 1 });
    expect(lines).toEqual([
      '\n2 incidents (1 critical, 0 high, 0 medium, 1 low); 1 contained by automatic quarantine',
      '  critical Tool description carries hidden instructions: x\\r\\u001b[2K\\u001b[1A\\u001b[2K\\u001b[32m  all incidents resolved\\u001b[8m',
      '  low      New egress domain for fetch: example.org',
    ]);
  });
});
