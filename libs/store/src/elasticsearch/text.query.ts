import type { TextTerm } from '../shared/text-query.js';
import type { Query } from './elasticsearch.context.js';

/** One `match_phrase` (or `match_phrase_prefix` for a `*` term) per term, all required. */
export function textQuery(field: string, terms: readonly TextTerm[]): Query[] {
  return terms.map((term) => {
    const phrase = term.words.join(' ');
    return term.prefix ? { match_phrase_prefix: { [field]: { query: phrase } } } : { match_phrase: { [field]: { query: phrase } } };
  });
}
