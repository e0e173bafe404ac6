'use client';

import { printableText } from '@palisade/schema/printable-text';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { STATUS_LABELS, type StatusName } from '@/lib/vocabulary';
import { ChevronIcon } from '../common/icons';
import { SafeText } from '../common/rich-text';
import { useDismiss } from '../common/use-dismiss';
import { type TriageIntent, TriageDialog } from './triage-dialog';

export interface QueueRow {
  id: string;
  title: string;
  severity: string;
  status: StatusName;
  target: string;
  categories: string[];
  assignee: string | null;
  alertCount: number;
  lastSeen: string;
  lastSeenIso: string;
  lastSeenRelative: string;
}

const ROW_ACTIONS: { label: string; intent: TriageIntent }[] = [
  { label: 'Start triage', intent: { kind: 'status', status: 'triaging' } },
  { label: 'Mark contained', intent: { kind: 'status', status: 'contained' } },
  { label: 'Resolve…', intent: { kind: 'status', status: 'resolved' } },
  { label: 'False positive…', intent: { kind: 'status', status: 'false_positive' } },
  { label: 'Reopen', intent: { kind: 'status', status: 'open' } },
  { label: 'Assign…', intent: { kind: 'assign' } },
];

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

/**
 * The queue itself: rows open on click or Enter; j/k (or arrows) move, x selects, / searches. Triage
 * takes three clicks at most (Triage ▾ → status → confirm), for one row or for the selection.
 */
export function QueueTable({ rows, canTriage, me, categoryLabels }: { rows: QueueRow[]; canTriage: boolean; me: string; categoryLabels: Record<string, string> }) {
  const router = useRouter();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [cursor, setCursor] = useState(-1);
  // Key presses can come faster than React re-renders: the handler reads the cursor from a ref, so
  // `j j k j` typed quickly moves exactly as typed.
  const cursorRef = useRef(-1);
  const [menuFor, setMenuFor] = useState<string | null>(null);
  const [dialog, setDialog] = useState<{ ids: string[]; label: string; intent: TriageIntent } | null>(null);
  const rowRefs = useRef<(HTMLTableRowElement | null)[]>([]);

  // Rows that left the queue (status changed, live refresh) leave the selection too.
  const ids = useMemo(() => new Set(rows.map((r) => r.id)), [rows]);
  const live = useMemo(() => new Set([...selected].filter((id) => ids.has(id))), [selected, ids]);

  const toggle = useCallback((id: string) => {
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.metaKey || event.ctrlKey || event.altKey || isTyping(event.target) || document.querySelector('dialog[open]')) return;
      if (event.key === '/') {
        event.preventDefault();
        document.getElementById('q')?.focus();
        return;
      }
      if (rows.length === 0) return;
      const move = (to: number) => {
        event.preventDefault();
        const index = Math.max(0, Math.min(rows.length - 1, to));
        cursorRef.current = index;
        setCursor(index);
        rowRefs.current[index]?.focus();
      };
      const cursor = cursorRef.current;
      if (event.key === 'j' || event.key === 'ArrowDown') move(cursor + 1);
      else if (event.key === 'k' || event.key === 'ArrowUp') move(cursor < 0 ? 0 : cursor - 1);
      else if ((event.key === 'Enter' || event.key === 'o') && cursor >= 0) {
        event.preventDefault();
        router.push(`/incidents/${rows[cursor]!.id}`);
      } else if (event.key === 'x' && cursor >= 0) {
        event.preventDefault();
        toggle(rows[cursor]!.id);
      } else if (event.key === 'Escape') {
        setSelected(new Set());
        setMenuFor(null);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [rows, router, toggle]);

  const closeMenu = useCallback(() => setMenuFor(null), []);
  useDismiss(menuFor !== null, closeMenu);

  const allSelected = rows.length > 0 && live.size === rows.length;
  const selection = [...live];
  const open = (intent: TriageIntent, target: string[] = selection) => {
    setMenuFor(null);
    const row = target.length === 1 ? rows.find((r) => r.id === target[0]) : undefined;
    setDialog({ ids: target, label: row ? `“${printableText(row.title)}”` : `${target.length} incidents`, intent });
  };

  return (
    <>
      {canTriage && live.size > 0 ? (
        <div className="bulkbar" role="region" aria-label="Bulk actions">
          <strong>{live.size} selected</strong>
          <button type="button" className="btn small primary" onClick={() => open({ kind: 'status', status: 'triaging' })}>
            Start triage
          </button>
          <button type="button" className="btn small" onClick={() => open({ kind: 'status', status: 'contained' })}>
            Contained
          </button>
          <button type="button" className="btn small" onClick={() => open({ kind: 'status', status: 'resolved' })}>
            Resolve
          </button>
          <button type="button" className="btn small" onClick={() => open({ kind: 'status', status: 'false_positive' })}>
            False positive
          </button>
          <button type="button" className="btn small" onClick={() => open({ kind: 'assign' })}>
            Assign…
          </button>
          <button type="button" className="btn small ghost" onClick={() => setSelected(new Set())}>
            Clear
          </button>
        </div>
      ) : null}
      <div className="table-wrap">
        <table className="data" aria-label="Incidents" aria-multiselectable={canTriage}>
          <thead>
            <tr>
              <th scope="col">
                {canTriage ? (
                  <input type="checkbox" aria-label="Select all" checked={allSelected} onChange={() => setSelected(allSelected ? new Set() : new Set(rows.map((r) => r.id)))} />
                ) : null}
              </th>
              <th scope="col">Severity</th>
              <th scope="col">Incident</th>
              <th scope="col">Status</th>
              <th scope="col">Assignee</th>
              <th scope="col" className="num">
                Alerts
              </th>
              <th scope="col">Last seen</th>
              {canTriage ? <th scope="col" aria-label="Actions" /> : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <tr
                key={row.id}
                ref={(el) => {
                  rowRefs.current[index] = el;
                }}
                tabIndex={-1}
                className={`sev-${row.severity}${index === cursor ? ' cursor' : ''}`}
                aria-selected={live.has(row.id)}
                data-incident-id={row.id}
                onClick={(event) => {
                  if ((event.target as HTMLElement).closest('a, button, input, .menu')) return;
                  router.push(`/incidents/${row.id}`);
                }}
                onFocus={() => {
                  cursorRef.current = index;
                  setCursor(index);
                }}
              >
                <td>{canTriage ? <input type="checkbox" aria-label={`Select ${printableText(row.title)}`} checked={live.has(row.id)} onChange={() => toggle(row.id)} /> : null}</td>
                <td className="shrink">
                  <span className={`badge sev-${row.severity}`}>
                    <span className="pip" aria-hidden="true" />
                    {row.severity}
                  </span>
                </td>
                <td style={{ maxWidth: 0, width: '100%' }}>
                  <Link className="title" href={`/incidents/${row.id}`} title={printableText(row.title)}>
                    <SafeText inline text={row.title} />
                  </Link>
                  <div className="sub">
                    <span className="target">
                      <SafeText inline text={row.target} />
                    </span>
                    {row.categories.map((c) => (
                      <span key={c} className="chip">
                        {categoryLabels[c] ?? c}
                      </span>
                    ))}
                  </div>
                </td>
                <td className="shrink">
                  <span className={`badge st-${row.status}`}>{STATUS_LABELS[row.status]}</span>
                </td>
                <td className="shrink">{row.assignee ?? <span className="muted">—</span>}</td>
                <td className="num shrink">{row.alertCount}</td>
                <td className="shrink">
                  <time dateTime={row.lastSeenIso} title={row.lastSeen}>
                    {row.lastSeenRelative}
                  </time>
                </td>
                {canTriage ? (
                  <td className="num shrink">
                    <div className="menu">
                      <button type="button" className="btn small" aria-haspopup="menu" aria-expanded={menuFor === row.id} onClick={() => setMenuFor(menuFor === row.id ? null : row.id)}>
                        Triage <ChevronIcon size={14} />
                      </button>
                      {menuFor === row.id ? (
                        <div className="menu-list" role="menu">
                          {ROW_ACTIONS.filter((a) => a.intent.kind !== 'status' || a.intent.status !== row.status).map((a) => (
                            <button key={a.label} type="button" role="menuitem" onClick={() => open(a.intent, [row.id])}>
                              {a.label}
                            </button>
                          ))}
                        </div>
                      ) : null}
                    </div>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <TriageDialog ids={dialog?.ids ?? []} label={dialog?.label ?? ''} intent={dialog?.intent ?? null} me={me} onClose={() => setDialog(null)} onDone={() => setSelected(new Set())} />
    </>
  );
}
