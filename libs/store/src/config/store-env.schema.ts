import { z } from 'zod';

/** A value as shown in an error line: quoted, on one line, bounded. */
export function shownValue(value: unknown): string {
  const text = String(value);
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

/** A URL as shown in an error line: as given, unless it carries credentials, which are masked. */
export function shownUrl(value: unknown): string {
  const text = String(value);
  return shownValue(/\/\/[^/@]*@/.test(text) ? text.replace(/\/\/[^/@]*@/, '//***@') : text);
}

function oneOf<const T extends readonly [string, ...string[]]>(name: string, values: T) {
  return z.enum(values, { error: (issue) => `${name} must be ${values.join(' or ')} (got ${shownValue(issue.input)})` });
}

function wholeNumber(name: string, min: number, max: number) {
  return z
    .string()
    .trim()
    .refine((raw) => /^\d+$/.test(raw) && Number(raw) >= min && Number(raw) <= max, {
      error: (issue) => `${name} must be a whole number from ${min} to ${max} (got ${shownValue(issue.input)})`,
    })
    .transform(Number);
}

/**
 * The store's environment variables. Empty values count as unset; every message starts with the
 * variable's name. Rules across variables (Elasticsearch needs its URL…) live in `storeConfigFromEnv`.
 */
export const StoreEnvSchema = z.object({
  PALISADE_STORE: oneOf('PALISADE_STORE', ['sqlite', 'elasticsearch']).default('sqlite'),
  PALISADE_HOME: z.string().default('./.palisade'),
  /** sqlite: `normal` survives kill -9 of any process; `full` also survives power loss (an fsync per commit). */
  PALISADE_STORE_SYNC: oneOf('PALISADE_STORE_SYNC', ['normal', 'full']).default('normal'),
  /** Characters of one event's text that go into the full-text index. */
  PALISADE_STORE_TEXT_CHARS: wholeNumber('PALISADE_STORE_TEXT_CHARS', 256, 1_048_576).default(16_384),
  ELASTICSEARCH_URL: z
    .string()
    .trim()
    .refine((raw) => /^https?:$/.test(URL.canParse(raw) ? new URL(raw).protocol : ''), {
      error: (issue) => `ELASTICSEARCH_URL must be an http(s) URL (got ${shownUrl(issue.input)})`,
    })
    .optional(),
  // Secrets: never echoed in an error line.
  ELASTICSEARCH_API_KEY: z.string().optional(),
  ELASTICSEARCH_USERNAME: z.string().optional(),
  ELASTICSEARCH_PASSWORD: z.string().optional(),
  /** A PEM file with the CA that signed the cluster's certificate (self-managed clusters). */
  ELASTICSEARCH_CA_CERT: z.string().optional(),
  PALISADE_INDEX_PREFIX: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, {
      error: (issue) => `PALISADE_INDEX_PREFIX must be 1-40 lower-case letters, digits, '-' or '_', not starting with '-' or '_' (got ${shownValue(issue.input)})`,
    })
    .default('palisade'),
  /** `interval`: rely on the indices' 1 s refresh; `wait_for`: each write returns once searchable (slower). */
  PALISADE_ES_REFRESH: oneOf('PALISADE_ES_REFRESH', ['interval', 'wait_for']).default('interval'),
  PALISADE_ES_REPLICAS: wholeNumber('PALISADE_ES_REPLICAS', 0, 10).default(1),
});

export type StoreEnv = z.infer<typeof StoreEnvSchema>;
