'use client';

import { useRouter } from 'next/navigation';
import { useRef } from 'react';
import type { IncidentFilterParams } from '@/lib/incident-filters';
import { ALERT_CATEGORIES, CATEGORY_LABELS, SEVERITIES } from '@/lib/vocabulary';

/**
 * The queue's filters: a plain GET form (works without JavaScript); with it, a changed select applies
 * at once and text fields apply on Enter. `/` focuses the search box.
 */
export function QueueFilters({ params }: { params: IncidentFilterParams }) {
  const router = useRouter();
  const form = useRef<HTMLFormElement>(null);
  const apply = () => {
    if (!form.current) return;
    const data = new FormData(form.current);
    const search = new URLSearchParams();
    for (const [key, value] of data.entries()) {
      const text = String(value).trim();
      if (!text || (key === 'range' && text === 'all') || (key === 'sort' && text === 'severity') || (key === 'status' && text === 'open')) continue;
      search.set(key, text);
    }
    const query = search.toString();
    router.push(query ? `/incidents?${query}` : '/incidents');
  };
  return (
    <form
      ref={form}
      className="filters"
      action="/incidents"
      method="get"
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        apply();
      }}
    >
      <input type="hidden" name="status" value={params.status} />
      <label className="visually-hidden" htmlFor="q">
        Search incidents
      </label>
      <div className="filters-row">
        <input id="q" name="q" type="search" placeholder="Search titles, servers, tools, notes…  ( / )" defaultValue={params.q ?? ''} />
        <button type="submit" className="btn">
          Apply
        </button>
        <a className="btn ghost" href={params.status === 'open' ? '/incidents' : `/incidents?status=${params.status}`}>
          Clear
        </a>
      </div>
      <div className="filters-row">
        <FilterSelect id="f-severity" name="severity" label="Severity" value={params.severity ?? ''} onChange={apply} options={[['', 'Any severity'], ...SEVERITIES.map((s) => [s, s[0]!.toUpperCase() + s.slice(1)] as const)]} />
        <FilterSelect id="f-category" name="category" label="Category" value={params.category ?? ''} onChange={apply} options={[['', 'Any category'], ...ALERT_CATEGORIES.map((c) => [c, CATEGORY_LABELS[c]] as const)]} />
        <FilterText id="f-server" name="server" label="Server" placeholder="Server" value={params.server} />
        <FilterText id="f-tool" name="tool" label="Tool" placeholder="Tool" value={params.tool} />
        <FilterText id="f-assignee" name="assignee" label="Assignee" placeholder="Assignee (me)" value={params.assignee} />
        <FilterSelect id="f-range" name="range" label="Time" value={params.range} onChange={apply} options={RANGES} />
        <FilterSelect id="f-sort" name="sort" label="Order" value={params.sort} onChange={apply} options={SORTS} />
      </div>
    </form>
  );
}

type Options = readonly (readonly [value: string, label: string])[];

const RANGES: Options = [
  ['1h', 'Last hour'],
  ['24h', 'Last 24 hours'],
  ['7d', 'Last 7 days'],
  ['30d', 'Last 30 days'],
  ['all', 'Any time'],
];
const SORTS: Options = [
  ['severity', 'Most severe first'],
  ['recent', 'Newest first'],
];

/** A select of the filter form, labelled for screen readers; a change applies at once. */
function FilterSelect({ id, name, label, value, options, onChange }: { id: string; name: string; label: string; value: string; options: Options; onChange: () => void }) {
  return (
    <>
      <label className="visually-hidden" htmlFor={id}>
        {label}
      </label>
      <select id={id} name={name} defaultValue={value} onChange={onChange}>
        {options.map(([optionValue, optionLabel]) => (
          <option key={optionValue} value={optionValue}>
            {optionLabel}
          </option>
        ))}
      </select>
    </>
  );
}

/** A text field of the filter form, labelled for screen readers; it applies on Enter. */
function FilterText({ id, name, label, placeholder, value }: { id: string; name: string; label: string; placeholder: string; value: string | undefined }) {
  return (
    <>
      <label className="visually-hidden" htmlFor={id}>
        {label}
      </label>
      <input id={id} name={name} type="text" placeholder={placeholder} defaultValue={value ?? ''} />
    </>
  );
}
