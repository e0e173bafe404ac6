import { findMixedScriptWords, foldHomoglyphs } from './homoglyphs.js';
import { findInvisibleText, mayHoldInvisibleText, stripInvisible, type InvisibleFinding } from './invisible-text.js';

/** A text prepared for matching, with what was hidden in it. */
export interface TextAnalysis {
  /** NFKC, invisible characters dropped, look-alike letters folded to Latin, whitespace collapsed. */
  normalized: string;
  invisible: InvisibleFinding[];
  /** Words mixing Latin with Cyrillic/Greek letters. */
  mixedScriptWords: string[];
}

const ASCII_TEXT: Pick<TextAnalysis, 'invisible' | 'mixedScriptWords'> = Object.freeze({ invisible: [], mixedScriptWords: [] });

/**
 * Normalises a text before matching: what a model reads (NFKC, invisibles removed, homoglyphs folded,
 * whitespace collapsed), and what was hidden (tag characters decoded, zero-width, bidi, ANSI…).
 * Plain printable ASCII takes a fast path.
 */
export function analyseText(raw: string): TextAnalysis {
  if (!mayHoldInvisibleText(raw)) return { normalized: raw.replace(/\s+/g, ' '), ...ASCII_TEXT };
  const invisible = findInvisibleText(raw);
  const visible = stripInvisible(raw).normalize('NFKC');
  const mixedScriptWords = findMixedScriptWords(visible);
  // Typographic apostrophes read as ASCII ones ("don’t tell the user" is "don't tell the user").
  return { normalized: foldHomoglyphs(visible).replace(/[\u2018\u2019\u02bc]/g, "'").replace(/\s+/g, ' '), invisible, mixedScriptWords };
}
