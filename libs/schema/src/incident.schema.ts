import { z } from 'zod';
import { AlertCategory, TriageStatus } from './alert.schema.js';
import { IsoTimestamp, Severity } from './common.schema.js';

export const IncidentNote = z.object({
  ts: IsoTimestamp,
  author: z.string().min(1).max(200),
  text: z.string().min(1).max(10000),
});
export type IncidentNote = z.infer<typeof IncidentNote>;

/** Alerts grouped by server/tool/session within a window, or linked by a correlation rule. */
export const Incident = z.object({
  id: z.string().min(1).max(80),
  title: z.string().min(1).max(300),
  createdAt: IsoTimestamp,
  updatedAt: IsoTimestamp,
  /** First and last alert time. */
  firstSeen: IsoTimestamp,
  lastSeen: IsoTimestamp,
  /** The maximum severity of its alerts. */
  severity: Severity,
  status: TriageStatus,
  assignee: z.string().max(200).nullable(),
  server: z.string().min(1).max(200),
  tool: z.string().max(200).nullable(),
  sessionId: z.string().max(200).nullable(),
  categories: z.array(AlertCategory).max(20),
  alertIds: z.array(z.string()).max(10000),
  alertCount: z.number().int().nonnegative(),
  notes: z.array(IncidentNote).max(1000).default([]),
  /** How the incident was closed, e.g. `false_positive: benign upgrade` (free text). */
  disposition: z.string().max(1000).nullable().default(null),
});
export type Incident = z.infer<typeof Incident>;
export type IncidentInput = z.input<typeof Incident>;
