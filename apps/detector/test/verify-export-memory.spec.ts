import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AuditEntryInput, ExportRecord } from '@palisade/schema';
import { createStore, storeConfigFromEnv } from '@palisade/store';
import { DETECTOR_BIN, REPO } from '@palisade/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDetector, startDetector } from './support/detector.harness.js';

// These tests run built code: without it they would pass by skipping, so a missing build fails them, by name.
if (!existsSync(path.join(REPO, 'apps/detector/dist/main.js'))) throw new Error("this suite runs the detector's build (apps/detector/dist): run `npm run build` (npm ci does it) first");

/** The verifier's V8 heap: the CLI itself takes about 30 MB of it; the audit files are larger than all of it. */
const HEAP_MB = 48;
/** Audit entries of about 2.2 kB each: an audit file of about 70 MB. */
const ENTRIES = 32_000;
const NOTE = 'x'.repeat(2_000);

/** Runs `palisade-detector verify-export DIR` with a heap of HEAP_MB; resolves with its exit code and output. */
function verifyWithSmallHeap(dir: string): Promise<{ code: number | string; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [`--max-old-space-size=${HEAP_MB}`, DETECTOR_BIN, 'verify-export', dir], { timeout: 120_000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number | string }).code ?? 1) : 0, stdout, stderr: stderr.slice(-2000) });
    });
  });
}

describe(`verify-export with a ${HEAP_MB} MB heap and an audit file larger than that`, () => {
  let detector: RunningDetector;
  const scratch = mkdtempSync(path.join(tmpdir(), 'palisade-verify-memory-'));
  const bundles: { [format: string]: string } = {};

  beforeAll(async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'palisade-verify-memory-home-'));
    const store = await createStore(storeConfigFromEnv({ PALISADE_HOME: home }));
    const from = new Date(Date.now() - 60_000).toISOString();
    for (let i = 0; i < ENTRIES; i += 2_000) {
      const batch: AuditEntryInput[] = [];
      for (let n = i; n < i + 2_000; n += 1) {
        // A target with a line break and quotes: a CSV row that spans two lines.
        batch.push({ ts: new Date().toISOString(), actor: { type: 'user', id: 'ann', role: 'analyst' }, action: 'incident.update', target: `incident:"INC-${n}"\nnext line`, details: { note: `entry ${n} ${NOTE}` }, source: '127.0.0.1' });
      }
      await store.audit.append(batch);
    }
    await store.close();
    detector = await startDetector({}, { home, worker: false });
    // And a few entries after them, for bundles of those only.
    const fewFrom = new Date(Date.now() + 1).toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await detector.store.audit.append([1, 2, 3].map((n) => ({ ts: new Date().toISOString(), actor: { type: 'system', id: 'palisade' }, action: 'test.entry', target: `entry:${n}`, details: {} })));
    const to = new Date(Date.now() + 60_000).toISOString();
    for (const format of ['ndjson', 'csv']) {
      const created = await detector.api<ExportRecord>('POST', '/api/exports', { body: { from, to, format } });
      expect(created.status).toBe(201);
      bundles[format] = path.join(home, 'exports', created.body.id);
      const few = await detector.api<ExportRecord>('POST', '/api/exports', { body: { from: fewFrom, to, format } });
      expect(few.status).toBe(201);
      bundles[`few ${format}`] = path.join(home, 'exports', few.body.id);
    }
  }, 300_000);

  afterAll(async () => {
    await detector?.close();
    if (detector) rmSync(detector.home, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  /** The seq the store gave the `n`th entry appended, read from the NDJSON bundle (an entry a line). */
  function seqOfEntry(n: number): number {
    const text = readFileSync(path.join(bundles.ndjson!, 'audit.ndjson'), 'utf8');
    const at = text.indexOf(`entry ${n} x`);
    return (JSON.parse(text.slice(text.lastIndexOf('\n', at) + 1, text.indexOf('\n', at))) as { seq: number }).seq;
  }

  for (const format of ['ndjson', 'csv']) {
    describe(`a ${format} bundle`, () => {
      it('verifies: OK', { timeout: 150_000 }, async () => {
        expect(statSync(path.join(bundles[format]!, `audit.${format}`)).size).toBeGreaterThan(HEAP_MB * 1024 * 1024);
        const result = await verifyWithSmallHeap(bundles[format]!);
        expect(result, result.stderr).toMatchObject({ code: 0, stdout: 'OK\n' });
        expect(result.stderr).toMatch(/^verify-export: 5 files and audit entries 1–\d+ intact/);
      });

      it('names the one entry altered in the middle', { timeout: 150_000 }, async () => {
        const dir = path.join(scratch, format);
        cpSync(bundles[format]!, dir, { recursive: true });
        const file = path.join(dir, `audit.${format}`);
        const text = readFileSync(file, 'utf8');
        // One character of the middle entry's note, the file's length unchanged.
        const at = text.indexOf(`entry ${ENTRIES / 2} x`) + `entry ${ENTRIES / 2} `.length;
        expect(text[at]).toBe('x');
        writeFileSync(file, `${text.slice(0, at)}y${text.slice(at + 1)}`);
        const seq = seqOfEntry(ENTRIES / 2);
        expect(seq).toBeGreaterThan(1_000);

        const result = await verifyWithSmallHeap(dir);
        expect(result, result.stderr).toMatchObject({ code: 1, stdout: `FAILED: audit.${format}: audit entry ${seq} was altered (hash mismatch)\n` });
      });

      it('names an audit file grown into one endless line as unreadable, reading no more of it than one entry may hold', { timeout: 150_000 }, async () => {
        const dir = path.join(scratch, `endless-${format}`);
        cpSync(bundles[`few ${format}`]!, dir, { recursive: true });
        truncateSync(path.join(dir, `audit.${format}`), 2 ** 31 + 1); // sparse: no disk used
        const result = await verifyWithSmallHeap(dir);
        expect(result, result.stderr).toMatchObject({ code: 1, stdout: expect.stringMatching(new RegExp(`^FAILED: audit\\.${format} is unreadable: .*16777216`)) });
      });
    });
  }
});
