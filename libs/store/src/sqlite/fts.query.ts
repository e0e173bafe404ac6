import type { TextTerm } from '../shared/text-query.js';

/** An FTS5 MATCH expression for parsed terms: each a quoted phrase of its words, all ANDed. */
export function ftsMatchExpression(terms: readonly TextTerm[]): string {
  return terms.map((term) => `"${term.words.join(' ')}"${term.prefix ? ' *' : ''}`).join(' AND ');
}
