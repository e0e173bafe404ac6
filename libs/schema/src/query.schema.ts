import { z } from 'zod';
import { AlertCategory, TriageStatus } from './alert.schema.js';
import { IsoTimestamp, Severity } from './common.schema.js';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;

/** A page of a list: newest first; `total` counts everything matching; `nextCursor` absent on the last page. */
export interface Page<T> {
  items: T[];
  total: number;
  nextCursor?: string;
}

const Limit = z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT);
const Cursor = z.string().max(500).optional();
const TimeRange = { from: IsoTimestamp.optional(), to: IsoTimestamp.optional() };

export const EventQuery = z.object({
  server: z.string().max(200).optional(),
  tool: z.string().max(200).optional(),
  session: z.string().max(200).optional(),
  method: z.string().max(200).optional(),
  /** Full-text over tool names, descriptions, arguments and results. */
  q: z.string().max(500).optional(),
  ...TimeRange,
  limit: Limit,
  cursor: Cursor,
});
export type EventQuery = z.infer<typeof EventQuery>;

export const AlertQuery = z.object({
  category: AlertCategory.optional(),
  severity: Severity.optional(),
  server: z.string().max(200).optional(),
  tool: z.string().max(200).optional(),
  session: z.string().max(200).optional(),
  status: TriageStatus.optional(),
  incidentId: z.string().max(80).optional(),
  ruleId: z.string().max(120).optional(),
  ...TimeRange,
  limit: Limit,
  cursor: Cursor,
});
export type AlertQuery = z.infer<typeof AlertQuery>;

export const IncidentQuery = z.object({
  status: TriageStatus.optional(),
  severity: Severity.optional(),
  category: AlertCategory.optional(),
  server: z.string().max(200).optional(),
  tool: z.string().max(200).optional(),
  assignee: z.string().max(200).optional(),
  /** Text over title, server, tool, notes. */
  q: z.string().max(500).optional(),
  /** `recent` (newest first, default) or `severity` (most severe first, then newest). */
  sort: z.enum(['recent', 'severity']).default('recent'),
  ...TimeRange,
  limit: Limit,
  cursor: Cursor,
});
export type IncidentQuery = z.infer<typeof IncidentQuery>;

export const AuditQuery = z.object({
  ...TimeRange,
  action: z.string().max(100).optional(),
  target: z.string().max(500).optional(),
  limit: Limit,
  cursor: Cursor,
});
export type AuditQuery = z.infer<typeof AuditQuery>;
