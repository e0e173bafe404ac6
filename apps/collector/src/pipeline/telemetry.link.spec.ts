import { describe, expect, it } from 'vitest';
import { TelemetryLink } from './telemetry.link.js';

const STAND_IN = new URL('../../test/fixtures/telemetry-worker.stand-in.mjs', import.meta.url);
const WARMUP_MS = 2000;

/** A link to the stand-in worker; `flags` tell it how long it takes to open its source and to answer. */
async function linked(flags: Record<string, string | boolean>): Promise<TelemetryLink> {
  const link = new TelemetryLink({ mode: 'stdio', flags: { server: 'everything', ...flags }, env: {}, command: ['server'], cwd: '/' }, { ringBytes: 64 * 1024, quarantineWarmupMs: WARMUP_MS, worker: STAND_IN }, () => undefined);
  await link.configured;
  return link;
}

describe(TelemetryLink.name, () => {
  it('bounds the wait for the quarantine state from when the worker has opened its source, not from `ready`', async () => {
    // Opening the spool and the bus takes longer than the bound itself (a loaded machine): the state read
    // right after still comes first, and the quarantined tool is known before anything goes through.
    const link = await linked({ 'open-ms': String(WARMUP_MS * 1.5), 'answer-ms': '100' });
    try {
      await link.registry.whenReady();
      expect(link.registry.list()).toEqual([{ tool: 'echo', reason: 'poisoned description', incidentId: 'INC-1' }]);
    } finally {
      await link.shutdown('test', 5000);
    }
  });

  it('lets listings and calls go on unchecked once the bound has passed with no answer from the source', async () => {
    const link = await linked({ 'open-ms': '0', 'answer-ms': 'never' });
    try {
      await link.registry.whenReady();
      expect(link.registry.list()).toEqual([]);
    } finally {
      await link.shutdown('test', 5000);
    }
  });

  it('does not hold listings and calls when the worker dies before its source is open', async () => {
    const link = await linked({ die: true });
    await link.registry.whenReady();
    expect(link.registry.list()).toEqual([]);
  });
});
