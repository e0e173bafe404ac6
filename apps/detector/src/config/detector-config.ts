import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EngineOptions } from '@palisade/detection';
import { AlertCategory, ConfigError, Severity, describeZodError } from '@palisade/schema';
import { z } from 'zod';
import { DetectorEnv } from './env.schema.js';

export { ConfigError };

/** Variables whose values are secrets, or may hold one (a password in SMTP_URL). */
const SECRET_VARIABLE = /TOKEN|SECRET|PASSWORD|API_KEY|SMTP_URL/;

const WebhookConfig = z.strictObject({ url: z.url({ protocol: /^https?$/ }), secret: z.string().min(16).optional() });

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const ms = (max: number, what: string) => z.number().int('must be a whole number of milliseconds').min(0, 'must be 0 or more').max(max, `must be at most ${max} (${what})`);

/** The config file's `engine` section: the engine's options (every one optional; its defaults otherwise). */
const EngineOptionsFile = z.strictObject({
  /** Observations before a tool's baseline leaves learning. */
  warmup: z.number().int().min(1).max(100_000).optional(),
  /** Multiplier on behavioural thresholds (higher: fewer alerts). */
  sensitivity: z.number().min(0.1).max(100).optional(),
  /** Sessions idle longer than this (event time) are forgotten. */
  sessionIdleMs: ms(7 * DAY_MS, '7 days').optional(),
  maxSessions: z.number().int().min(10).max(1_000_000).optional(),
  /** How long a sensitive value read from one server is followed into calls to others. */
  flowTtlMs: ms(30 * DAY_MS, '30 days').optional(),
  maxFlows: z.number().int().min(10).max(1_000_000).optional(),
  /** How late (event time) an event may arrive and still be correlated with other servers' events. */
  reorderWindowMs: ms(60 * MINUTE_MS, '1 hour').optional(),
  /** Allowed path roots per server NAME: a path outside raises `path_traversal` (roots/list adds to them). */
  roots: z.record(z.string().min(1), z.array(z.string().min(1)).max(100)).optional(),
  /** Re-scan captured text for raw secrets: `auto` (parts no collector captured), `always` or `never`. */
  rescanSecrets: z.enum(['auto', 'always', 'never']).optional(),
  /** Characters of arguments and of results scanned per event at most. */
  maxScanChars: z.number().int().min(1024).max(16 * 1024 * 1024).optional(),
});

/** E-mail recipients: an address, optionally with a display name (`SOC <soc@example.com>`). */
const MailRecipient = z.string().regex(/^(?:[^<>@,]*<[^\s<>@,]+@[^\s<>@,]+>|[^\s<>@,]+@[^\s<>@,]+)$/, 'must be an e-mail address');

/**
 * The optional JSON file named by PALISADE_CONFIG. Strict at every level: a misspelt key ("webhook") would
 * otherwise leave webhooks or mail quietly off.
 */
const ConfigFile = z.strictObject({
  webhooks: z.array(WebhookConfig).max(50).default([]),
  containment: z
    .strictObject({
      mode: z.enum(['on', 'off', 'dry-run']).optional(),
      /** Per category, the lowest severity that quarantines automatically. */
      categories: z.partialRecord(AlertCategory, Severity).optional(),
      /** Per `server/tool`: `off` exempts the tool, `on` follows the categories, `dry-run` only records. */
      tools: z
        .record(z.string(), z.enum(['on', 'off', 'dry-run']))
        .superRefine((tools, ctx) => {
          // Keyed by the tool alone, a policy would never match (and the tool would be contained as usual).
          for (const key of Object.keys(tools)) if (!/^[\w.-]+\/.+$/.test(key)) ctx.addIssue({ code: 'custom', path: [key], message: 'must be SERVER/TOOL (e.g. filesystem/read_file)' });
        })
        .optional(),
    })
    .default({}),
  mail: z.strictObject({ to: z.array(MailRecipient).default([]) }).default({ to: [] }),
  engine: EngineOptionsFile.default({}),
});

export interface ContainmentPolicy {
  mode: 'on' | 'off' | 'dry-run';
  categories: Partial<Record<AlertCategory, Severity>>;
  tools: Record<string, 'on' | 'off' | 'dry-run'>;
}

export interface DetectorConfig {
  home: string;
  /** `trustProxy`: Express's "trust proxy" setting (whose X-Forwarded-For the audit log believes); false by default. */
  api: { host: string; port: number; trustProxy: string | false };
  adminToken: string | undefined;
  ingestToken: string | undefined;
  dashboardUrl: string;
  mail: { smtpUrl: string | undefined; to: string[]; from: string };
  webhooks: { url: string; secret: string | undefined }[];
  webhookSecret: string | undefined;
  containment: ContainmentPolicy;
  /** `versionsDays`: tool definition versions last seen before it are pruned (never a tool's first, latest, pinned, current or alerted-on one). */
  retention: { eventsDays: number; alertsDays: number; auditDays: number; versionsDays: number };
  /** Tuning previews: events replayed at most. */
  preview: { maxEvents: number };
  /** Compliance exports: how many one detector writes at once (PALISADE_EXPORT_CONCURRENCY). */
  exports: { maxConcurrent: number };
  rulesDir: string;
  logLevel: DetectorEnv['PALISADE_LOG_LEVEL'];
  topic: string;
  /** Engine options: the config file's `engine` section and PALISADE_CLOCK_SKEW_MS. */
  engine: EngineOptions;
}

/** Default automatic containment: critical poisoning, drift and shadowing quarantine the tool. */
const DEFAULT_CONTAINMENT_CATEGORIES: Partial<Record<AlertCategory, Severity>> = {
  tool_poisoning: 'critical',
  description_drift: 'critical',
  tool_shadowing: 'critical',
};

function defaultRulesDir(): string {
  // dist/config/detector-config.js or src/config/detector-config.ts → repository root/rules
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../rules');
}

/**
 * The automatic containment mode: the environment and the config file may both give it, but not two
 * different ones (a file saying `on` silently overrode PALISADE_AUTO_QUARANTINE=dry-run).
 */
function containmentMode(fromEnv: 'on' | 'off' | 'dry-run' | undefined, fromFile: 'on' | 'off' | 'dry-run' | undefined, file: string | undefined): 'on' | 'off' | 'dry-run' {
  if (fromEnv && fromFile && fromEnv !== fromFile) {
    throw ConfigError.of('PALISADE_AUTO_QUARANTINE', `PALISADE_AUTO_QUARANTINE=${fromEnv} contradicts containment.mode "${fromFile}" in PALISADE_CONFIG=${file}: keep one`);
  }
  return fromEnv ?? fromFile ?? 'on';
}

/** Parses the detector's settings once, failing with one line naming the first bad variable. */
export function loadDetectorConfig(env: NodeJS.ProcessEnv = process.env): DetectorConfig {
  const parsed = DetectorEnv.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    // Tokens, secrets and URLs that may carry a password are named, never printed.
    const shown = SECRET_VARIABLE.test(name) ? `${name} (value not shown)` : `${name}=${JSON.stringify(env[name] ?? '')}`;
    throw ConfigError.of(name, `${shown} is invalid: ${issue.message}`);
  }
  const e = parsed.data;
  let file: z.infer<typeof ConfigFile> = { webhooks: [], containment: {}, mail: { to: [] }, engine: {} };
  if (e.PALISADE_CONFIG) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(e.PALISADE_CONFIG, 'utf8'));
    } catch (error) {
      throw ConfigError.of('PALISADE_CONFIG', `PALISADE_CONFIG=${e.PALISADE_CONFIG} cannot be read as JSON: ${(error as Error).message}`);
    }
    const result = ConfigFile.safeParse(raw);
    if (!result.success) throw ConfigError.of('PALISADE_CONFIG', `PALISADE_CONFIG=${e.PALISADE_CONFIG} is invalid: ${describeZodError(result.error)}`);
    file = result.data;
  }
  const envWebhooks = (e.PALISADE_WEBHOOKS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const url of envWebhooks) {
    if (!z.url({ protocol: /^https?$/ }).safeParse(url).success) {
      throw ConfigError.of('PALISADE_WEBHOOKS', `PALISADE_WEBHOOKS contains ${JSON.stringify(url)}, which is not an http(s) URL`);
    }
  }
  const mailTo = [
    ...(e.PALISADE_MAIL_TO ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    ...file.mail.to,
  ];
  const badRecipient = mailTo.find((to) => !MailRecipient.safeParse(to).success);
  if (badRecipient !== undefined) throw ConfigError.of('PALISADE_MAIL_TO', `PALISADE_MAIL_TO contains ${JSON.stringify(badRecipient)}, which is not an e-mail address`);
  if (!e.SMTP_URL && mailTo.length > 0) {
    throw ConfigError.of(e.PALISADE_MAIL_TO ? 'PALISADE_MAIL_TO' : 'PALISADE_CONFIG', `${e.PALISADE_MAIL_TO ? 'PALISADE_MAIL_TO' : `PALISADE_CONFIG=${e.PALISADE_CONFIG} mail.to`} names recipients but SMTP_URL is unset, so no e-mail would be sent: set SMTP_URL or remove the recipients`);
  }
  if (e.PALISADE_INGEST_TOKEN !== undefined && e.PALISADE_INGEST_TOKEN === e.PALISADE_ADMIN_TOKEN) {
    throw ConfigError.of('PALISADE_INGEST_TOKEN', 'PALISADE_INGEST_TOKEN (value not shown) is the same as PALISADE_ADMIN_TOKEN: collectors would hold admin rights; give them a token of their own');
  }
  if (e.SMTP_URL && mailTo.length === 0) {
    // E-mail without recipients would silently do nothing: default to the SMTP user's local admin.
    mailTo.push('soc@localhost');
  }
  return {
    home: path.resolve(e.PALISADE_HOME),
    api: { host: e.PALISADE_API_HOST, port: e.PALISADE_API_PORT, trustProxy: e.PALISADE_TRUST_PROXY },
    adminToken: e.PALISADE_ADMIN_TOKEN,
    ingestToken: e.PALISADE_INGEST_TOKEN,
    dashboardUrl: e.PALISADE_DASHBOARD_URL.replace(/\/$/, ''),
    mail: { smtpUrl: e.SMTP_URL, to: mailTo, from: e.PALISADE_MAIL_FROM },
    webhooks: [...envWebhooks.map((url) => ({ url, secret: undefined })), ...file.webhooks.map((w) => ({ url: w.url, secret: w.secret }))],
    webhookSecret: e.PALISADE_WEBHOOK_SECRET,
    containment: {
      mode: containmentMode(env.PALISADE_AUTO_QUARANTINE === undefined ? undefined : e.PALISADE_AUTO_QUARANTINE, file.containment.mode, e.PALISADE_CONFIG),
      categories: file.containment.categories ?? DEFAULT_CONTAINMENT_CATEGORIES,
      tools: file.containment.tools ?? {},
    },
    retention: { eventsDays: e.PALISADE_RETENTION_EVENTS_DAYS, alertsDays: e.PALISADE_RETENTION_ALERTS_DAYS, auditDays: e.PALISADE_RETENTION_AUDIT_DAYS, versionsDays: e.PALISADE_RETENTION_VERSIONS_DAYS },
    preview: { maxEvents: e.PALISADE_PREVIEW_MAX_EVENTS },
    exports: { maxConcurrent: e.PALISADE_EXPORT_CONCURRENCY },
    rulesDir: path.resolve(e.PALISADE_RULES_DIR ?? defaultRulesDir()),
    logLevel: e.PALISADE_LOG_LEVEL,
    topic: e.PALISADE_TOPIC,
    engine: { ...file.engine, clockSkewMs: e.PALISADE_CLOCK_SKEW_MS },
  };
}
