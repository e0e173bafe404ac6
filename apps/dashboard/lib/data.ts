import 'server-only';
import type { AuditEntry, ExportRecord, Incident, IncidentDetail, Page, RuleSummary, TelemetryEvent, ToolDetail, ToolSummary, ToolVersionView, TriageStatus } from '@palisade/schema';
import { cache } from 'react';
import { api } from './detector-api';
import { EXPORT_LIST } from './export-paging';
import type { IncidentFilters } from './incident-filters';
import { QUEUE_PAGE_SIZE } from './queue-paging';
import { toolApiPath } from './tool-links';
import { TOOL_VERSIONS } from './version-paging';

// Reads for the pages, through the detector API with the analyst's own token (never the store).
// The response shapes are the detector's, from @palisade/schema.
export type { AlertExample, ExportRecord, IncidentDetail, ToolDetail, ToolSummary, ToolVersionView, TuningPreview } from '@palisade/schema';

export interface Health {
  status: 'ok' | 'degraded';
  version: string;
  lagEvents: number;
  lagMs: number;
  bus: string;
  store: string;
}

export type StatusCounts = Record<TriageStatus, number>;

export function listIncidents(filters: IncidentFilters, cursor?: string): Promise<Page<Incident>> {
  return api<Page<Incident>>('/api/incidents', { query: { ...filters.query, limit: QUEUE_PAGE_SIZE, cursor } });
}

export const incidentCounts = cache((): Promise<StatusCounts> => api<StatusCounts>('/api/incidents/counts'));

export const getIncident = cache((id: string): Promise<IncidentDetail> => api<IncidentDetail>(`/api/incidents/${encodeURIComponent(id)}`));

export function listTools(): Promise<Page<ToolSummary>> {
  return api<Page<ToolSummary>>('/api/tools');
}

export const getTool = cache((server: string, tool: string): Promise<ToolDetail> => api<ToolDetail>(toolApiPath(server, tool)));

/** A page of a tool's definition history, newest first, after `cursor` (the detail holds the first page). */
export function getToolVersions(server: string, tool: string, cursor: string): Promise<Page<ToolVersionView>> {
  return api<Page<ToolVersionView>>(toolApiPath(server, tool, 'versions'), { query: { cursor, limit: TOOL_VERSIONS.pageSize } });
}

/** Recent calls of a tool (newest first), for its charts: response sizes and call rate. */
export const toolCalls = cache((server: string, tool: string): Promise<Page<TelemetryEvent>> => api<Page<TelemetryEvent>>('/api/events', { query: { server, tool, limit: 500 } }));

export function toolAudit(server: string, tool: string): Promise<Page<AuditEntry>> {
  return api<Page<AuditEntry>>('/api/audit', { query: { target: `tool:${server}/${tool}`, limit: 50 } });
}

export function listRules(): Promise<Page<RuleSummary>> {
  return api<Page<RuleSummary>>('/api/rules');
}

/** A page of compliance bundles, newest first by when they started. */
export function listExports(cursor?: string): Promise<Page<ExportRecord>> {
  return api<Page<ExportRecord>>('/api/exports', { query: { limit: EXPORT_LIST.pageSize, cursor } });
}

export function health(): Promise<Health> {
  return api<Health>('/api/health');
}

