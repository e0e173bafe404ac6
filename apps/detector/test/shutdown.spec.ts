import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createStore, storeConfigFromEnv } from '@palisade/store';
import { type DetectorProcess, REPO, startDetectorProcess } from '@palisade/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { TelemetryBuilder } from './support/telemetry.builder.js';

const built = existsSync(path.join(REPO, 'apps/detector/dist/main.js'));

describe('palisade-detector serve stopped by SIGTERM', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'palisade-shutdown-'));
  let detector: DetectorProcess | undefined;

  afterAll(async () => {
    await detector?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  // Starting and stopping the built detector: seconds here, more on a loaded machine.
  it('writes what its shutdown still owes the store (the last ingest audit summary) before closing it', { timeout: 120_000 }, async () => {
    expect(built, 'apps/detector/dist is not built: run `node tools/build.mjs` first').toBe(true);
    detector = await startDetectorProcess({ home });
    const b = new TelemetryBuilder('stopping');
    const ingested = await fetch(`${detector.url}/api/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${detector.adminToken}`, 'content-type': 'application/x-ndjson' },
      body: `${JSON.stringify(b.call('lookup', { q: 'a' }))}\n{broken\n`,
    });
    expect(ingested.status).toBe(202);

    // The summary of this window is written at shutdown, not a minute from now.
    const { child } = detector.process;
    await detector.process.stop();
    expect(child.signalCode, detector.process.output).toBe('SIGTERM');
    expect(detector.process.output).not.toMatch(/lost at shutdown|connection is not open/);

    const store = await createStore(storeConfigFromEnv({ PALISADE_HOME: home }));
    try {
      const entries = (await store.audit.list({ action: 'telemetry.ingested', limit: 10 })).items;
      expect(entries.map((e) => e.details)).toEqual([expect.objectContaining({ requests: 1, failed: 0, accepted: 1, rejected: 1 })]);
    } finally {
      await store.close();
    }
  });
});
