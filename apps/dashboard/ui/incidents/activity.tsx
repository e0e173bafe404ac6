import type { AuditEntry, IncidentNote } from '@palisade/schema';
import { formatInstant, formatTime } from '@/lib/format';
import { STATUS_LABELS, type StatusName } from '@/lib/vocabulary';
import { SafeText } from '../common/rich-text';

type Item = { ts: string; who: string; text: string; quote?: string; key: string };

const ACTIONS: Record<string, string> = {
  'tool.quarantine': 'quarantined the tool',
  'tool.release': 'released the tool',
  'tool.approve': 'approved the current description',
  'baseline.update': 'changed the tuning',
  'incident.update': 'updated the incident',
};

function label(value: unknown): string {
  return typeof value === 'string' ? (STATUS_LABELS[value as StatusName] ?? value) : value === null ? 'nobody' : String(value);
}

function describe(entry: AuditEntry): Item {
  const d = entry.details as Record<string, unknown>;
  const parts: string[] = [];
  const change = (key: string, what: string) => {
    const c = d[key] as { from?: unknown; to?: unknown } | undefined;
    if (c && typeof c === 'object') parts.push(`${what} ${label(c.from)} → ${label(c.to)}`);
  };
  change('status', 'status');
  change('assignee', 'assignee');
  if (typeof d.disposition === 'string' && d.disposition) parts.push(`disposition “${d.disposition}”`);
  if (typeof d.reason === 'string' && entry.action.startsWith('tool.')) parts.push(`reason “${d.reason}”`);
  const verb = entry.action === 'incident.update' && parts.length ? parts.join(', ') : (ACTIONS[entry.action] ?? entry.action);
  const target = entry.target.startsWith('tool:') ? ` ${entry.target.slice(5)}` : '';
  const extra = entry.action !== 'incident.update' && parts.length ? ` (${parts.join(', ')})` : '';
  return {
    ts: entry.ts,
    who: entry.actor.type === 'system' ? 'Palisade (automatic)' : entry.actor.id,
    text: `${verb}${entry.action.startsWith('tool.') ? target : ''}${extra}`,
    ...(typeof d.note === 'string' ? { quote: d.note } : {}),
    key: `a${entry.seq}`,
  };
}

/** Notes and audited actions on the incident and its tool, newest first. */
export function Activity({ notes, actions, now }: { notes: IncidentNote[]; actions: AuditEntry[]; now: number }) {
  const noteTexts = new Set(actions.map((a) => (a.details as Record<string, unknown>).note).filter((n): n is string => typeof n === 'string'));
  const items: Item[] = [
    ...actions.map(describe),
    // Notes are in the audit entries too; older entries without them still show.
    ...notes.filter((n) => !noteTexts.has(n.text)).map((n, i) => ({ ts: n.ts, who: n.author, text: 'added a note', quote: n.text, key: `n${i}` })),
  ].sort((a, b) => b.ts.localeCompare(a.ts));
  if (items.length === 0) return <div className="empty">No actions yet.</div>;
  return (
    <ul className="activity" data-testid="activity">
      {items.map((item) => (
        <li key={item.key}>
          <span className="who">{item.who}</span> <SafeText inline text={item.text} />
          <div className="when" title={formatInstant(item.ts)}>
            {formatTime(item.ts, now)}
          </div>
          {item.quote ? (
            <blockquote>
              <SafeText text={item.quote} />
            </blockquote>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
