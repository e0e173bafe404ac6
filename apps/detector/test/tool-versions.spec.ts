import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Alert, type Page, type ToolDetail, ToolPin, ToolVersion, type ToolVersionView } from '@palisade/schema';
import { MaintenanceScheduler } from '../src/schedulers/maintenance.scheduler.js';
import { type RunningDetector, startDetector } from './support/detector.harness.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The hash of test version `i` (any 64 hex digits will do). */
const hashOf = (i: number): string => i.toString(16).padStart(64, '0');

/** Version `i` of a tool whose description carries the minute it was listed, as a volatile one does. */
function minuteVersion(server: string, tool: string, startMs: number, i: number, lastSeenMs = startMs + i * MINUTE): ToolVersion {
  const firstSeen = new Date(startMs + i * MINUTE).toISOString();
  return ToolVersion.parse({
    server,
    tool,
    hash: hashOf(i),
    definition: { name: tool, description: `Returns the queue depth. Data as of ${firstSeen.slice(0, 16)}.`, inputSchema: { type: 'object', properties: { queue: { type: 'string' } } } },
    firstSeen,
    lastSeen: new Date(lastSeenMs).toISOString(),
    eventId: `evt_list_${tool}_${i}`,
  });
}

function pinOf(server: string, tool: string, startMs: number, count: number, pinned: number, current: number): ToolPin {
  return ToolPin.parse({
    server,
    tool,
    pinnedHash: hashOf(pinned),
    currentHash: hashOf(current),
    firstSeen: new Date(startMs).toISOString(),
    lastSeen: new Date(startMs + (count - 1) * MINUTE).toISOString(),
    approvedAt: null,
    approvedBy: null,
    versions: count,
    calls: 0,
    quarantine: null,
  });
}

describe('a tool definition history of thousands of versions', () => {
  let detector: RunningDetector;
  const COUNT = 3000;
  const startMs = Date.now() - 3 * DAY;

  beforeAll(async () => {
    detector = await startDetector({ PALISADE_AUTO_QUARANTINE: 'off', PALISADE_RETENTION_VERSIONS_DAYS: '1' });
    // A description stamped to the minute: one version a minute for two days and more.
    await detector.store.writeBatch({
      toolVersions: Array.from({ length: COUNT }, (_, i) => minuteVersion('metrics', 'queue_depth', startMs, i)),
      toolPins: [pinOf('metrics', 'queue_depth', startMs, COUNT, 0, COUNT - 1)],
    });
  });

  afterAll(async () => {
    await detector?.close();
  });

  /** The raw answer, to see how large it is. */
  async function raw(route: string): Promise<{ status: number; text: string }> {
    const response = await fetch(`${detector.url}${route}`, { headers: { authorization: `Bearer ${detector.adminToken}` } });
    return { status: response.status, text: await response.text() };
  }

  it('answers the tool page with the latest 50 versions, the total and a cursor, not all 3,000', async () => {
    const answer = await raw('/api/tools/metrics/queue_depth');
    expect(answer.status).toBe(200);
    const detail = JSON.parse(answer.text) as ToolDetail;
    expect(detail.versions).toHaveLength(50);
    expect(detail.versionsTotal).toBe(COUNT);
    expect(detail.versionsNextCursor).toEqual(expect.any(String));
    expect(detail.versions[0]!.hash).toBe(hashOf(COUNT - 1));
    expect(detail.versions[49]!.hash).toBe(hashOf(COUNT - 50));
    // Every version shown has its diff from its predecessor, the oldest shown too (its predecessor is on the next page).
    expect(detail.versions.every((version) => version.diff?.includes('Data as of'))).toBe(true);
    // The pinned (first seen) definition comes along, and each version's diff from it.
    expect(detail.pinned?.hash).toBe(hashOf(0));
    expect(detail.versions[0]!.pinnedDiff).toContain(`--- queue_depth (pinned)`);
    expect(detail.versions[0]!.pinnedDiff).toContain(`-  Data as of ${new Date(startMs).toISOString().slice(0, 16)}.`);
    expect(detail.pinnedDiff).toBe(detail.versions[0]!.pinnedDiff?.replace(`(first seen ${detail.versions[0]!.firstSeen})`, '(current)'));
    // Bounded by the page, not by the history: well under what 3,000 versions with their diffs take (several MB).
    expect(answer.text.length).toBeLessThan(250_000);
  });

  it('pages the whole history newest first with limit and cursor, down to the first seen version', async () => {
    const seen: ToolVersionView[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await detector.api<Page<ToolVersionView>>('GET', `/api/tools/metrics/queue_depth/versions?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      expect(page.body.total).toBe(COUNT);
      expect(page.body.items.length).toBeLessThanOrEqual(500);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 20);
    expect(pages).toBe(6);
    expect(seen.map((version) => version.hash)).toEqual(Array.from({ length: COUNT }, (_, i) => hashOf(COUNT - 1 - i)));
    // Only the first seen version has no predecessor; the pinned one has no diff from itself.
    expect(seen.filter((version) => version.diff === null).map((version) => version.hash)).toEqual([hashOf(0)]);
    expect(seen.filter((version) => version.pinnedDiff === null).map((version) => version.hash)).toEqual([hashOf(0)]);
    // Default page of 50; the query form reaches the same list.
    expect((await detector.api<Page<ToolVersionView>>('GET', '/api/tools/metrics/queue_depth/versions')).body.items).toHaveLength(50);
    const queryForm = await detector.api<Page<ToolVersionView>>('GET', '/api/tool/versions?server=metrics&tool=queue_depth&limit=2');
    expect(queryForm.body.items.map((version) => version.hash)).toEqual([hashOf(COUNT - 1), hashOf(COUNT - 2)]);
  });

  it('refuses a page size outside 1..500 or not in decimal digits, a foreign cursor, an unknown key, and an unknown tool', async () => {
    for (const query of ['limit=501', 'limit=0', 'limit=1e2', 'limit=0x10', 'limit=-1', 'cursor=not-a-cursor', 'sort=oldest']) {
      const answer = await detector.api<{ error: { message: string } }>('GET', `/api/tools/metrics/queue_depth/versions?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.message, query).not.toContain('\n');
    }
    expect((await detector.api('GET', '/api/tool/versions?server=metrics&tool=queue_depth&junk=1')).status).toBe(400);
    expect((await detector.api('GET', '/api/tool?server=metrics&tool=queue_depth&limit=2')).status).toBe(400);
    expect((await detector.api('GET', '/api/tools/metrics/nope/versions')).status).toBe(404);
  });

  it('prunes versions older than the retention in the hourly run, keeping the first, the latest, the pinned, the current and those alerts name', async () => {
    const start = Date.now() - 10 * DAY;
    // Ten versions a day apart, all last seen long ago but the latest.
    const versions = Array.from({ length: 10 }, (_, i) => minuteVersion('billing', 'invoice_total', start, i * 1440, i === 9 ? Date.now() : start + i * DAY));
    const hash = (i: number): string => versions[i]!.hash;
    // Version 3 was approved (pinned); version 6 is what the server lists now (current).
    const pin = ToolPin.parse({ ...pinOf('billing', 'invoice_total', start, 10, 0, 0), pinnedHash: hash(3), currentHash: hash(6) });
    // A drift alert names version 4 by hash; a poisoning alert cites the tools/list event of version 5.
    const alert = (id: string, category: 'description_drift' | 'tool_poisoning', details: Record<string, unknown>, eventIds: string[]): Alert =>
      Alert.parse({ id, ts: new Date().toISOString(), category, severity: 'high', title: 'definition', server: 'billing', tool: 'invoice_total', sessionId: 's', ruleId: category, evidence: { summary: 'x', details }, eventIds, incidentId: null });
    await detector.store.writeBatch({
      toolVersions: versions,
      toolPins: [pin],
      alerts: [alert('alr_drift_billing', 'description_drift', { pinnedHash: hash(3), previousHash: hash(4), currentHash: hash(9) }, ['evt_drift_call']), alert('alr_poison_billing', 'tool_poisoning', {}, [versions[5]!.eventId]), ],
    });

    const removed = await detector.app.get(MaintenanceScheduler).retention();
    const left = (await detector.api<Page<ToolVersionView>>('GET', '/api/tools/billing/invoice_total/versions')).body;
    expect(left.items.map((version) => version.hash)).toEqual([hash(9), hash(6), hash(5), hash(4), hash(3), hash(0)]);
    expect(left.total).toBe(6);
    // The 3,000 minute versions of the other tool are older than a day but for the last 1,440 or so: pruned alike.
    const metrics = (await detector.api<Page<ToolVersionView>>('GET', '/api/tools/metrics/queue_depth/versions?limit=1')).body.total;
    expect(metrics).toBeLessThan(COUNT - 1000);
    expect(removed.versions).toBe(4 + (COUNT - metrics));
    // The first seen version of the minute tool stays reachable, with the diff of the next one against it.
    const last = (await detector.api<{ versions: ToolVersionView[]; pinned: ToolVersion | null }>('GET', '/api/tools/metrics/queue_depth')).body;
    expect(last.pinned?.hash).toBe(hashOf(0));
    const audit = (await detector.api<Page<{ details: Record<string, unknown> }>>('GET', '/api/audit?action=retention.run')).body.items;
    expect(audit[0]!.details).toMatchObject({ versions: removed.versions, versionsDays: 1 });
  });
});
