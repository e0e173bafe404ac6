import { createHash } from 'node:crypto';
import type { CaptureInfo } from '@palisade/schema/telemetry';

export interface LimitedCapture {
  /** The value as kept: whole, or a truncated form within the limit. */
  value: unknown;
  info: CaptureInfo;
}

const MARKER_RESERVE = 48;
const PRIVATE_KEY_BEGIN = '-----BEGIN';

/**
 * Cuts a string to `max` characters. A cut that leaves the start of a PEM block without its end is cut
 * before the block, so no fragment of key material survives truncation.
 */
function cutString(text: string, max: number): string {
  let kept = text.slice(0, Math.max(0, max));
  const begin = kept.lastIndexOf(PRIVATE_KEY_BEGIN);
  if (begin >= 0 && kept.indexOf('-----END', begin) < 0) kept = kept.slice(0, begin);
  return `${kept}…[truncated ${text.length - kept.length} chars]`;
}

/** Rough serialised size of a leaf (strings counted by UTF-16 length: the final check is exact). */
function leafSize(value: unknown): number {
  if (typeof value === 'string') return value.length + 2;
  const text = JSON.stringify(value);
  return text === undefined ? 4 : text.length;
}

/**
 * A structural truncation: keeps the shape (keys, first items, the start of long strings) within about
 * `budget` bytes, so an analyst and the detector still see what was called with what.
 */
function shrink(value: unknown, budget: number, state: { left: number }): unknown {
  if (typeof value === 'string') {
    const cap = Math.max(64, Math.min(state.left, Math.floor(budget / 4)));
    if (value.length + 2 <= cap) {
      state.left -= value.length + 2;
      return value;
    }
    const cut = cutString(value, cap - MARKER_RESERVE);
    state.left -= cut.length + 2;
    return cut;
  }
  if (value === null || typeof value !== 'object') {
    state.left -= leafSize(value);
    return value;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i += 1) {
      if (state.left < MARKER_RESERVE) {
        out.push(`…[${value.length - i} more items]`);
        break;
      }
      out.push(shrink(value[i], budget, state));
    }
    state.left -= 2;
    return out;
  }
  const out: Record<string, unknown> = {};
  const entries = Object.entries(value as Record<string, unknown>);
  for (let i = 0; i < entries.length; i += 1) {
    const [key, item] = entries[i] as [string, unknown];
    if (state.left < MARKER_RESERVE + key.length) {
      out['palisade.truncated'] = `…[${entries.length - i} more keys]`;
      break;
    }
    state.left -= key.length + 4;
    out[key] = shrink(item, budget, state);
  }
  state.left -= 2;
  return out;
}

/**
 * Applies the capture limit to one message part. `bytes` is the size of the part as received; `sha256`
 * digests the part as kept before truncation (after redaction: a digest of a raw secret would let anyone
 * confirm a guess). Beyond `limitBytes` a structural truncation is kept.
 */
export function limitCapture(value: unknown, text: string, originalBytes: number, limitBytes: number): LimitedCapture {
  const sha256 = createHash('sha256').update(text).digest('hex');
  const keptBytes = text.length <= limitBytes / 3 ? text.length * 3 : Buffer.byteLength(text);
  if (keptBytes <= limitBytes) return { value, info: { bytes: originalBytes, sha256, truncated: false } };
  let budget = limitBytes - MARKER_RESERVE;
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const candidate = shrink(value, budget, { left: budget });
    const size = Buffer.byteLength(JSON.stringify(candidate) ?? '');
    if (size <= limitBytes) return { value: candidate, info: { bytes: originalBytes, sha256, truncated: true } };
    budget = Math.floor((budget * limitBytes) / size / 1.5);
  }
  return { value: cutString(text, Math.floor(limitBytes / 4)), info: { bytes: originalBytes, sha256, truncated: true } };
}
