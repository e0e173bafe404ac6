/**
 * Full-text queries as every adapter understands them: whitespace-separated terms, all required (AND);
 * a term is matched as a phrase of the words it contains (`id_rsa` finds "id rsa", `~/.ssh/id_rsa`
 * finds the path), a trailing `*` makes its last word a prefix, and `"quoted words"` stay together.
 * Words are runs of letters and digits, compared without case and diacritics (SQLite FTS5 `unicode61
 * remove_diacritics 2`, the Elasticsearch `palisade_text` analyzer, and the memory adapter agree).
 */
export interface TextTerm {
  /** The words of the term, lower-cased and folded. */
  words: string[];
  /** The last word matches as a prefix. */
  prefix: boolean;
}

const WORD = /[\p{L}\p{N}\p{Co}]+/gu;
const MAX_TERMS = 16;

/** The words of a text, lower-cased, diacritics removed. */
export function textWords(text: string): string[] {
  return foldText(text).match(WORD) ?? [];
}

export function foldText(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** Parses a user's query; terms without any word are dropped (an empty result means "no text filter"). */
export function parseTextQuery(q: string | undefined): TextTerm[] {
  if (!q) return [];
  const raw = q.match(/"[^"]*"\*?|\S+/g) ?? [];
  const terms: TextTerm[] = [];
  for (const token of raw) {
    const prefix = token.endsWith('*');
    const words = textWords(token.replace(/^"|"?\*?$/g, ''));
    if (words.length > 0) terms.push({ words, prefix });
    if (terms.length === MAX_TERMS) break;
  }
  return terms;
}
