import { execAll } from './exec-all.js';

/**
 * Cyrillic and Greek letters that look like Latin ones. Matching folds them to Latin so `ignоre` (with a
 * Cyrillic о) matches `ignore`; a word that mixes scripts is itself a signal of deception.
 */
const CONFUSABLES: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ɡ: 'g', ӏ: 'l', һ: 'h', ԛ: 'q', ԝ: 'w', ʏ: 'y',
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', У: 'Y', Х: 'X', І: 'I', Ј: 'J', Ѕ: 'S', Ԁ: 'D', Ԛ: 'Q', Ԝ: 'W',
  α: 'a', ο: 'o', ν: 'v', ρ: 'p', ι: 'i', κ: 'k', υ: 'u', τ: 't', ε: 'e', χ: 'x', γ: 'y',
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
};

const CONFUSABLE_PATTERN = new RegExp(`[${Object.keys(CONFUSABLES).join('')}]`, 'gu');
const MIXED_WORD = /[\p{L}\p{M}]+/gu;

/** Replaces look-alike Cyrillic/Greek letters with the Latin letters they imitate. */
export function foldHomoglyphs(text: string): string {
  return text.replace(CONFUSABLE_PATTERN, (c) => CONFUSABLES[c] ?? c);
}

/** Words mixing Latin letters with Cyrillic or Greek ones (`ignоre`): a classic filter evasion. */
export function findMixedScriptWords(text: string): string[] {
  const words: string[] = [];
  for (const match of execAll(MIXED_WORD, text)) {
    const word = match[0];
    if (word.length < 3) continue;
    const latin = /[A-Za-z]/.test(word);
    const other = /[\u0370-\u03ff\u0400-\u04ff]/.test(word);
    if (latin && other) words.push(word);
    if (words.length >= 10) break;
  }
  return words;
}
