'use client';

import { useState, useTransition } from 'react';
import { createExport } from '@/lib/actions';
import type { ExportRecord } from '@/lib/data';
import { useToast } from '../common/toast';
import { ExportProgress } from './export-progress';

const toIso = (local: string) => (local ? new Date(`${local}:00Z`).toISOString() : '');

/** Range (UTC) and format of a new compliance bundle. */
export function ExportForm({ defaultFrom, defaultTo }: { defaultFrom: string; defaultTo: string }) {
  const [from, setFrom] = useState(defaultFrom);
  const [to, setTo] = useState(defaultTo);
  const [format, setFormat] = useState<'ndjson' | 'csv'>('ndjson');
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<ExportRecord | null>(null);
  const [pending, startTransition] = useTransition();
  const notify = useToast();
  return (
    <form
      className="card-body stack"
      onSubmit={(event) => {
        event.preventDefault();
        setError(null);
        startTransition(async () => {
          const result = await createExport({ from: toIso(from), to: toIso(to), format });
          if (result.ok) {
            setCreated(result.data ?? null);
            if (result.message) notify('success', result.message);
          } else {
            setError(result.fieldErrors ? Object.entries(result.fieldErrors).map(([f, m]) => `${f} ${m.join(', ')}`).join('; ') : result.error);
          }
        });
      }}
    >
      <div className="form-row">
        <div className="field">
          <label htmlFor="from">From (UTC)</label>
          <input id="from" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor="to">To (UTC)</label>
          <input id="to" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} required />
        </div>
        <fieldset className="field" style={{ border: 0, padding: 0, margin: 0 }}>
          <legend style={{ fontWeight: 550, marginBottom: 4 }}>Format</legend>
          <div style={{ display: 'flex', gap: 14, height: 30, alignItems: 'center' }}>
            <label className="checkbox">
              <input type="radio" name="format" value="ndjson" checked={format === 'ndjson'} onChange={() => setFormat('ndjson')} /> NDJSON
            </label>
            <label className="checkbox">
              <input type="radio" name="format" value="csv" checked={format === 'csv'} onChange={() => setFormat('csv')} /> CSV
            </label>
          </div>
        </fieldset>
        <button type="submit" className="btn primary" disabled={pending} data-action="create-export">
          {pending ? 'Starting…' : 'Create bundle'}
        </button>
      </div>
      <p className="hint" style={{ margin: 0 }}>
        Events, alerts (with OCSF findings), incidents and audit entries of the range, each file with its SHA-256 in a signed manifest that ends
        with the head of the audit hash chain. Check a download with <code>npx palisade-detector verify-export FILE.tar.gz</code>.
      </p>
      {error ? (
        <div className="notice error" role="alert">
          {error}
        </div>
      ) : null}
      {created ? <ExportProgress key={created.id} started={created} /> : null}
    </form>
  );
}
