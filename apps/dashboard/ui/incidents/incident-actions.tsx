'use client';

import { useCallback, useState } from 'react';
import { STATUS_LABELS, STATUSES, type StatusName } from '@/lib/vocabulary';
import { ChevronIcon } from '../common/icons';
import { useDismiss } from '../common/use-dismiss';
import { type TriageIntent, TriageDialog } from './triage-dialog';

/** Triage of the incident on its page: status with disposition, assignment, notes. */
export function IncidentActions({ id, title, status, me }: { id: string; title: string; status: StatusName; me: string }) {
  const [intent, setIntent] = useState<TriageIntent | null>(null);
  const [menu, setMenu] = useState(false);
  const closeMenu = useCallback(() => setMenu(false), []);
  useDismiss(menu, closeMenu);
  const next: StatusName = status === 'open' ? 'triaging' : status === 'triaging' ? 'contained' : status === 'contained' ? 'resolved' : 'open';
  return (
    <>
      <button type="button" className="btn primary" onClick={() => setIntent({ kind: 'status', status: next })} data-action="status-next">
        {next === 'triaging' ? 'Start triage' : next === 'contained' ? 'Mark contained' : next === 'resolved' ? 'Resolve…' : 'Reopen'}
      </button>
      <div className="menu">
        <button type="button" className="btn" aria-haspopup="menu" aria-expanded={menu} onClick={() => setMenu(!menu)} data-action="status-menu">
          Status <ChevronIcon size={14} />
        </button>
        {menu ? (
          <div className="menu-list" role="menu" style={{ left: 0, right: 'auto' }}>
            {STATUSES.filter((s) => s !== status).map((s) => (
              <button
                key={s}
                type="button"
                role="menuitem"
                onClick={() => {
                  setMenu(false);
                  setIntent({ kind: 'status', status: s });
                }}
              >
                {STATUS_LABELS[s]}
                {s === 'resolved' || s === 'false_positive' ? '…' : ''}
              </button>
            ))}
          </div>
        ) : null}
      </div>
      <button type="button" className="btn" onClick={() => setIntent({ kind: 'assign' })} data-action="assign">
        Assign…
      </button>
      <button type="button" className="btn" onClick={() => setIntent({ kind: 'note' })} data-action="note">
        Add note
      </button>
      <TriageDialog ids={[id]} label={`“${title}”`} intent={intent} me={me} onClose={() => setIntent(null)} />
    </>
  );
}
