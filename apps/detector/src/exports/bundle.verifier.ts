import { createHash, createPublicKey, verify } from 'node:crypto';
import { closeSync, existsSync, lstatSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { type AuditEntry, AuditEntry as AuditEntrySchema, ExportManifest, describeZodError, verifyAuditChain } from '@palisade/schema';
import { parse } from 'csv-parse/sync';
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
export function verifyBundle(dir: string, options: { trustedKey?: string } = {}): VerifyResult {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return { ok: false, problem: `${dir} is not a bundle folder` };
  const manifestPath = path.join(dir, MANIFEST_FILE);
  const manifestKind = entryKind(manifestPath);
  if (manifestKind === null) return { ok: false, problem: `${MANIFEST_FILE} was removed` };
  if (manifestKind !== 'file') return { ok: false, problem: `${MANIFEST_FILE} was replaced by a ${manifestKind}` };
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
      const audit = checkAudit(file.path, readFileSync(filePath), manifest);
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

/** SHA-256 of a file read 1 MiB at a time, so the size of a bundle file is bounded by the disk only. */
function sha256OfFile(file: string): string {
  const hash = createHash('sha256');
  const chunk = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(file, 'r');
  try {
    for (let read = readSync(fd, chunk); read > 0; read = readSync(fd, chunk)) hash.update(chunk.subarray(0, read));
  } finally {
    closeSync(fd);
  }
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

function checkAudit(name: string, content: Buffer, manifest: ExportManifest): string | null {
  let entries: AuditEntry[];
  try {
    entries = name.endsWith('.csv') ? parseAuditCsv(content) : parseAuditNdjson(content);
  } catch (error) {
    return `${name} is unreadable: ${(error as Error).message}`;
  }
  const { firstSeq, lastSeq } = manifest.audit;
  const listsEntries = lastSeq !== 0 && firstSeq <= lastSeq;
  if (entries.length === 0) return listsEntries ? `${name}: every audit entry was removed` : null;
  const first = entries[0]!;
  if (!listsEntries) return `${name}: audit entry ${first.seq} was added (the manifest lists no audit entry)`;
  if (first.seq < firstSeq) return `${name}: audit entry ${first.seq} was added (the manifest's entries start at ${firstSeq})`;
  if (first.seq !== firstSeq) return `${name}: audit entry ${firstSeq} was removed or reordered (the file starts at ${first.seq})`;
  const chain = verifyAuditChain(entries, manifest.audit.prevHash);
  if (!chain.ok) return `${name}: ${chain.reason}`;
  const last = entries[entries.length - 1]!;
  if (last.seq < lastSeq) return `${name}: audit entry ${last.seq + 1} was removed (the chain ends before the manifest's head)`;
  if (last.seq > lastSeq) return `${name}: audit entry ${lastSeq + 1} was added (the manifest's entries end at ${lastSeq})`;
  // Every entry chains and hashes, yet the run ends elsewhere: entries were edited and their hashes
  // recomputed. The manifest keeps only the head, so which entry was edited first cannot be told.
  if (chain.head !== manifest.audit.head) return `${name}: audit entries ${firstSeq}–${lastSeq} were altered and re-hashed (the chain does not end at the manifest's head)`;
  return null;
}

function parseAuditNdjson(content: Buffer): AuditEntry[] {
  return content
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const parsed = AuditEntrySchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`line ${index + 1}: ${describeZodError(parsed.error)}`);
      return parsed.data;
    });
}

function parseAuditCsv(content: Buffer): AuditEntry[] {
  const rows = parse(content, { columns: true, skip_empty_lines: true, cast: (value) => unguardCsvCell(value) }) as Record<(typeof AUDIT_CSV_COLUMNS)[number], string>[];
  return rows.map((row, index) => {
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
    if (!parsed.success) throw new Error(`row ${index + 1}: ${describeZodError(parsed.error)}`);
    return parsed.data;
  });
}
