import { execAll } from './exec-all.js';

/** A base64 run found in a text, decoded when it holds readable text. */
export interface Base64Blob {
  start: number;
  length: number;
  /** Decoded text when the bytes are mostly printable UTF-8; undefined for binary data. */
  decodedText?: string;
}

const BASE64_RUN = /(?<![A-Za-z0-9+/=_-])(?:[A-Za-z0-9+/]{4}){10,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?(?![A-Za-z0-9+/=_-])/g;

/** Base64 runs of at least `minLength` characters (default 40), each decoded if it holds text. */
export function findBase64Blobs(text: string, minLength = 40, maxBlobs = 20): Base64Blob[] {
  if (text.length < minLength) return [];
  const blobs: Base64Blob[] = [];
  for (const match of execAll(BASE64_RUN, text)) {
    const run = match[0];
    if (run.length < minLength) continue;
    // Hex digests, identifiers and all-letter words are not base64 payloads.
    if (/^[0-9a-f]+$/i.test(run) || !/[0-9+/]/.test(run) || !/[a-z]/.test(run) || !/[A-Z]/.test(run)) continue;
    const blob: Base64Blob = { start: match.index, length: run.length };
    const bytes = Buffer.from(run.slice(0, 8192), 'base64');
    const decoded = bytes.toString('utf8');
    const printable = decoded.replace(/[^\x20-\x7e\n\r\t\u00a0-\uffff]/g, '').length;
    if (decoded.length > 0 && printable / decoded.length > 0.9 && !decoded.includes('\ufffd')) blob.decodedText = decoded;
    blobs.push(blob);
    if (blobs.length >= maxBlobs) break;
  }
  return blobs;
}

/** A hex run found in a text that decodes to readable text (an encoded instruction, not a digest). */
export interface HexText {
  start: number;
  length: number;
  decodedText: string;
}

const HEX_RUN = /(?<![0-9A-Za-z])(?:[0-9a-fA-F]{2}){20,}(?![0-9A-Za-z])/g;

/**
 * Hex runs of at least 40 digits that decode to printable text with spaces ("52656164207e2f…" →
 * "Read ~/…"). Digests, ids and binary data decode to unprintable bytes and are left out.
 */
export function findHexTexts(text: string, maxRuns = 10): HexText[] {
  if (text.length < 40) return [];
  const found: HexText[] = [];
  for (const match of execAll(HEX_RUN, text)) {
    const decoded = Buffer.from(match[0].slice(0, 8192), 'hex').toString('latin1');
    if (!/^[\x20-\x7e\n\r\t]+$/.test(decoded) || !/[a-z]{2,}\s+[a-z]{2,}/i.test(decoded)) continue;
    found.push({ start: match.index, length: match[0].length, decodedText: decoded });
    if (found.length >= maxRuns) break;
  }
  return found;
}
