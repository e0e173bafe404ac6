import { STATUS_LABELS, type StatusName, categoryLabel } from '@/lib/vocabulary';

export function SeverityBadge({ severity }: { severity: string }) {
  return (
    <span className={`badge sev-${severity}`}>
      <span className="pip" aria-hidden="true" />
      {severity}
    </span>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge st-${status}`}>{STATUS_LABELS[status as StatusName] ?? status}</span>;
}

export function CategoryChip({ category }: { category: string }) {
  return (
    <span className="chip" title={category}>
      {categoryLabel(category)}
    </span>
  );
}
