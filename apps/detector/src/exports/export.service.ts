import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import path from 'node:path';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import {
  AUDIT_GENESIS_HASH,
  type Alert,
  type AuditActor,
  type AuditEntry,
  type ExportFormat,
  type ExportManifest,
  type ExportQuery,
  type ExportRecord,
  type Incident,
  MAX_PAGE_LIMIT,
  type Page,
  TELEMETRY_SCHEMA_VERSION,
  type TelemetryEvent,
  newId,
  processRuns,
  processStartTicks,
} from '@palisade/schema';
import type { Store, TimeRange } from '@palisade/store';
import { stringify } from 'csv-stringify/sync';
import * as tar from 'tar';
import { Clock } from '../common/clock.js';
import { PalisadeErrorCode, PalisadeException } from '../common/palisade.exception.js';
import type { DetectorConfig } from '../config/detector-config.js';
import { DETECTOR_CONFIG, STORE } from '../infra/injection-tokens.js';
import { SecretFiles } from '../infra/secret-files.js';
import { AuditService } from '../services/audit.service.js';
import { AUDIT_CSV_COLUMNS, BUNDLE_CSV_OPTIONS, MANIFEST_FILE, bundleFiles, signedManifestBytes } from './bundle-format.js';
import { toOcsfDetectionFinding } from './ocsf.js';

export const PRODUCT_VERSION = '0.1.0';

/** How long a bundle being written may go without a write before it is taken for abandoned. */
export const ABANDONED_EXPORT_MS = 3_600_000;

/** Where a bundle is written: the host and process, so a restart can tell which exports died with it. */
export interface ExportRunner {
  host: string;
  pid: number;
  /** When that process started (where /proc tells): a later process that got its pid is not the runner. */
  startTicks?: string | null;
}

/** A bundle as the detector keeps it: the API's record plus where its files are and who writes it. */
export interface StoredExport extends ExportRecord {
  path: string;
  runner?: ExportRunner;
}

/** An export just started: its record in state `running`, and the promise of the finished one. */
export interface StartedExport {
  record: StoredExport;
  finished: Promise<StoredExport>;
}

type Writer = { write(record: unknown): Promise<void>; close(): Promise<{ bytes: number; records: number; sha256: string }> };

/** How often a running export's progress is saved to the store (the API answers from memory meanwhile). */
const PROGRESS_SAVE_MS = 1_000;

/** How much of a bundle file is gathered before it is written (characters): one write per record costs more than the record. */
const WRITE_CHUNK = 65_536;

const EVENT_COLUMNS = ['id', 'ts', 'palisade.server.name', 'mcp.session.id', 'mcp.method.name', 'gen_ai.tool.name', 'palisade.outcome', 'palisade.duration_ms', 'palisade.client.name', 'palisade.collector.id', 'json'];
const ALERT_COLUMNS = ['id', 'ts', 'category', 'severity', 'title', 'server', 'tool', 'sessionId', 'ruleId', 'status', 'incidentId', 'summary', 'eventIds'];
const INCIDENT_COLUMNS = ['id', 'createdAt', 'updatedAt', 'severity', 'status', 'title', 'server', 'tool', 'sessionId', 'assignee', 'categories', 'alertCount', 'disposition'];

/** One line saying why an export stopped: what a person reads in the list, never a stack. */
function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, ' ').trim().slice(0, 300) || 'unknown error';
}

/**
 * Compliance bundles (contract section 7): events, alerts (and OCSF findings), incidents and audit
 * entries of a time range, each file listed in a manifest with its SHA-256, the audit chain's head, and
 * an Ed25519 signature with the install's key (its public half travels in the manifest).
 *
 * An export is a record in the store from the moment it starts (`running`, with its progress) to the
 * moment it ends (`done` or `failed`); at most `exports.maxConcurrent` run at once in one detector.
 */
@Injectable()
export class ExportService implements OnApplicationBootstrap {
  private readonly logger = new Logger('exports');
  /** The exports this process is writing, by id: their live progress. */
  private readonly running = new Map<string, StoredExport>();
  private readonly runner: ExportRunner = { host: hostname(), pid: process.pid, startTicks: processStartTicks('self') };

  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(DETECTOR_CONFIG) private readonly config: DetectorConfig,
    private readonly secrets: SecretFiles,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  get exportsDir(): string {
    return path.join(this.config.home, 'exports');
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.failInterrupted();
  }

  /**
   * Starts writing a bundle and answers at once with its `running` record; `finished` settles when the
   * bundle is signed (or the export failed, which the record then says). Refused when
   * `exports.maxConcurrent` exports are running already.
   */
  async start(request: { from: string; to: string; format: ExportFormat }, actor: AuditActor, source?: string): Promise<StartedExport> {
    if (Date.parse(request.from) >= Date.parse(request.to)) throw PalisadeException.badRequest('`from` must be before `to`');
    const limit = this.config.exports.maxConcurrent;
    if (this.running.size >= limit) {
      throw PalisadeException.tooManyRequests(`${limit === 1 ? 'an export is' : `${limit} exports are`} being written already (PALISADE_EXPORT_CONCURRENCY=${limit}); try again when one has finished`, { running: [...this.running.keys()] });
    }
    const id = `exp_${newId()}`;
    const finalDir = path.join(this.exportsDir, id);
    const startedAt = this.clock.nowIso();
    const record: StoredExport = {
      id,
      state: 'running',
      createdAt: startedAt,
      createdBy: actor.id,
      format: request.format,
      from: request.from,
      to: request.to,
      startedAt,
      files: [],
      progress: { files: [], records: 0, updatedAt: startedAt },
      path: finalDir,
      runner: this.runner,
    };
    this.running.set(id, record);
    try {
      this.removeAbandoned();
      mkdirSync(`${finalDir}.partial`, { recursive: true });
      await this.save(record);
    } catch (error) {
      this.running.delete(id);
      rmSync(`${finalDir}.partial`, { recursive: true, force: true });
      throw error;
    }
    const finished = this.write(record, request, actor, source).then(
      (done) => {
        this.running.delete(id);
        return done;
      },
      async (error: unknown) => {
        this.running.delete(id);
        await this.fail(record, reasonOf(error), actor, source);
        throw error;
      },
    );
    return { record: structuredClone(record), finished };
  }

  private async write(record: StoredExport, request: { from: string; to: string; format: ExportFormat }, actor: AuditActor, source?: string): Promise<StoredExport> {
    const { id, path: finalDir } = record;
    const workDir = `${finalDir}.partial`;
    const range: TimeRange = { from: request.from, to: request.to };
    const [eventsFile, alertsFile, ocsfFile, incidentsFile, auditFile] = bundleFiles(request.format) as [string, string, string, string, string];
    try {
      const progress = await this.progressOf(record, range, [eventsFile, alertsFile, ocsfFile, incidentsFile, auditFile]);
      const files: ExportManifest['files'] = [];
      const finished = (file: ExportManifest['files'][number]) => {
        files.push(file);
        record.files = [...files];
      };
      const csv = request.format === 'csv';

      const events = this.writer(path.join(workDir, eventsFile), csv ? EVENT_COLUMNS : null, (e: TelemetryEvent) => [
        e.id, e.ts, e['palisade.server.name'], e['mcp.session.id'], e['mcp.method.name'], e['gen_ai.tool.name'] ?? '', e['palisade.outcome'], e['palisade.duration_ms'] ?? '', e['palisade.client.name'] ?? '', e['palisade.collector.id'], JSON.stringify(e),
      ]);
      for await (const page of this.store.events.scan(range)) {
        for (const e of page) await events.write(e);
        await progress(eventsFile, page.length);
      }
      finished(await this.finish(eventsFile, events));

      const alerts = this.writer(path.join(workDir, alertsFile), csv ? ALERT_COLUMNS : null, (a: Alert) => [
        a.id, a.ts, a.category, a.severity, a.title, a.server, a.tool ?? '', a.sessionId ?? '', a.ruleId, a.status, a.incidentId ?? '', a.evidence.summary, a.eventIds.join(' '),
      ]);
      // The findings are written alongside the alerts they map, page by page: a long range holds
      // hundreds of thousands of alerts, and the detector's memory must not grow with the range.
      const ocsf = this.jsonArrayWriter(path.join(workDir, ocsfFile));
      for await (const page of this.store.alerts.scan(range)) {
        for (const a of page) {
          await alerts.write(a);
          await ocsf.write(toOcsfDetectionFinding(a, PRODUCT_VERSION));
        }
        await progress(alertsFile, page.length);
        await progress(ocsfFile, page.length);
      }
      finished(await this.finish(alertsFile, alerts));
      finished(await this.finish(ocsfFile, ocsf));

      const incidents = this.writer(path.join(workDir, incidentsFile), csv ? INCIDENT_COLUMNS : null, (i: Incident) => [
        i.id, i.createdAt, i.updatedAt, i.severity, i.status, i.title, i.server, i.tool ?? '', i.sessionId ?? '', i.assignee ?? '', i.categories.join(' '), i.alertCount, i.disposition ?? '',
      ]);
      for await (const page of this.store.incidents.scan(range)) {
        for (const i of page) await incidents.write(i);
        await progress(incidentsFile, page.length);
      }
      finished(await this.finish(incidentsFile, incidents));

      const auditWriter = this.writer(path.join(workDir, auditFile), csv ? [...AUDIT_CSV_COLUMNS] : null, (a: AuditEntry) => [
        a.seq, a.ts, JSON.stringify(a.actor), a.action, a.target, JSON.stringify(a.details), a.source ?? '', a.prevHash, a.hash,
      ]);
      let first: AuditEntry | null = null;
      let last: AuditEntry | null = null;
      for await (const page of this.store.audit.scan(range)) {
        for (const entry of page) {
          first ??= entry;
          last = entry;
          await auditWriter.write(entry);
        }
        await progress(auditFile, page.length);
      }
      finished(await this.finish(auditFile, auditWriter));
      const audit = first && last ? { firstSeq: first.seq, lastSeq: last.seq, prevHash: first.prevHash, head: last.hash } : await this.emptyAuditRun(request.to);

      const keys = this.signingKeys();
      const manifest: ExportManifest = {
        kind: 'palisade.compliance-bundle',
        manifestVersion: 1,
        id,
        createdAt: this.clock.nowIso(),
        exporter: `palisade-detector ${PRODUCT_VERSION} (${actor.id})`,
        schemaVersion: TELEMETRY_SCHEMA_VERSION,
        format: request.format,
        range: { from: request.from, to: request.to },
        files,
        audit,
        // What the bundle holds (events, alerts, audit) only: the manifest is signed as its schema reads it,
        // and a verifier drops a key it does not know, so another one would fail every older verifier.
        retention: { eventsDays: this.config.retention.eventsDays, alertsDays: this.config.retention.alertsDays, auditDays: this.config.retention.auditDays },
        publicKey: keys.publicKey,
      };
      manifest.signature = sign(null, signedManifestBytes(manifest), keys.privateKey).toString('base64');
      const manifestWriter = this.rawWriter(path.join(workDir, MANIFEST_FILE));
      await manifestWriter.write(`${JSON.stringify(manifest, null, 2)}\n`);
      await manifestWriter.close();
      renameSync(workDir, finalDir);

      const { runner: _runner, ...rest } = record;
      const done: StoredExport = {
        ...rest,
        state: 'done',
        createdAt: manifest.createdAt,
        finishedAt: manifest.createdAt,
        files,
        progress: { ...record.progress, files: record.progress.files.map((f) => ({ ...f })), updatedAt: manifest.createdAt },
        auditHead: manifest.audit.head,
      };
      await this.store.exports.put(done);
      await this.audit.record(actor, 'export.create', `export:${id}`, { from: request.from, to: request.to, format: request.format, files: files.length, auditHead: manifest.audit.head }, source);
      return done;
    } catch (error) {
      rmSync(workDir, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * Counts what the range holds where the store can say it cheaply (events, alerts, audit entries; not
   * incidents, whose range is an overlap), and returns the callback that adds written records to the
   * progress, saving it to the store at most once a second.
   */
  private async progressOf(record: StoredExport, range: TimeRange, names: [string, string, string, string, string]): Promise<(file: string, records: number) => Promise<void>> {
    const [eventsFile, alertsFile, ocsfFile, incidentsFile, auditFile] = names;
    const query = { from: range.from, to: range.to, limit: 1 };
    const [events, alerts, audit] = await Promise.all([this.store.events.search(query), this.store.alerts.search(query), this.store.audit.list(query)]);
    const estimates: Record<string, number | undefined> = { [eventsFile]: events.total, [alertsFile]: alerts.total, [ocsfFile]: alerts.total, [incidentsFile]: undefined, [auditFile]: audit.total };
    record.progress.files = names.map((name) => ({ path: name, records: 0, ...(estimates[name] === undefined ? {} : { estimatedRecords: estimates[name] }) }));
    record.progress.estimatedRecords = events.total + 2 * alerts.total + audit.total;
    let savedAt = this.clock.now().getTime();
    return async (file, records) => {
      const entry = record.progress.files.find((f) => f.path === file);
      if (entry) entry.records += records;
      record.progress.records += records;
      const now = this.clock.now();
      record.progress.updatedAt = now.toISOString();
      if (now.getTime() - savedAt >= PROGRESS_SAVE_MS) {
        savedAt = now.getTime();
        await this.save(record);
      }
    };
  }

  private async save(record: StoredExport): Promise<void> {
    await this.store.exports.put(record);
  }

  /** Records an export as failed (with its one-line reason) and audits it; never throws over the first error. */
  private async fail(record: StoredExport, reason: string, actor: AuditActor, source?: string): Promise<void> {
    const finishedAt = this.clock.nowIso();
    const { runner: _runner, ...rest } = record;
    const failed: StoredExport = { ...rest, state: 'failed', finishedAt, error: reason };
    try {
      await this.store.exports.put(failed);
      await this.audit.record(actor, 'export.fail', `export:${record.id}`, { from: record.from, to: record.to, format: record.format, reason }, source);
    } catch (error) {
      this.logger.error(`export ${record.id} failed (${reason}) and could not be recorded as failed: ${reasonOf(error)}`);
    }
  }

  /**
   * Marks failed the exports a previous run of this detector was writing when it died (kill -9, a crash,
   * the machine going down): a `running` record whose process on this host is gone, or whose progress
   * no one saved for as long as it takes a `.partial` folder to count as abandoned. Their folders are
   * removed by the usual cleanup of abandoned `.partial` folders.
   */
  async failInterrupted(): Promise<number> {
    const stale = this.clock.now().getTime() - ABANDONED_EXPORT_MS;
    let failed = 0;
    for (const value of await this.allRunning()) {
      if (this.running.has(value.id)) continue;
      const runner = value.runner;
      const here = runner?.host === this.runner.host;
      const dead = here ? runner.pid === process.pid || !processRuns(runner.pid, runner.startTicks) : Date.parse(value.progress.updatedAt) < stale;
      if (!dead) continue;
      const reason = here
        ? `the detector writing it (process ${runner.pid}) stopped before it finished; start the export again`
        : `no progress since ${value.progress.updatedAt} (the detector writing it on ${runner?.host ?? 'another host'} stopped); start the export again`;
      await this.fail(value, reason, { type: 'system', id: 'exports' });
      failed += 1;
    }
    if (failed > 0) this.logger.warn(`${failed} export(s) interrupted by a previous stop marked failed`);
    return failed;
  }

  /**
   * The manifest's audit run for a range without audit entries: empty (first after last), at the chain's
   * head as of the range's end, so consecutive bundles still link (one's head is the next one's prevHash)
   * and the manifest never claims an empty chain when entries came before.
   */
  private async emptyAuditRun(to: string): Promise<ExportManifest['audit']> {
    const [before] = (await this.store.audit.list({ to, limit: 1 })).items;
    if (!before) return { firstSeq: 0, lastSeq: 0, prevHash: AUDIT_GENESIS_HASH, head: AUDIT_GENESIS_HASH };
    return { firstSeq: before.seq + 1, lastSeq: before.seq, prevHash: before.hash, head: before.hash };
  }

  /**
   * Removes the folders of bundles whose export died part-way (the process was killed): a `.partial`
   * folder nothing was written to for an hour. Another process sharing the folder may be exporting, so a
   * recent one is left alone.
   */
  private removeAbandoned(): void {
    const cutoff = this.clock.now().getTime() - ABANDONED_EXPORT_MS;
    if (!existsSync(this.exportsDir)) return;
    for (const entry of readdirSync(this.exportsDir, { withFileTypes: true })) {
      if (!entry.isDirectory() || !entry.name.endsWith('.partial')) continue;
      const dir = path.join(this.exportsDir, entry.name);
      const lastWrite = Math.max(statSync(dir).mtimeMs, ...readdirSync(dir).map((name) => statSync(path.join(dir, name)).mtimeMs));
      if (lastWrite < cutoff) rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Every export the store has as `running` (a few at most), read page by page. */
  private async allRunning(): Promise<StoredExport[]> {
    const records: StoredExport[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.store.exports.search<StoredExport>({ state: 'running', limit: MAX_PAGE_LIMIT, cursor });
      records.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return records;
  }

  /** A page of exports, newest first by when they started, running ones with their live progress. */
  async list(query: ExportQuery): Promise<Page<StoredExport>> {
    const page = await this.store.exports.search<StoredExport>(query);
    return { ...page, items: page.items.map((record) => this.current(record)) };
  }

  async get(id: string): Promise<StoredExport> {
    const record = await this.store.exports.get<StoredExport>(id);
    if (!record) throw PalisadeException.notFound(`export ${id}`);
    return this.current(record);
  }

  /** A stored record as it stands now: this process's live progress for a running one; `done` for one stored before states were. */
  private current(stored: StoredExport): StoredExport {
    const live = stored.state === 'running' ? this.running.get(stored.id) : undefined;
    if (live) return structuredClone(live);
    if (stored.state) return stored;
    const records = stored.files.reduce((n, f) => n + f.records, 0);
    return {
      ...stored,
      state: 'done',
      startedAt: stored.createdAt,
      finishedAt: stored.createdAt,
      progress: { files: stored.files.map((f) => ({ path: f.path, records: f.records })), records, updatedAt: stored.createdAt },
    };
  }

  /** One file of a bundle (only names the manifest lists, or the manifest itself), streamed from disk. */
  async file(id: string, name: string): Promise<{ content: Readable; bytes: number; contentType: string }> {
    const record = await this.finished(id);
    if (name !== MANIFEST_FILE && !record.files.some((f) => f.path === name)) throw PalisadeException.notFound(`file ${name} in export ${id}`);
    const file = path.join(record.path, name);
    const stat = statSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile()) throw PalisadeException.notFound(`file ${name} of export ${id} (no longer on disk)`);
    const contentType = name.endsWith('.csv') ? 'text/csv; charset=utf-8' : name.endsWith('.ndjson') ? 'application/x-ndjson' : 'application/json';
    return { content: createReadStream(file), bytes: stat.size, contentType };
  }

  /** The bundle as one .tar.gz (the folder `ID/` with its files), streamed as it is packed. */
  async archive(id: string): Promise<Readable> {
    const record = await this.finished(id);
    if (!statSync(record.path, { throwIfNoEntry: false })?.isDirectory()) throw PalisadeException.notFound(`files of export ${id} (no longer on disk)`);
    return Readable.from(tar.create({ gzip: true, portable: true, cwd: path.dirname(record.path) }, [path.basename(record.path)]));
  }

  /** A bundle that can be downloaded: a running or failed export has no signed files to give. */
  private async finished(id: string): Promise<StoredExport> {
    const record = await this.get(id);
    if (record.state === 'running') throw new PalisadeException(PalisadeErrorCode.Conflict, `export ${id} is still being written; its files can be downloaded once it is done`);
    if (record.state === 'failed') throw PalisadeException.notFound(`files of export ${id} (it failed: ${record.error ?? 'no reason recorded'})`);
    return record;
  }

  /** The install's Ed25519 export key pair, generated into PALISADE_HOME on first use. */
  signingKeys(): { privateKey: ReturnType<typeof createPrivateKey>; publicKey: string } {
    const { value } = this.secrets.readOrCreate('export-signing-key.pem', () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const privateKey = createPrivateKey(value.endsWith('\n') ? value : `${value}\n`);
    const publicKey = createPublicKey(privateKey).export({ type: 'spki', format: 'der' }).toString('base64');
    return { privateKey, publicKey };
  }

  private writer<T>(file: string, columns: string[] | null, row: (record: T) => unknown[]): Writer {
    const raw = this.rawWriter(file);
    let records = 0;
    let headerWritten = false;
    return {
      write: async (record: unknown) => {
        records += 1;
        if (!columns) return raw.write(`${JSON.stringify(record)}\n`);
        if (!headerWritten) {
          headerWritten = true;
          await raw.write(stringify([columns]));
        }
        return raw.write(stringify([row(record as T).map((v) => (v === null || v === undefined ? '' : v))], BUNDLE_CSV_OPTIONS));
      },
      close: async () => {
        if (columns && !headerWritten) await raw.write(stringify([columns]));
        const { bytes, sha256 } = await raw.close();
        return { bytes, records, sha256 };
      },
    };
  }

  /**
   * A JSON array written one entry at a time, laid out byte for byte as `JSON.stringify(entries, null, 1)`
   * lays out the whole array (`[]` when there is none), without ever holding the entries.
   */
  private jsonArrayWriter(file: string): Writer {
    const raw = this.rawWriter(file);
    let records = 0;
    return {
      write: async (record: unknown) => {
        // An entry of the array is the entry stringified alone, one level deeper. JSON strings hold no
        // raw line feed, so every line feed in it is a line break to indent.
        await raw.write(`${records === 0 ? '[' : ','}\n ${JSON.stringify(record, null, 1).replaceAll('\n', '\n ')}`);
        records += 1;
      },
      close: async () => {
        await raw.write(records === 0 ? '[]\n' : '\n]\n');
        const { bytes, sha256 } = await raw.close();
        return { bytes, records, sha256 };
      },
    };
  }

  /**
   * Writes a file and digests it on the way: a range's events run to gigabytes, never read back whole.
   * Records are gathered some 64 KiB at a time before they are digested and written.
   */
  private rawWriter(file: string): Writer {
    const stream = createWriteStream(file, { flags: 'wx' });
    const hash = createHash('sha256');
    let bytes = 0;
    let pending = '';
    const flush = async (): Promise<void> => {
      if (pending === '') return;
      const data = Buffer.from(pending, 'utf8');
      pending = '';
      bytes += data.length;
      hash.update(data);
      if (!stream.write(data)) await once(stream, 'drain');
    };
    return {
      write: async (chunk: unknown) => {
        pending += String(chunk);
        if (pending.length >= WRITE_CHUNK) await flush();
      },
      close: async () => {
        await flush();
        stream.end();
        await once(stream, 'finish');
        return { bytes, records: 0, sha256: hash.digest('hex') };
      },
    };
  }

  /** Closes a file's writer and lists the file as the manifest does: the writer counted and digested every byte it wrote. */
  private async finish(name: string, writer: Writer): Promise<ExportManifest['files'][number]> {
    const { bytes, records, sha256 } = await writer.close();
    return { path: name, sha256, bytes, records };
  }
}
