import { isIP, isIPv4 } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

/**
 * A whole number written in decimal digits, from `min` to `max`. `z.coerce.number()` would also take `0x10`,
 * `1e3` or `0b1`, so PALISADE_API_PORT=0x10 listened on port 16 instead of stopping the detector.
 */
function wholeNumber(min: number, max: number, notANumber: string, tooSmall = notANumber, tooLarge = notANumber) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, notANumber)
    .transform(Number)
    .pipe(z.number().min(min, tooSmall).max(max, tooLarge));
}

const Port = wholeNumber(1, 65535, 'must be a port number (1-65535)');
const Bool = z.enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no']).transform((v) => ['1', 'true', 'on', 'yes'].includes(v));
const Days = wholeNumber(1, 36500, 'must be a whole number of days (1-36500)');

/**
 * One entry of PALISADE_TRUST_PROXY as Express takes it: a named range, an address, or an address with a
 * prefix length or a netmask. Checked here, since Express throws a bare TypeError on a bad one at start.
 */
function isTrustedProxy(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address = '', range, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (range === undefined) return true;
  if (/^\d{1,3}$/.test(range)) return Number(range) <= (family === 4 ? 32 : 128);
  return family === 4 && isIPv4(range);
}

/**
 * An SMTP URL nodemailer can send through: `smtp://` or `smtps://` with a host. A prefix alone let
 * `smtp://` (no server) or `smtp://:::` start the detector, and e-mail failed only with the first alert.
 */
function isSmtpUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'smtp:' || url.protocol === 'smtps:') && url.hostname !== '';
}

/**
 * The detector's own environment variables (contract section 2). Bus and store variables are parsed by
 * their libraries (`busConfigFromEnv`, `storeConfigFromEnv`).
 */
export const DetectorEnv = z.object({
  PALISADE_HOME: z.string().min(1).default('./.palisade'),
  PALISADE_API_PORT: Port.default(4000),
  PALISADE_API_HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * Reverse proxies in front of the API whose X-Forwarded-For is believed for the audit log's `source`
   * (Express "trust proxy": `loopback`, addresses or subnets, comma-separated). Unset: none, so a caller
   * cannot write another address into the audit log with a header.
   */
  PALISADE_TRUST_PROXY: z
    .string()
    .regex(/^[\w.:/, -]+$/, 'must be loopback, linklocal, uniquelocal or addresses/subnets, comma-separated')
    .superRefine((value, ctx) => {
      const bad = value.split(',').map((entry) => entry.trim()).find((entry) => entry !== '' && !isTrustedProxy(entry));
      if (bad !== undefined) ctx.addIssue({ code: 'custom', message: `names ${JSON.stringify(bad)}, which is not loopback, linklocal, uniquelocal, an address or a subnet` });
    })
    .optional()
    .transform((v): string | false => (v?.trim() ? v.trim() : false)),
  PALISADE_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** A collector token accepted as given (role `collector`), for collectors started with `--bus http`. */
  PALISADE_INGEST_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  PALISADE_DASHBOARD_URL: z.url().default('http://127.0.0.1:3000'),
  SMTP_URL: z.string().refine(isSmtpUrl, 'must be an smtp:// or smtps:// URL naming the mail server (smtp://user:password@mail.example.com:587)').optional(),
  PALISADE_MAIL_TO: z.string().optional(),
  PALISADE_MAIL_FROM: z.string().default('Palisade <palisade@localhost>'),
  /** Comma-separated webhook URLs for containment decisions. */
  PALISADE_WEBHOOKS: z.string().optional(),
  /** HMAC secret for the webhooks; generated into PALISADE_HOME when absent. */
  PALISADE_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Automatic quarantine on critical poisoning, drift and shadowing: `on`, `off` or `dry-run`. */
  PALISADE_AUTO_QUARANTINE: z.enum(['on', 'off', 'dry-run']).default('on'),
  PALISADE_RETENTION_EVENTS_DAYS: Days.default(30),
  PALISADE_RETENTION_ALERTS_DAYS: Days.default(365),
  PALISADE_RETENTION_AUDIT_DAYS: Days.default(2555),
  /** Tool definition versions last seen longer ago are pruned, but for each tool's first, latest, pinned, current and alerted-on ones. */
  PALISADE_RETENTION_VERSIONS_DAYS: Days.default(30),
  /** Where the correlation rule pack lives (defaults to the repository's rules/). */
  PALISADE_RULES_DIR: z.string().optional(),
  /** An optional JSON config file adding webhooks (each with its own secret) and per-tool policies. */
  PALISADE_CONFIG: z.string().optional(),
  PALISADE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PALISADE_TOPIC: z.string().min(1).default('mcp.telemetry'),
  /** How far apart two collectors' clocks may be, for cross-server flows and ordered rules (ms, 0–10 min). */
  PALISADE_CLOCK_SKEW_MS: wholeNumber(0, 600_000, 'must be a whole number of milliseconds (0-600000)', 'must be 0 or more', 'must be at most 600000 (10 minutes)').default(2000),
  /** Events a tuning preview replays at most (the tool's calls first, then their sessions and context): a bound on its work. */
  PALISADE_PREVIEW_MAX_EVENTS: wholeNumber(100, 1_000_000, 'must be a whole number of events (100-1000000)', 'must be at least 100', 'must be at most 1000000').default(20_000),
  /** Compliance exports written at once by one detector; one more is refused with 429 until one ends. */
  PALISADE_EXPORT_CONCURRENCY: wholeNumber(1, 16, 'must be a whole number of exports (1-16)', 'must be at least 1', 'must be at most 16').default(2),
  /** Whether the worker stores every event or only what the engine needs (always true today). */
  PALISADE_STORE_EVENTS: Bool.default(true),
});
export type DetectorEnv = z.infer<typeof DetectorEnv>;

export function resolveHome(home: string): string {
  return path.resolve(home);
}
