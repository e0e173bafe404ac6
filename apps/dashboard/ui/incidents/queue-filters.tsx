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
      <label className="visually-hidden" htmlFor="f-severity">
        Severity
      </label>
      <select id="f-severity" name="severity" defaultValue={params.severity ?? ''} onChange={apply}>
        <option value="">Any severity</option>
        {SEVERITIES.map((s) => (
          <option key={s} value={s}>
            {s[0]!.toUpperCase() + s.slice(1)}
          </option>
        ))}
      </select>
      <label className="visually-hidden" htmlFor="f-category">
        Category
      </label>
      <select id="f-category" name="category" defaultValue={params.category ?? ''} onChange={apply}>
        <option value="">Any category</option>
        {ALERT_CATEGORIES.map((c) => (
          <option key={c} value={c}>
            {CATEGORY_LABELS[c]}
          </option>
        ))}
      </select>
      <label className="visually-hidden" htmlFor="f-server">
        Server
      </label>
      <input id="f-server" name="server" type="text" placeholder="Server" defaultValue={params.server ?? ''} />
      <label className="visually-hidden" htmlFor="f-tool">
        Tool
      </label>
      <input id="f-tool" name="tool" type="text" placeholder="Tool" defaultValue={params.tool ?? ''} />
      <label className="visually-hidden" htmlFor="f-assignee">
        Assignee
      </label>
      <input id="f-assignee" name="assignee" type="text" placeholder="Assignee (me)" defaultValue={params.assignee ?? ''} />
      <label className="visually-hidden" htmlFor="f-range">
        Time
      </label>
      <select id="f-range" name="range" defaultValue={params.range} onChange={apply}>
        <option value="1h">Last hour</option>
        <option value="24h">Last 24 hours</option>
        <option value="7d">Last 7 days</option>
        <option value="30d">Last 30 days</option>
        <option value="all">Any time</option>
      </select>
      <label className="visually-hidden" htmlFor="f-sort">
        Order
      </label>
      <select id="f-sort" name="sort" defaultValue={params.sort} onChange={apply}>
        <option value="severity">Most severe first</option>
        <option value="recent">Newest first</option>
      </select>
      </div>
    </form>
  );
}
