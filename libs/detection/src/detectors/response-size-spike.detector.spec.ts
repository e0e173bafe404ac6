import { describe, expect, it } from 'vitest';
import { alertsOf } from '../../test/engine.fixture.js';
import { detectResponseSizeSpike } from './response-size-spike.detector.js';

const sized = (bytes: number, extra: Record<string, unknown> = {}) => ({ tool: 'get_record', arguments: { id: '1' }, result: { content: [{ type: 'text', text: 'x'.repeat(bytes) }] }, ...extra });

describe(detectResponseSizeSpike.name, () => {
  it('raises high for a result orders of magnitude above the median, with the figures', () => {
    const [alert] = alertsOf('response_size_spike', [sized(300, { repeat: 20 }), sized(300_000)]);
    expect(alert?.severity).toBe('high');
    expect(alert?.evidence.baseline).toMatchObject({ metric: 'response bytes (log2)', samples: 20, threshold: 3.5 });
    expect(Number(alert?.evidence.baseline?.score)).toBeGreaterThan(5);
  });

  it('uses the collector’s captured size when present', () => {
    const capture = (bytes: number) => ({ 'palisade.capture.response': { bytes, sha256: 'b'.repeat(64), truncated: bytes > 65536 } });
    expect(alertsOf('response_size_spike', [sized(10, { repeat: 20, ...capture(2000) }), sized(10, capture(5_000_000))])).toHaveLength(1);
  });

  it('stays quiet on natural variation, during warm-up, and when sensitivity is lowered', () => {
    const varied = Array.from({ length: 30 }, (_, i) => sized(100 + ((i * 397) % 3000), { at: i * 30 }));
    expect(alertsOf('response_size_spike', [...varied, sized(3500, { at: 2000 })])).toEqual([]);
    expect(alertsOf('response_size_spike', [sized(300, { repeat: 10 }), sized(300_000)])).toEqual([]);
  });

  it('applies the tool’s sensitivity multiplier to the thresholds', () => {
    const varied = Array.from({ length: 30 }, (_, i) => sized(100 + ((i * 397) % 3000), { at: i * 30 }));
    const spike = sized(200_000, { at: 2000 });
    expect(alertsOf('response_size_spike', [...varied, spike])).toHaveLength(1);
    expect(alertsOf('response_size_spike', [...varied, spike], { tunings: [{ server: 'example-server', tool: 'get_record', sensitivity: 4 }] })).toEqual([]);
  });
});
