import { z } from 'zod';
import { ALERT_CATEGORIES, TRIAGE_STATUSES } from './vocabulary.js';
import { IsoTimestamp, Severity } from './common.schema.js';

export { ALERT_CATEGORIES };
export const AlertCategory = z.enum(ALERT_CATEGORIES);
export type AlertCategory = z.infer<typeof AlertCategory>;

/** Triage status, shared by incidents and the alerts they group. */
export const TriageStatus = z.enum(TRIAGE_STATUSES);
export type TriageStatus = z.infer<typeof TriageStatus>;

/** One piece of matched text: what matched, where, and the pattern that matched it. */
export const EvidenceMatch = z.object({
  /** Where the text was found: `description`, `inputSchema.properties.sidenote.description`, `arguments.to`, `result.content[0].text`, `instructions`… */
  field: z.string().max(500),
  /** The matched excerpt (never a raw secret: secrets appear as fingerprints). */
  text: z.string().max(2000),
  /** Readable name of the signal (`hidden instruction block`, `sensitive file request`, `zero-width characters`…). */
  signal: z.string().max(200),
  /** Offsets of the match inside the (normalised) field text, when known. */
  start: z.number().int().nonnegative().optional(),
  end: z.number().int().nonnegative().optional(),
  /** Invisible or encoded text, decoded for the analyst (Unicode tags, base64…). */
  decoded: z.string().max(4000).optional(),
});
export type EvidenceMatch = z.infer<typeof EvidenceMatch>;

/** Baseline figures behind a behavioural alert. */
export const EvidenceBaseline = z.object({
  metric: z.string().max(120),
  observed: z.union([z.number(), z.string()]),
  /** Typical value(s): a median, or the known values/domains. */
  expected: z.union([z.number(), z.string(), z.array(z.string()).max(100)]).optional(),
  median: z.number().optional(),
  mad: z.number().optional(),
  score: z.number().optional(),
  threshold: z.number().optional(),
  samples: z.number().int().nonnegative().optional(),
});
export type EvidenceBaseline = z.infer<typeof EvidenceBaseline>;

/** A server/tool reference inside evidence (the shadowed victim, the source of a flow…). */
export const ToolRef = z.object({
  server: z.string().max(200),
  tool: z.string().max(200).nullable(),
  eventId: z.string().max(64).optional(),
});
export type ToolRef = z.infer<typeof ToolRef>;

/** What an analyst reads: why it fired, what matched and where, the figures and the diff. */
export const Evidence = z.object({
  /** One or two sentences saying why this alert fired. */
  summary: z.string().min(1).max(2000),
  matches: z.array(EvidenceMatch).max(50).default([]),
  baseline: EvidenceBaseline.optional(),
  /** Unified diff of a changed definition. */
  diff: z.string().max(20000).optional(),
  /** The tool a shadowing description targets. */
  victim: ToolRef.optional(),
  /** Where data came from (cross-server flows, exfiltration of data read elsewhere). */
  source: ToolRef.optional(),
  /** Secret fingerprints involved (never the secrets). */
  fingerprints: z.array(z.string().max(120)).max(50).optional(),
  /** The values a tuning exception can name to cover this alert (recipients, domains, paths). */
  values: z.array(z.string().max(500)).max(50).optional(),
  /** Anything else a detector wants to show, as readable key/values. */
  details: z.record(z.string(), z.unknown()).optional(),
});
export type Evidence = z.infer<typeof Evidence>;

export const Alert = z.object({
  /** Deterministic: derived from rule id, rule version and the triggering events, so a replay never duplicates it. */
  id: z.string().min(1).max(80),
  ts: IsoTimestamp,
  category: AlertCategory,
  severity: Severity,
  title: z.string().min(1).max(300),
  /** The collector's `--server` NAME. */
  server: z.string().min(1).max(200),
  /** The tool the alert is about (see contract section 5); null for server-level findings (instructions). */
  tool: z.string().max(200).nullable(),
  sessionId: z.string().max(200).nullable(),
  ruleId: z.string().min(1).max(120),
  ruleVersion: z.number().int().positive().default(1),
  evidence: Evidence,
  eventIds: z.array(z.string()).min(1).max(500),
  incidentId: z.string().max(80).nullable(),
  status: TriageStatus.default('open'),
});
export type Alert = z.infer<typeof Alert>;
export type AlertInput = z.input<typeof Alert>;
