/** A zod schema, as far as reading back needs one. */
export interface Validator<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

/**
 * Reads stored JSON documents back without ever throwing: a row that does not parse, or does not have
 * the shape its list needs, is skipped and counted (reported by `Store.stats()`).
 */
export class MalformedRowCounter {
  private skipped = 0;

  get count(): number {
    return this.skipped;
  }

  parse<T>(text: unknown, isValid: (value: unknown) => boolean): T | null {
    if (typeof text !== 'string') return this.skip();
    try {
      const value: unknown = JSON.parse(text);
      return isValid(value) ? (value as T) : this.skip();
    } catch {
      return this.skip();
    }
  }

  /** Parses and validates with a schema (for small documents, where a full check is cheap). */
  parseWith<T>(text: unknown, schema: Validator<T>): T | null {
    const value = this.parse<unknown>(text, () => true);
    return value === null ? null : this.checkWith(value, schema);
  }

  /** Validates a value already parsed (a `_source`) with a schema. */
  checkWith<T>(value: unknown, schema: Validator<T>): T | null {
    const result = schema.safeParse(value);
    return result.success ? result.data : this.skip();
  }

  /** Counts a row found malformed elsewhere (e.g. by a schema) and returns null. */
  skip(): null {
    this.skipped += 1;
    return null;
  }
}

/** Cheap shape checks for what is read back: an object with the string keys its lists and links rely on. */
export function hasStringKeys(...keys: string[]): (value: unknown) => boolean {
  return (value) => typeof value === 'object' && value !== null && !Array.isArray(value) && keys.every((key) => typeof (value as Record<string, unknown>)[key] === 'string');
}
