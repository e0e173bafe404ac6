import { createHash, createPublicKey, verify } from 'node:crypto';
import { closeSync, existsSync, lstatSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { type AuditEntry, AuditChainVerifier, AuditEntry as AuditEntrySchema, ExportManifest, describeZodError } from '@palisade/schema';
import { Parser as CsvParser } from 'csv-parse';
import { AUDIT_CSV_COLUMNS, MANIFEST_FILE, keyFingerprint, signedManifestBytes, unguardCsvCell } from './bundle-format.js';

export type VerifyResult = { ok: true; manifest: ExportManifest; checked: string[] } | { ok: false; problem: string };

/**
 * Verifies a compliance bundle folder: the manifest's signature, every file's SHA-256 and size, no file
 * added, and the audit hash chain from the manifest's `prevHash` to its head. The first problem found is
 * named (a file, or an audit entry by sequence number).
 *
 * The signature proves who signed only against a key the verifier already trusts: with `trustedKey` (the
 * install's fingerprint, `sha256:HEX`) a bundle re-signed with another key fails. Without it, the bundle
 * is checked for integrity against the key it carries, and the caller says so.
 */
/** Far above any manifest Palisade writes (a few KB: files, digests, ranges, key and signature). */
const MAX_MANIFEST_BYTES = 1024 * 1024;

export function verifyBundle(dir: string, options: { trustedKey?: string } = {}): VerifyResult {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return { ok: false, problem: `${dir} is not a bundle folder` };
  const manifestPath = path.join(dir, MANIFEST_FILE);
  const manifestKind = entryKind(manifestPath);
  if (manifestKind === null) return { ok: false, problem: `${MANIFEST_FILE} was removed` };
  if (manifestKind !== 'file') return { ok: false, problem: `${MANIFEST_FILE} was replaced by a ${manifestKind}` };
  // A manifest lists a handful of files: one far larger was replaced, and is not read into memory.
  const manifestBytes = statSync(manifestPath).size;
  if (manifestBytes > MAX_MANIFEST_BYTES) return { ok: false, problem: `${MANIFEST_FILE} is ${manifestBytes} bytes, more than a manifest can be (${MAX_MANIFEST_BYTES}): it was replaced` };
  let manifest: ExportManifest;
  try {
    const parsed = ExportManifest.safeParse(JSON.parse(readFileSync(manifestPath, 'utf8')));
    if (!parsed.success) return { ok: false, problem: `${MANIFEST_FILE} is invalid: ${describeZodError(parsed.error)}` };
    manifest = parsed.data;
  } catch (error) {
    return { ok: false, problem: `${MANIFEST_FILE} is not JSON: ${(error as Error).message}` };
  }
  if (!manifest.signature || !manifest.publicKey) return { ok: false, problem: `${MANIFEST_FILE} is not signed` };
  if (options.trustedKey && keyFingerprint(manifest.publicKey) !== options.trustedKey.toLowerCase()) {
    return { ok: false, problem: `${MANIFEST_FILE} is signed by key ${keyFingerprint(manifest.publicKey)}, not by the trusted key ${options.trustedKey.toLowerCase()}` };
  }
  try {
    const key = createPublicKey({ key: Buffer.from(manifest.publicKey, 'base64'), format: 'der', type: 'spki' });
    if (!verify(null, signedManifestBytes(manifest), key, Buffer.from(manifest.signature, 'base64'))) {
      return { ok: false, problem: `${MANIFEST_FILE} was altered (signature does not match)` };
    }
  } catch (error) {
    return { ok: false, problem: `${MANIFEST_FILE} signature cannot be checked: ${(error as Error).message}` };
  }

  const listed = new Set(manifest.files.map((f) => f.path));
  const checked: string[] = [];
  for (const file of manifest.files) {
    const filePath = path.join(dir, file.path);
    if (path.relative(dir, filePath).startsWith('..')) return { ok: false, problem: `${file.path} points outside the bundle` };
    const kind = entryKind(filePath);
    if (kind === null) return { ok: false, problem: `${file.path} was removed` };
    if (kind !== 'file') return { ok: false, problem: `${file.path} was replaced by a ${kind}` };
    if (file.path.startsWith('audit.')) {
      // Name the audit entry before the file: an analyst wants to know which action was tampered with.
      const audit = checkAudit(file.path, filePath, manifest);
      if (audit) return { ok: false, problem: audit };
    }
    // Events of a long range run to gigabytes: the size first, then the digest read in chunks.
    if (lstatSync(filePath).size !== file.bytes || sha256OfFile(filePath) !== file.sha256) {
      return { ok: false, problem: `${file.path} was altered (SHA-256 does not match the manifest)` };
    }
    checked.push(file.path);
  }
  for (const name of readdirSync(dir)) {
    if (name !== MANIFEST_FILE && !listed.has(name)) return { ok: false, problem: `${name} was added (not in the manifest)` };
  }
  return { ok: true, manifest, checked };
}

/** Bytes read at a time from a bundle file. */
const CHUNK_BYTES = 1 << 20;

/**
 * The longest audit record read, in bytes: what bounds memory for a file altered into one endless line.
 * An entry's details come from an API body of 5 MB at most, which CSV quoting may double: 16 MiB leaves room.
 */
const AUDIT_RECORD_MAX = 16 << 20;

/** Hands `file` to `onChunk` 1 MiB at a time (the same buffer each time: a chunk kept must be copied). */
function eachChunk(file: string, onChunk: (chunk: Buffer) => void): void {
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  const fd = openSync(file, 'r');
  try {
    for (let read = readSync(fd, chunk); read > 0; read = readSync(fd, chunk)) onChunk(chunk.subarray(0, read));
  } finally {
    closeSync(fd);
  }
}

/** SHA-256 of a file read 1 MiB at a time, so the size of a bundle file is bounded by the disk only. */
function sha256OfFile(file: string): string {
  const hash = createHash('sha256');
  eachChunk(file, (chunk) => hash.update(chunk));
  return hash.digest('hex');
}

/**
 * What a bundle entry is, without following links. The exporter writes plain files only: a folder would
 * fail to read, and a link would have the bundle vouch for content that lives outside it.
 */
function entryKind(file: string): 'file' | 'folder' | 'symbolic link' | 'special file' | null {
  const stat = lstatSync(file, { throwIfNoEntry: false });
  if (!stat) return null;
  if (stat.isFile()) return 'file';
  if (stat.isDirectory()) return 'folder';
  return stat.isSymbolicLink() ? 'symbolic link' : 'special file';
}

/**
 * Checks a bundle's audit file as it is read, entry by entry, so that its size (which grows with the
 * export's range) is bounded by the disk only: the first problem, naming the entry where it can.
 */
function checkAudit(name: string, file: string, manifest: ExportManifest): string | null {
  const check = new AuditRunCheck(name, manifest);
  const records = name.endsWith('.csv') ? new CsvAuditRecords() : new NdjsonAuditRecords();
  try {
    eachChunk(file, (chunk) => records.push(chunk, (entry) => check.entry(entry)));
    records.end((entry) => check.entry(entry));
  } catch (error) {
    return `${name} is unreadable: ${(error as Error).message}`;
  }
  return check.end();
}

/**
 * The audit run of a bundle against its manifest, one entry at a time. The first problem is kept while the
 * rest is still read: a file that cannot be read is said as such first, wherever it fails.
 */
class AuditRunCheck {
  private readonly chain: AuditChainVerifier;
  private readonly listsEntries: boolean;
  private started = false;
  private last: AuditEntry | null = null;
  private problem: string | null = null;

  constructor(
    private readonly name: string,
    private readonly manifest: ExportManifest,
  ) {
    const { firstSeq, lastSeq, prevHash } = manifest.audit;
    this.listsEntries = lastSeq !== 0 && firstSeq <= lastSeq;
    this.chain = new AuditChainVerifier(prevHash);
  }

  entry(entry: AuditEntry): void {
    this.problem ??= this.problemWith(entry);
  }

  private problemWith(entry: AuditEntry): string | null {
    const { name } = this;
    const { firstSeq } = this.manifest.audit;
    if (!this.started) {
      this.started = true;
      if (!this.listsEntries) return `${name}: audit entry ${entry.seq} was added (the manifest lists no audit entry)`;
      if (entry.seq < firstSeq) return `${name}: audit entry ${entry.seq} was added (the manifest's entries start at ${firstSeq})`;
      if (entry.seq !== firstSeq) return `${name}: audit entry ${firstSeq} was removed or reordered (the file starts at ${entry.seq})`;
    }
    const broken = this.chain.next(entry);
    if (broken) return `${name}: ${broken.reason}`;
    this.last = entry;
    return null;
  }

  /** The first problem, once the whole file was read. */
  end(): string | null {
    if (this.problem !== null) return this.problem;
    const { name } = this;
    const { firstSeq, lastSeq, head } = this.manifest.audit;
    if (this.last === null) return this.listsEntries ? `${name}: every audit entry was removed` : null;
    const last = this.last;
    if (last.seq < lastSeq) return `${name}: audit entry ${last.seq + 1} was removed (the chain ends before the manifest's head)`;
    if (last.seq > lastSeq) return `${name}: audit entry ${lastSeq + 1} was added (the manifest's entries end at ${lastSeq})`;
    // Every entry chains and hashes, yet the run ends elsewhere: entries were edited and their hashes
    // recomputed. The manifest keeps only the head, so which entry was edited first cannot be told.
    if (this.chain.head !== head) return `${name}: audit entries ${firstSeq}–${lastSeq} were altered and re-hashed (the chain does not end at the manifest's head)`;
    return null;
  }
}

/** Audit entries from a bundle file's bytes, chunk by chunk; throws (naming the line or row) on one it cannot read. */
interface AuditRecords {
  push(chunk: Buffer, onEntry: (entry: AuditEntry) => void): void;
  end(onEntry: (entry: AuditEntry) => void): void;
}

/**
 * `audit.ndjson`: one entry a line; blank lines are skipped (and not counted). Lines are cut as bytes (a
 * line feed is never part of a longer UTF-8 character) and decoded whole.
 */
class NdjsonAuditRecords implements AuditRecords {
  /** The bytes of the line read so far, copied out of the reused chunk. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private line = 0;

  push(chunk: Buffer, onEntry: (entry: AuditEntry) => void): void {
    let start = 0;
    for (let end = chunk.indexOf(0x0a); end !== -1; end = chunk.indexOf(0x0a, start)) {
      const rest = chunk.subarray(start, end);
      this.entry(this.pending.length === 0 ? rest : Buffer.concat([...this.pending, rest]), onEntry);
      this.pending = [];
      this.pendingBytes = 0;
      start = end + 1;
    }
    this.pending.push(Buffer.from(chunk.subarray(start)));
    this.pendingBytes += chunk.length - start;
    if (this.pendingBytes > AUDIT_RECORD_MAX) throw new Error(`line ${this.line + 1} is longer than ${AUDIT_RECORD_MAX} bytes`);
  }

  end(onEntry: (entry: AuditEntry) => void): void {
    this.entry(Buffer.concat(this.pending), onEntry);
    this.pending = [];
  }

  private entry(bytes: Buffer, onEntry: (entry: AuditEntry) => void): void {
    const line = bytes.toString('utf8');
    if (line.trim() === '') return;
    this.line += 1;
    const parsed = AuditEntrySchema.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`line ${this.line}: ${describeZodError(parsed.error)}`);
    onEntry(parsed.data);
  }
}

/**
 * `audit.csv`: a header row, then one entry a row (a row may span lines inside quotes). csv-parse's stream
 * parser does the parsing, fed and read synchronously: a write runs its transform at once, and what it
 * parsed is read back before the next chunk. A file that is not CSV is said before a row that is not an
 * entry, wherever each is: the row's problem waits for the end of the file.
 */
class CsvAuditRecords implements AuditRecords {
  private readonly parser = new CsvParser({ columns: true, skip_empty_lines: true, max_record_size: AUDIT_RECORD_MAX, cast: (value) => unguardCsvCell(value) });
  private row = 0;
  private rowProblem: Error | null = null;

  constructor() {
    // A parse error is also emitted as an event, after verifyBundle returned: read from `errored` instead.
    this.parser.on('error', () => undefined);
  }

  push(chunk: Buffer, onEntry: (entry: AuditEntry) => void): void {
    // A copy: the parser may keep the chunk's last bytes (a row not yet ended), and the chunk is reused.
    this.parser.write(Buffer.from(chunk));
    this.drain(onEntry);
  }

  end(onEntry: (entry: AuditEntry) => void): void {
    this.parser.end();
    this.drain(onEntry);
    if (this.rowProblem) throw this.rowProblem;
  }

  private drain(onEntry: (entry: AuditEntry) => void): void {
    for (let row = this.parser.read() as AuditCsvRow | null; row !== null; row = this.parser.read() as AuditCsvRow | null) {
      if (this.rowProblem) continue;
      try {
        onEntry(this.entry(row));
      } catch (error) {
        this.rowProblem = error as Error;
      }
    }
    if (this.parser.errored) throw this.parser.errored;
  }

  private entry(row: AuditCsvRow): AuditEntry {
    this.row += 1;
    const parsed = AuditEntrySchema.safeParse({
      seq: Number(row.seq),
      ts: row.ts,
      actor: JSON.parse(row.actor),
      action: row.action,
      target: row.target,
      details: JSON.parse(row.details),
      ...(row.source ? { source: row.source } : {}),
      prevHash: row.prevHash,
      hash: row.hash,
    });
    if (!parsed.success) throw new Error(`row ${this.row}: ${describeZodError(parsed.error)}`);
    return parsed.data;
  }
}

type AuditCsvRow = Record<(typeof AUDIT_CSV_COLUMNS)[number], string>;
