// Text from monitored servers made readable and honest: the matched span highlighted, invisible
// characters shown and decoded, letters of a look-alike script marked, redacted secrets shown as
// fingerprints. Pure, shared by server and client components and tests.

import { isControlCodePoint, isHiddenCodePoint } from '@palisade/schema/printable-text';

export type TextSegment =
  | { kind: 'plain'; text: string }
  | { kind: 'match'; text: string }
  | { kind: 'secret'; text: string; secretType: string; fingerprint: string }
  /** A run of invisible characters: their code points and, for Unicode tag characters, the text they spell. */
  | { kind: 'invisible'; codePoints: string[]; decoded: string }
  /** Letters of another script inside a Latin word (`sеnd_email` with a Cyrillic е): they look like Latin ones. */
  | { kind: 'lookalike'; text: string; script: string; codePoints: string[]; match: boolean };

export interface SegmentOptions {
  /** A name or a title on one line: tabs and line breaks are shown as hidden characters too. */
  inline?: boolean;
}

/** Context the detection scanners keep on each side of a match in an excerpt (text-signal.scanner). */
export const EXCERPT_CONTEXT = 60;
const ELLIPSIS = '…';

const REDACTED = /\[REDACTED:([a-z0-9_]+):([0-9a-f]{4,64})\]/g;
const LINE_CHARACTERS = new Set([0x09, 0x0a, 0x0d]);

/**
 * Characters that print as nothing or rearrange the text around them (zero-width, bidi controls, tag
 * characters, fillers: the set the CLI and e-mail escape), and control characters. Tabs and line breaks
 * count only in `inline` text: they belong to descriptions and JSON.
 */
export function isInvisible(codePoint: number, options: SegmentOptions = {}): boolean {
  if (isHiddenCodePoint(codePoint)) return true;
  return isControlCodePoint(codePoint) && (options.inline === true || !LINE_CHARACTERS.has(codePoint));
}

function codePointLabel(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Splits text into plain, invisible, look-alike and redacted-secret segments. */
export function segmentText(text: string, kind: 'plain' | 'match' = 'plain', options: SegmentOptions = {}): TextSegment[] {
  const out: TextSegment[] = [];
  let last = 0;
  for (const m of text.matchAll(REDACTED)) {
    if (m.index > last) out.push(...splitInvisible(text.slice(last, m.index), kind, options));
    out.push({ kind: 'secret', text: m[0], secretType: m[1]!, fingerprint: m[2]! });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(...splitInvisible(text.slice(last), kind, options));
  return out;
}

function splitInvisible(text: string, kind: 'plain' | 'match', options: SegmentOptions): TextSegment[] {
  const out: TextSegment[] = [];
  let visible = '';
  let hidden: number[] = [];
  const flushVisible = () => {
    if (visible) out.push(...splitLookalikes(visible, kind));
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
    if (isInvisible(cp, options)) {
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

/** Scripts with letters that pass for Latin ones (а е о р с у х, ο ν, Armenian օ, Cherokee Ꭺ …). */
const LOOKALIKE_SCRIPTS = [
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Armenian', /\p{Script=Armenian}/u],
  ['Cherokee', /\p{Script=Cherokee}/u],
] as const;
/** A word, identifiers included (`send_email`, `getUser2`). */
const WORD = /[\p{L}\p{M}\p{N}_]+/gu;
const LATIN = /\p{Script=Latin}/u;

function lookalikeScript(char: string): string | null {
  for (const [script, pattern] of LOOKALIKE_SCRIPTS) if (pattern.test(char)) return script;
  return null;
}

/** Marks the letters of a look-alike script inside words that also hold Latin letters: `sеnd_email`. */
function splitLookalikes(text: string, kind: 'plain' | 'match'): TextSegment[] {
  const out: TextSegment[] = [];
  let plain = '';
  let last = 0;
  for (const word of text.matchAll(WORD)) {
    if (!LATIN.test(word[0])) continue;
    let offset = word.index;
    for (const char of word[0]) {
      const script = lookalikeScript(char);
      if (script) {
        plain += text.slice(last, offset);
        if (plain) out.push({ kind, text: plain });
        plain = '';
        const previous = out.at(-1);
        if (previous?.kind === 'lookalike' && previous.script === script && previous.match === (kind === 'match')) {
          previous.text += char;
          previous.codePoints.push(codePointLabel(char.codePointAt(0)!));
        } else out.push({ kind: 'lookalike', text: char, script, codePoints: [codePointLabel(char.codePointAt(0)!)], match: kind === 'match' });
        last = offset + char.length;
      }
      offset += char.length;
    }
  }
  plain += text.slice(last);
  if (plain) out.push({ kind, text: plain });
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
export function victimSentence(matches: readonly { field: string }[], victimTool: string | null = 'tool'): string {
  const names = matches.length > 0 && matches.every((m) => m.field === 'name');
  if (victimTool === null) return names ? ': that server lists the same tools (the same server run under two names, or one imitating the other).' : ': this text tries to change how that server\'s tools behave.';
  return names ? ': the model may take this tool for that one (same or look-alike name).' : ': this description tries to change how that tool behaves.';
}
