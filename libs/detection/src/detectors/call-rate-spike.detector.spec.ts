import { describe, expect, it } from 'vitest';
import { alertsOf, OK } from '../../test/engine.fixture.js';
import { countCall } from './call-rate-spike.detector.js';

const call = (extra: Record<string, unknown>) => ({ tool: 'list_items', arguments: { page: '1' }, result: OK, ...extra });

describe(countCall.name, () => {
  it('raises once per minute when calls far exceed the tool’s baseline', () => {
    const alerts = alertsOf('call_rate_spike', [call({ repeat: 25, every: 60 }), call({ at: 1620, repeat: 80, every: 0.5 })]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.evidence.baseline).toMatchObject({ metric: 'tool calls per minute', expected: 1 });
  });

  it('stays quiet on a first burst of use that crosses a minute boundary (too little history to judge)', () => {
    // A new tool's first 23 calls, half a second apart from 0:58.5: 3 fall in the first minute, 20 in the
    // next, and the baseline is armed at the 20th call. One earlier minute of 3 calls is no baseline.
    const fewMinutes = [call({ at: 58.5, repeat: 23, every: 0.5 })];
    expect(alertsOf('call_rate_spike', fewMinutes)).toEqual([]);
  });

  it('stays quiet on steady traffic and on gradual growth', () => {
    expect(alertsOf('call_rate_spike', [call({ repeat: 150, every: 12 })])).toEqual([]);
    const growing = Array.from({ length: 20 }, (_, minute) => call({ at: minute * 60, repeat: 5 + minute, every: 60 / (6 + minute) }));
    expect(alertsOf('call_rate_spike', growing)).toEqual([]);
  });
});
