import type { Alert, TriageStatus } from './alert.schema.js';
import type { AuditEntry } from './audit.schema.js';
import type { BaselineSummary, BaselineTuning } from './baseline.schema.js';
import type { ExportFormat, ExportManifest } from './export.schema.js';
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

/** One version of a tool's definition, with the unified diff from the previous one (null for the first). */
export interface ToolVersionView extends ToolVersion {
  diff: string | null;
}

/** `GET /api/tools/:server/:tool`. */
export interface ToolDetail {
  tool: ToolSummary;
  /** Newest first. */
  versions: ToolVersionView[];
  /** Unified diff pinned → current (null when they are the same). */
  pinnedDiff: string | null;
  baseline: BaselineSummary;
  tuning: BaselineTuning;
  recentAlerts: Alert[];
}

/** A compliance bundle as `GET /api/exports` lists it. */
export interface ExportRecord {
  id: string;
  createdAt: string;
  createdBy: string;
  format: ExportFormat;
  from: string;
  to: string;
  files: ExportManifest['files'];
  auditHead: string;
}
