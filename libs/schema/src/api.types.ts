import type { Alert, TriageStatus } from './alert.schema.js';
import type { AuditEntry } from './audit.schema.js';
import type { BaselineSummary, BaselineTuning } from './baseline.schema.js';
import type { ExportFormat, ExportManifest, ExportState } from './export.schema.js';
import type { Incident } from './incident.schema.js';
import type { TelemetryEvent } from './telemetry-event.schema.js';
import type { QuarantineState, ToolPin, ToolVersion } from './tool.schema.js';

// Shapes of the detector API's responses that are not stored records: the detector returns them, the
// dashboard (and any client) reads them. Types only: nothing here is validated at runtime.

/** `GET /api/incidents/:id`: the incident with its alerts, their events, the session around it, its actions. */
export interface IncidentDetail extends Incident {
  alerts: Alert[];
  events: TelemetryEvent[];
  /** The session's MCP calls around the incident. */
  session: TelemetryEvent[];
  actions: AuditEntry[];
}

/** `GET /api/incidents/counts`. */
export type IncidentCounts = Record<TriageStatus, number>;

/** A tool in `GET /api/tools`. */
export interface ToolSummary extends ToolPin {
  quarantine: QuarantineState | null;
  openAlerts: number;
  /** The current definition differs from the pinned one. */
  drifted: boolean;
  /** Its baseline in brief: calls learnt from, and whether it is still learning (the figures are on the tool's page). */
  baseline: Pick<BaselineSummary, 'observations' | 'learning'>;
}

/**
 * One version of a tool's definition, with the unified diff from the version stored before it (null for the
 * first seen, which retention never deletes) and from the pinned one (null for the pinned one itself, or
 * when none is pinned).
 */
export interface ToolVersionView extends ToolVersion {
  diff: string | null;
  pinnedDiff: string | null;
}

/** `GET /api/tools/:server/:tool`. */
export interface ToolDetail {
  tool: ToolSummary;
  /** The latest versions, newest first: the first page of `GET /api/tools/:server/:tool/versions`. */
  versions: ToolVersionView[];
  /** Versions stored in all (retention prunes old ones; `tool.versions` counts every one ever seen). */
  versionsTotal: number;
  /** The cursor of the next (older) page of versions, absent when `versions` holds them all. */
  versionsNextCursor?: string;
  /** The pinned (first seen, or last approved) definition, kept however many versions follow. */
  pinned: ToolVersion | null;
  /** Unified diff pinned → current (null when they are the same). */
  pinnedDiff: string | null;
  baseline: BaselineSummary;
  tuning: BaselineTuning;
  recentAlerts: Alert[];
}

/** Records written so far to one file of a bundle, and how many the range holds when that was cheap to count. */
export interface ExportFileProgress {
  path: string;
  records: number;
  estimatedRecords?: number;
}

/** How far an export got: per file (in the order they are written) and in all. */
export interface ExportProgress {
  files: ExportFileProgress[];
  records: number;
  estimatedRecords?: number;
  updatedAt: string;
}

/** A compliance bundle as `GET /api/exports` lists it: finished, or still being written, or failed. */
export interface ExportRecord {
  id: string;
  state: ExportState;
  /** When the bundle was signed (`done`), else when the export started. */
  createdAt: string;
  createdBy: string;
  format: ExportFormat;
  from: string;
  to: string;
  startedAt: string;
  finishedAt?: string;
  /** The finished files (all of them once `done`). */
  files: ExportManifest['files'];
  progress: ExportProgress;
  /** The audit chain's head in the manifest: only once `done`. */
  auditHead?: string;
  /** Why a `failed` export stopped, in one line. */
  error?: string;
}
