'use client';

import { bulkUpdateIncidents, updateIncident } from '@/lib/actions';
import type { ActionResult } from '@/lib/action-result';
import { STATUS_LABELS, type StatusName } from '@/lib/vocabulary';
import { ConfirmDialog } from '../common/confirm-dialog';

export type TriageIntent = { kind: 'status'; status: StatusName } | { kind: 'assign' } | { kind: 'note' };

const VERB: Record<StatusName, string> = {
  open: 'Reopen',
  triaging: 'Start triage',
  contained: 'Mark contained',
  resolved: 'Resolve',
  false_positive: 'Close as false positive',
};

/**
 * Triage of one or many incidents: status (with disposition when closing, and an optional tuning
 * exception for a false positive), assignment, or a note. The detector audits each change.
 */
export function TriageDialog({ ids, label, intent, me, onClose, onDone }: { ids: string[]; label: string; intent: TriageIntent | null; me: string; onClose(): void; onDone?(): void }) {
  const many = ids.length > 1;
  const title = !intent
    ? ''
    : intent.kind === 'status'
      ? `${VERB[intent.status]}: ${label}`
      : intent.kind === 'assign'
        ? `Assign ${label}`
        : `Add a note to ${label}`;
  const closing = intent?.kind === 'status' && (intent.status === 'resolved' || intent.status === 'false_positive');

  const confirm = async (form: FormData): Promise<ActionResult<unknown>> => {
    if (!intent) return { ok: false, error: 'Nothing to do.' };
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const assignee = intent.kind === 'assign' ? text('assignee') || null : form.get('assignToMe') ? me : undefined;
    const status = intent.kind === 'status' ? intent.status : undefined;
    const disposition = closing ? text('disposition') || undefined : undefined;
    if (many) return bulkUpdateIncidents({ ids, status, assignee, disposition });
    const note = text('note') || undefined;
    if (intent.kind === 'note' && !note) return { ok: false, error: 'Write the note first.' };
    return updateIncident({ id: ids[0]!, status, assignee, note, disposition, exceptionDays: form.get('exception') ? Number(text('exceptionDays') || 30) : undefined });
  };

  return (
    <ConfirmDialog
      open={intent !== null}
      onClose={onClose}
      onDone={onDone}
      title={title}
      confirmLabel={intent?.kind === 'status' ? VERB[intent.status] : intent?.kind === 'assign' ? 'Assign' : 'Add note'}
      danger={false}
      description={
        intent?.kind === 'status'
          ? `The status becomes “${STATUS_LABELS[intent.status]}”${many ? ` for ${ids.length} incidents` : ''}; their alerts follow. The change is recorded in the audit log.`
          : intent?.kind === 'assign'
            ? 'Leave empty to unassign.'
            : 'Notes are kept with the incident and exported with it.'
      }
      onConfirm={confirm}
    >
      {intent?.kind === 'status' && intent.status === 'triaging' ? (
        <label className="checkbox">
          <input type="checkbox" name="assignToMe" defaultChecked /> Assign to me ({me})
        </label>
      ) : null}
      {closing ? (
        <div className="field">
          <label htmlFor="disposition">Disposition</label>
          <input id="disposition" name="disposition" type="text" placeholder={intent?.kind === 'status' && intent.status === 'false_positive' ? 'e.g. benign upgrade of the server' : 'e.g. tool removed from the agent'} maxLength={1000} />
        </div>
      ) : null}
      {intent?.kind === 'status' && intent.status === 'false_positive' && !many ? (
        <div className="form-row">
          <label className="checkbox">
            <input type="checkbox" name="exception" /> Add a tuning exception for this tool for
          </label>
          <input name="exceptionDays" type="number" min={1} max={365} defaultValue={30} style={{ width: 72 }} aria-label="Days" />
          <span className="muted">days</span>
        </div>
      ) : null}
      {intent?.kind === 'assign' ? (
        <div className="field">
          <label htmlFor="assignee">Assignee</label>
          <input id="assignee" name="assignee" type="text" defaultValue={me} maxLength={200} />
        </div>
      ) : null}
      {!many && (intent?.kind === 'note' || intent?.kind === 'status') ? (
        <div className="field">
          <label htmlFor="note">{intent.kind === 'note' ? 'Note' : 'Note (optional)'}</label>
          <textarea id="note" name="note" rows={intent.kind === 'note' ? 5 : 3} maxLength={10000} />
        </div>
      ) : null}
    </ConfirmDialog>
  );
}
