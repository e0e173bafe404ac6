import { z } from 'zod';
import { AlertCategory } from './alert.schema.js';
import { IsoTimestamp } from './common.schema.js';

/** Default number of observations a baseline learns from before it may alert (contract: at most 20). */
export const DEFAULT_WARMUP = 20;

/** An exception to a detector on one tool: added when an incident is closed as a false positive. */
export const TuningException = z.object({
  category: AlertCategory,
  /** Optional value the exception covers (a recipient, a domain); absent = the whole category. */
  value: z.string().max(500).optional(),
  expiresAt: IsoTimestamp.nullable(),
  author: z.string().max(200),
  incidentId: z.string().max(80).optional(),
});
export type TuningException = z.infer<typeof TuningException>;

/**
 * Per-tool tuning, set by engineers: how sensitive the behavioural detectors are, how long they learn,
 * which recipients and domains are expected, and which detectors are muted for this tool.
 */
export const BaselineTuning = z.object({
  server: z.string().min(1).max(200),
  tool: z.string().min(1).max(200),
  /**
   * Multiplier on every behavioural threshold: 1 is the default, 2 alerts only on deviations twice as
   * large (less sensitive), 0.5 on deviations half as large (more sensitive).
   */
  sensitivity: z.number().min(0.25).max(4).default(1),
  /** Observations before the baselines leave their learning state. */
  warmup: z.number().int().min(1).max(10000).default(DEFAULT_WARMUP),
  /** Recipients (addresses, numbers, channels) that never raise `recipient_change`. */
  allowRecipients: z.array(z.string().min(1).max(320)).max(1000).default([]),
  /** Domains that never raise `recipient_change` or `new_egress_domain` (a suffix match: `example.com` covers `mail.example.com`). */
  allowDomains: z.array(z.string().min(1).max(253)).max(1000).default([]),
  /** Detectors (alert categories) muted for this tool. */
  mutedDetectors: z.array(AlertCategory).max(20).default([]),
  /** Temporary exceptions added when an incident is closed as a false positive. */
  exceptions: z.array(TuningException).max(1000).default([]),
  updatedAt: IsoTimestamp.optional(),
  updatedBy: z.string().max(200).optional(),
});
export type BaselineTuning = z.infer<typeof BaselineTuning>;
export type BaselineTuningInput = z.input<typeof BaselineTuning>;

/** Summary of a tool's learned baselines, for the inventory and the tool page. */
export const BaselineSummary = z.object({
  /** Observations seen so far (calls). */
  observations: z.number().int().nonnegative(),
  learning: z.boolean(),
  responseBytes: z
    .object({ median: z.number(), mad: z.number(), samples: z.number().int(), threshold: z.number() })
    .optional(),
  callRate: z.object({ medianPerMinute: z.number(), samples: z.number().int() }).optional(),
  recipients: z.array(z.object({ value: z.string(), count: z.number().int() })).max(200).default([]),
  domains: z.array(z.object({ value: z.string(), count: z.number().int() })).max(200).default([]),
});
export type BaselineSummary = z.infer<typeof BaselineSummary>;
