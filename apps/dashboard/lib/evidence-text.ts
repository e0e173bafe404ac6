// Evidence text made readable: the matched span highlighted, invisible characters shown and decoded,
// redacted secrets shown as fingerprints. Pure, shared by server components and tests.

export type TextSegment =
  | { kind: 'plain'; text: string }
  | { kind: 'match'; text: string }
  | { kind: 'secret'; text: string; secretType: string; fingerprint: string }
  /** A run of invisible characters: their code points and, for Unicode tag characters, the text they spell. */
  | { kind: 'invisible'; codePoints: string[]; decoded: string };

/** Context the detection scanners keep on each side of a match in an excerpt (text-signal.scanner). */
export const EXCERPT_CONTEXT = 60;
const ELLIPSIS = '…';

const REDACTED = /\[REDACTED:([a-z0-9_]+):([0-9a-f]{4,64})\]/g;

export function isInvisible(codePoint: number): boolean {
  return (
    (codePoint >= 0x200b && codePoint <= 0x200f) ||
    (codePoint >= 0x202a && codePoint <= 0x202e) ||
    (codePoint >= 0x2060 && codePoint <= 0x2064) ||
    (codePoint >= 0x2066 && codePoint <= 0x2069) ||
    codePoint === 0xfeff ||
    codePoint === 0x00ad ||
    codePoint === 0x180e ||
    (codePoint >= 0xfe00 && codePoint <= 0xfe0f) ||
    (codePoint >= 0xe0000 && codePoint <= 0xe007f) ||
    (codePoint >= 0xe0100 && codePoint <= 0xe01ef)
  );
}

function codePointLabel(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Splits text into plain, invisible and redacted-secret segments. */
export function segmentText(text: string, kind: 'plain' | 'match' = 'plain'): TextSegment[] {
  const out: TextSegment[] = [];
  let last = 0;
  for (const m of text.matchAll(REDACTED)) {
    if (m.index > last) out.push(...splitInvisible(text.slice(last, m.index), kind));
    out.push({ kind: 'secret', text: m[0], secretType: m[1]!, fingerprint: m[2]! });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(...splitInvisible(text.slice(last), kind));
  return out;
}

function splitInvisible(text: string, kind: 'plain' | 'match'): TextSegment[] {
  const out: TextSegment[] = [];
  let visible = '';
  let hidden: number[] = [];
  const flushVisible = () => {
    if (visible) out.push({ kind, text: visible });
    visible = '';
  };
  const flushHidden = () => {
    if (hidden.length) {
      const decoded = hidden
        .filter((cp) => cp >= 0xe0020 && cp <= 0xe007e)
        .map((cp) => String.fromCodePoint(cp - 0xe0000))
        .join('');
      out.push({ kind: 'invisible', codePoints: hidden.map(codePointLabel), decoded });
    }
    hidden = [];
  };
  for (const char of text) {
    const cp = char.codePointAt(0)!;
    if (isInvisible(cp)) {
      flushVisible();
      hidden.push(cp);
    } else {
      flushHidden();
      visible += char;
    }
  }
  flushHidden();
  flushVisible();
  return out;
}

/**
 * The segments of an evidence excerpt with its match highlighted. `start`/`end` are offsets in the
 * whole (normalised) field; the excerpt starts at the field's beginning, or with `…` and the
 * scanners' context before the match. When the offsets do not fit the excerpt, nothing is highlighted.
 */
export function highlightExcerpt(excerpt: string, start?: number, end?: number): TextSegment[] {
  if (start === undefined || end === undefined || end <= start) return segmentText(excerpt);
  const chars = [...excerpt];
  const truncated = excerpt.startsWith(ELLIPSIS);
  const at = truncated ? 1 + EXCERPT_CONTEXT : start;
  const length = end - start;
  // Offsets count UTF-16 units; excerpts of visible text are checked on code points.
  if (at + length > chars.length || (truncated && start < EXCERPT_CONTEXT)) return segmentText(excerpt);
  return [
    ...segmentText(chars.slice(0, at).join('')),
    ...segmentText(chars.slice(at, at + length).join(''), 'match'),
    ...segmentText(chars.slice(at + length).join('')),
  ];
}

/**
 * What the banner of an alert that names another tool (`evidence.victim`) says after the tool's name: a
 * shadowing alert raised on the name alone (same or look-alike name on another server) is a confusion
 * between tools, any other is a description reaching for another tool's behaviour.
 */
export function victimSentence(matches: readonly { field: string }[]): string {
  return matches.length > 0 && matches.every((m) => m.field === 'name') ? ': the model may take this tool for that one (same or look-alike name).' : ': this description tries to change how that tool behaves.';
}
