import { z } from 'zod';
import { AlertCategory, TriageStatus } from './alert.schema.js';
import { Severity } from './common.schema.js';
import { ExportState } from './export.schema.js';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;

/** A page of a list: newest first; `total` counts everything matching; `nextCursor` absent on the last page. */
export interface Page<T> {
  items: T[];
  total: number;
  nextCursor?: string;
}

/**
 * A page size: a number, or decimal digits as a query string sends it. `z.coerce.number()` also took
 * `limit=1e2` or `limit=0x10` as 100 and 16.
 */
export const PageLimit = z.preprocess(
  (value) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value),
  z.number({ error: `must be a whole number from 1 to ${MAX_PAGE_LIMIT}` }).int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
);
const Cursor = z.string().max(500).optional();

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?))?$/i;

/**
 * A query bound: ISO-8601 with a time zone, to the minute or finer (`2026-11-22T10:00Z`,
 * `2026-11-22T10:00:00+0200`), or a date alone (midnight UTC). Normalised to `…T…Z` for the store.
 */
export const QueryInstant = z
  .string()
  .max(40)
  .transform((value, ctx) => {
    const match = INSTANT.exec(value);
    const ms = match ? Date.parse(value) : Number.NaN;
    const day = new Date(Date.UTC(Number(match?.[1]), Number(match?.[2]) - 1, Number(match?.[3])));
    // Date.parse rolls 30 February over into March: the calendar date must be the one written.
    if (!Number.isFinite(ms) || day.getUTCDate() !== Number(match?.[3]) || day.getUTCMonth() !== Number(match?.[2]) - 1) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO-8601 time with a time zone (e.g. 2026-11-22T10:00:00Z) or a date (2026-11-22)' });
      return z.NEVER;
    }
    return new Date(ms).toISOString();
  });

const TimeRange = { from: QueryInstant.optional(), to: QueryInstant.optional() };

/** A name a query must give: "is required" rather than "expected string, received undefined". */
const requiredName = z.string({ error: (issue) => (issue.input === undefined ? 'is required' : undefined) }).min(1).max(200);

/**
 * The tool a `/api/tool…?server=&tool=` route acts on. The query reaches every name a monitored server (or an
 * operator) may choose, `.` and `..` included: in the path form (`/api/tools/:server/:tool`) those are dot
 * segments, which browsers, fetch and every WHATWG URL remove before the request is sent.
 */
export const NamedToolQuery = z.strictObject({ server: requiredName, tool: requiredName });
export type NamedToolQuery = z.infer<typeof NamedToolQuery>;

// The list queries are strict: a misspelt filter (`?categroy=`) is a 400 naming it, not a page of everything.

/** `from` after `to` is a mistake to report, not an empty page. */
const orderedRange = (query: { from?: string | undefined; to?: string | undefined }): boolean => !query.from || !query.to || query.from <= query.to;
const RANGE_ORDER = { message: '`from` must not be after `to`', path: ['from'] };

export const EventQuery = z.strictObject({
  server: z.string().max(200).optional(),
  tool: z.string().max(200).optional(),
  session: z.string().max(200).optional(),
  method: z.string().max(200).optional(),
  /** Full-text over tool names, descriptions, arguments and results. */
  q: z.string().max(500).optional(),
  ...TimeRange,
  limit: PageLimit,
  cursor: Cursor,
}).refine(orderedRange, RANGE_ORDER);
export type EventQuery = z.infer<typeof EventQuery>;

export const AlertQuery = z.strictObject({
  category: AlertCategory.optional(),
  severity: Severity.optional(),
  server: z.string().max(200).optional(),
  tool: z.string().max(200).optional(),
  session: z.string().max(200).optional(),
  status: TriageStatus.optional(),
  incidentId: z.string().max(80).optional(),
  ruleId: z.string().max(120).optional(),
  ...TimeRange,
  limit: PageLimit,
  cursor: Cursor,
}).refine(orderedRange, RANGE_ORDER);
export type AlertQuery = z.infer<typeof AlertQuery>;

export const IncidentQuery = z.strictObject({
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
  limit: PageLimit,
  cursor: Cursor,
}).refine(orderedRange, RANGE_ORDER);
export type IncidentQuery = z.infer<typeof IncidentQuery>;

export const AuditQuery = z.strictObject({
  ...TimeRange,
  action: z.string().max(100).optional(),
  target: z.string().max(500).optional(),
  limit: PageLimit,
  cursor: Cursor,
}).refine(orderedRange, RANGE_ORDER);
export type AuditQuery = z.infer<typeof AuditQuery>;

/** Compliance exports, newest first by when they started; `[from, to)` on that start (`startedAt`). */
export const ExportQuery = z.strictObject({
  state: ExportState.optional(),
  ...TimeRange,
  limit: PageLimit,
  cursor: Cursor,
}).refine(orderedRange, RANGE_ORDER);
export type ExportQuery = z.infer<typeof ExportQuery>;

/** A page of a tool's definition history (`GET /api/tools/:server/:tool/versions`), newest first. */
export const ToolVersionQuery = z.strictObject({
  limit: PageLimit,
  cursor: Cursor,
});
export type ToolVersionQuery = z.infer<typeof ToolVersionQuery>;

/** API tokens, newest first by `createdAt`; `[from, to)` on it. */
export const TokenQuery = z.strictObject({
  ...TimeRange,
  limit: PageLimit,
  cursor: Cursor,
}).refine(orderedRange, RANGE_ORDER);
export type TokenQuery = z.infer<typeof TokenQuery>;
