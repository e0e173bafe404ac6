/**
 * JSON.stringify for a parsed JSON value of any depth. JSON.stringify recurses and throws a RangeError
 * some thousands of levels down, and a monitored server chooses how deep its answers nest: beyond that,
 * the same text is written without recursion. (Values come from JSON.parse: no toJSON, no cycles.)
 */
export function jsonText(value: object): string;
export function jsonText(value: unknown): string | undefined;
export function jsonText(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
  return deepJsonText(value);
}

/** A value still to write, or text to write as it is. */
type Pending = { value: unknown } | string;

function deepJsonText(root: unknown): string {
  const out: string[] = [];
  const pending: Pending[] = [{ value: root }];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (typeof next === 'string') {
      out.push(next);
      continue;
    }
    const { value } = next;
    if (value === null || typeof value !== 'object') {
      out.push(JSON.stringify(value) ?? 'null');
      continue;
    }
    // Pushed in reverse: the first member is popped first.
    if (Array.isArray(value)) {
      out.push('[');
      pending.push(']');
      for (let i = value.length - 1; i >= 0; i -= 1) {
        pending.push({ value: omitted(value[i]) ? null : value[i] });
        if (i > 0) pending.push(',');
      }
      continue;
    }
    const members = Object.entries(value as Record<string, unknown>).filter(([, member]) => !omitted(member));
    out.push('{');
    pending.push('}');
    for (let i = members.length - 1; i >= 0; i -= 1) {
      const [key, member] = members[i]!;
      pending.push({ value: member }, `${JSON.stringify(key)}:`);
      if (i > 0) pending.push(',');
    }
  }
  return out.join('');
}

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
function omitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}
