import { maxSeverity, type EvidenceMatch, type Severity } from '@palisade/schema';
import type { DetectionContext } from '../engine/detection-context.js';
import { findBase64Blobs } from '../text/base64-blobs.js';
import { argumentKind, keyWords } from './argument-kinds.js';
import { secretSourceKey, type SecretSourceRecord } from './cross-server-flow.detector.js';
import { secretExposure, shouldRescan } from './secret-exposure.js';

/** Encoded blobs this large in arguments may be files or data being smuggled out. */
const LARGE_BLOB = 4096;
const FILE_LIKE = /image|file|attachment|upload|content|data|body|blob|bytes|base64|media|photo|audio|video|document|pdf/i;

/**
 * sensitive_data_exfiltration: secrets, keys or credentials leaving through tool arguments — the
 * collector's findings, raw secrets (when re-scanning applies), whole credential files — and large
 * encoded blobs (low for arguments made for files, medium otherwise). Blocked calls are analysed too.
 */
export function detectSensitiveDataExfiltration(ctx: DetectionContext): void {
  const { view, engine } = ctx;
  const leaves = view.argumentLeaves;
  const exposure = secretExposure(view, 'request', leaves, shouldRescan(view, 'request', engine.options));
  let severity: Severity | null = exposure?.severity ?? null;
  const matches: EvidenceMatch[] = [...(exposure?.matches ?? [])];
  for (const leaf of leaves) {
    if (leaf.value.length < LARGE_BLOB) continue;
    for (const blob of findBase64Blobs(leaf.value, LARGE_BLOB, 3)) {
      const expected = FILE_LIKE.test(leaf.key) || keyWords(leaf.key).some((w) => FILE_LIKE.test(w)) || argumentKind(leaf.key) === 'prose';
      const level: Severity = expected ? 'low' : 'medium';
      severity = severity ? maxSeverity(severity, level) : level;
      matches.push({ field: leaf.field, text: `${blob.length} base64 characters${blob.decodedText ? ' (decodes to text)' : ''}`, signal: 'large encoded blob in arguments', ...(blob.decodedText ? { decoded: blob.decodedText.slice(0, 400) } : {}) });
    }
  }
  if (!severity) return;
  const types = exposure?.types ?? [];
  const source = exposure?.fingerprints.map((fp) => ctx.state.get<SecretSourceRecord>(secretSourceKey(fp))).find((s) => s !== undefined);
  ctx.emit({
    category: 'sensitive_data_exfiltration',
    severity,
    title: `${types.length > 0 ? `Secret (${types.slice(0, 3).join(', ')})` : 'Encoded data'} sent in arguments to ${view.tool ?? view.method}`,
    tool: view.tool,
    evidence: {
      summary: `Arguments of ${view.tool ?? view.method} on server "${view.server}" carry ${types.length > 0 ? `secrets or credentials (${types.join(', ')})` : 'a large encoded blob'}${view.outcome === 'blocked' ? ' (the call was blocked)' : ''}.`,
      matches,
      ...(exposure?.fingerprints.length ? { fingerprints: exposure.fingerprints } : {}),
      ...(source ? { source: { server: source.server, tool: source.tool, eventId: source.eventId } } : {}),
      details: { outcome: view.outcome, types },
    },
  });
}
