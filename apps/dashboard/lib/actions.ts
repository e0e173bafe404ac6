'use server';

import { Sha256Hex } from '@palisade/schema';
import { printableText } from '@palisade/schema/printable-text';
import { refresh } from 'next/cache';
import { z } from 'zod';
import type { ActionResult } from './action-result';
import type { ExportRecord, TuningPreview } from './data';
import { DetectorApiError, api } from './detector-api';
import { requireSession } from './session';
import { toolApiPath } from './tool-links';
import { TuningFields } from './tuning-fields';
import { STATUSES } from './vocabulary';

// Mutations for triage, containment, tuning, rules and exports. Each one validates its input with zod,
// acts with the analyst's own token (the detector checks the permission and writes the audit entry)
// and refreshes the page it was called from. Next.js only runs them for same-origin requests.

const Id = z.string().min(1).max(80);
const Name = z.string().min(1).max(200);
const Status = z.enum(STATUSES);

function invalid(error: z.ZodError): ActionResult<never> {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) (fieldErrors[issue.path.join('.') || 'form'] ??= []).push(issue.message);
  return { ok: false, error: 'Some fields are not valid.', fieldErrors };
}

async function run<T>(work: () => Promise<T>, message?: (value: T) => string): Promise<ActionResult<T>> {
  try {
    const value = await work();
    refresh();
    return { ok: true, data: value, ...(message ? { message: message(value) } : {}) };
  } catch (error) {
    if (error instanceof DetectorApiError) {
      const text = error.status === 403 ? 'Your role does not allow this action.' : error.message;
      return { ok: false, error: text };
    }
    throw error;
  }
}

const IncidentUpdate = z
  .object({
    id: Id,
    status: Status.optional(),
    assignee: z.string().trim().max(200).nullable().optional(),
    note: z.string().trim().max(10000).optional(),
    disposition: z.string().trim().max(1000).optional(),
    /** Closing as a false positive: also add an expiring tuning exception for the tool. */
    exceptionDays: z.number().int().min(1).max(365).optional(),
  })
  .refine((v) => v.status || v.assignee !== undefined || v.note || v.disposition, 'Nothing to change.');

/** Status (with disposition), assignee or a note on one incident. */
export async function updateIncident(input: z.input<typeof IncidentUpdate>): Promise<ActionResult> {
  await requireSession();
  const parsed = IncidentUpdate.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { id, exceptionDays, note, disposition, ...rest } = parsed.data;
  const body = {
    ...rest,
    ...(rest.assignee === '' ? { assignee: null } : {}),
    ...(note ? { note } : {}),
    ...(disposition ? { disposition } : {}),
    ...(exceptionDays && rest.status === 'false_positive' ? { tuningException: { expiresInDays: exceptionDays } } : {}),
  };
  const result = await run(() => api(`/api/incidents/${encodeURIComponent(id)}`, { method: 'PATCH', body }));
  return result.ok ? { ok: true, message: 'Incident updated.' } : result;
}

const BulkUpdate = z
  .object({
    ids: z.array(Id).min(1).max(500),
    status: Status.optional(),
    assignee: z.string().trim().max(200).nullable().optional(),
    disposition: z.string().trim().max(1000).optional(),
  })
  .refine((v) => v.status || v.assignee !== undefined, 'Choose a status or an assignee.');

/** The same status change or assignment on many incidents (one audited API call each). */
export async function bulkUpdateIncidents(input: z.input<typeof BulkUpdate>): Promise<ActionResult<{ updated: number; failed: number }>> {
  await requireSession();
  const parsed = BulkUpdate.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { ids, disposition, ...patch } = parsed.data;
  const body = { ...patch, ...(patch.assignee === '' ? { assignee: null } : {}), ...(disposition ? { disposition } : {}) };
  let updated = 0;
  const errors: string[] = [];
  const queue = [...ids];
  const worker = async () => {
    for (let id = queue.shift(); id; id = queue.shift()) {
      try {
        await api(`/api/incidents/${encodeURIComponent(id)}`, { method: 'PATCH', body });
        updated += 1;
      } catch (error) {
        if (!(error instanceof DetectorApiError)) throw error;
        errors.push(error.status === 403 ? 'Your role does not allow this action.' : error.message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, ids.length) }, worker));
  refresh();
  if (errors.length && updated === 0) return { ok: false, error: errors[0]! };
  const message = `${updated} incident${updated === 1 ? '' : 's'} updated${errors.length ? `, ${errors.length} failed (${errors[0]})` : ''}.`;
  return { ok: true, message, data: { updated, failed: errors.length } };
}

const ToolRef = z.object({ server: Name, tool: Name });
const Containment = ToolRef.extend({ reason: z.string().trim().max(1000).optional(), incidentId: Id.nullable().optional() });

async function contain(decision: 'quarantine' | 'release', input: z.input<typeof Containment>): Promise<ActionResult> {
  await requireSession();
  const parsed = Containment.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { server, tool, reason, incidentId } = parsed.data;
  const result = await run(() => api(toolApiPath(server, tool, decision), { method: 'POST', body: { ...(reason ? { reason } : {}), ...(incidentId ? { incidentId } : {}) } }));
  return result.ok ? { ok: true, message: `${printableText(`${server}/${tool}`)} is ${decision === 'quarantine' ? 'quarantined' : 'released'}.` } : result;
}

/** Quarantine: collectors hide the tool and refuse calls to it. */
export async function quarantineTool(input: z.input<typeof Containment>): Promise<ActionResult> {
  return contain('quarantine', input);
}

/** Release: collectors list the tool and pass calls to it again. */
export async function releaseTool(input: z.input<typeof Containment>): Promise<ActionResult> {
  return contain('release', input);
}

const Approval = ToolRef.extend({ hash: Sha256Hex.nullable() });

/** Approve: the definition shown (by its hash) becomes the pin that drift is judged against; the detector refuses if it changed since. */
export async function approveTool(input: z.input<typeof Approval>): Promise<ActionResult> {
  await requireSession();
  const parsed = Approval.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { server, tool, hash } = parsed.data;
  const result = await run(() => api(toolApiPath(server, tool, 'approve'), { method: 'POST', body: hash ? { hash } : {} }));
  return result.ok ? { ok: true, message: `The current definition of ${printableText(`${server}/${tool}`)} is approved.` } : result;
}

const TuningInput = ToolRef.extend({ tuning: TuningFields });

async function tuningBody(server: string, tool: string, fields: z.infer<typeof TuningFields>) {
  const saved = await api<{ exceptions: unknown[] }>(toolApiPath(server, tool, 'baseline'));
  const { keepExceptions, ...rest } = fields;
  return { ...rest, exceptions: saved.exceptions.filter((_, i) => keepExceptions.includes(i)) };
}

/** What the proposed tuning would have raised or removed over the last `days` days, before saving. */
export async function previewTuning(input: z.input<typeof TuningInput> & { days: number }): Promise<ActionResult<TuningPreview>> {
  await requireSession();
  const parsed = TuningInput.extend({ days: z.number().int().min(1).max(90) }).safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { server, tool, tuning, days } = parsed.data;
  try {
    const body = await tuningBody(server, tool, tuning);
    return { ok: true, data: await api<TuningPreview>(toolApiPath(server, tool, 'baseline/preview'), { method: 'POST', body: { ...body, days } }) };
  } catch (error) {
    if (error instanceof DetectorApiError) return { ok: false, error: error.status === 403 ? 'Your role does not allow tuning.' : error.message };
    throw error;
  }
}

export async function saveTuning(input: z.input<typeof TuningInput>): Promise<ActionResult> {
  await requireSession();
  const parsed = TuningInput.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { server, tool, tuning } = parsed.data;
  const result = await run(async () => api(toolApiPath(server, tool, 'baseline'), { method: 'PUT', body: await tuningBody(server, tool, tuning) }));
  return result.ok ? { ok: true, message: 'Tuning saved. The detector applies it to the next calls.' } : result;
}

const RuleSwitch = z.object({ id: z.string().min(1).max(120), enabled: z.boolean() });

export async function setRuleEnabled(input: z.input<typeof RuleSwitch>): Promise<ActionResult> {
  await requireSession();
  const parsed = RuleSwitch.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const result = await run(() => api(`/api/rules/${encodeURIComponent(parsed.data.id)}`, { method: 'PATCH', body: { enabled: parsed.data.enabled } }));
  return result.ok ? { ok: true, message: `Rule ${parsed.data.enabled ? 'enabled' : 'disabled'}.` } : result;
}

const ExportInput = z
  .object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }), format: z.enum(['ndjson', 'csv']) })
  .refine((v) => Date.parse(v.from) < Date.parse(v.to), { message: 'must be after the start', path: ['to'] });

/**
 * Starts a compliance bundle of the range (files, manifest with SHA-256 of each, head of the audit chain)
 * in the background: the detector answers at once with the export running, and the page follows it with
 * `exportStatus`, so a long range never outlasts the request.
 */
export async function createExport(input: z.input<typeof ExportInput>): Promise<ActionResult<ExportRecord>> {
  await requireSession();
  const parsed = ExportInput.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  return run(
    () =>
      api<ExportRecord>('/api/exports', { method: 'POST', body: { ...parsed.data, async: true } }).catch((error: unknown) => {
        if (error instanceof DetectorApiError && error.status === 429) throw new DetectorApiError(429, error.code, 'Other exports are still being written. Wait for one of them to finish, then create this one.');
        throw error;
      }),
    (record) => `Export ${record.id} started.`,
  );
}

/** Where one export stands (running with its progress, done, failed): read by the page while it runs. */
export async function exportStatus(id: string): Promise<ActionResult<ExportRecord>> {
  await requireSession();
  const parsed = Id.safeParse(id);
  if (!parsed.success) return invalid(parsed.error);
  try {
    return { ok: true, data: await api<ExportRecord>(`/api/exports/${encodeURIComponent(parsed.data)}`) };
  } catch (error) {
    if (error instanceof DetectorApiError) return { ok: false, error: error.message };
    throw error;
  }
}
