/**
 * Every match of a global regular expression, by an exec loop on the shared instance. (`matchAll`
 * clones the regex on each call, which dominates the cost on short texts.) Resets `lastIndex`.
 */
export function execAll(pattern: RegExp, text: string): RegExpExecArray[] {
  const matches: RegExpExecArray[] = [];
  pattern.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    matches.push(match);
    if (match[0].length === 0) pattern.lastIndex += 1;
  }
  pattern.lastIndex = 0;
  return matches;
}
