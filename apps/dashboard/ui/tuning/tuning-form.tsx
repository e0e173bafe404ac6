'use client';

import { printableText } from '@palisade/schema/printable-text';
import { useMemo, useState, useTransition } from 'react';
import { previewTuning, saveTuning } from '@/lib/actions';
import type { TuningPreview } from '@/lib/data';
import type { TuningFields } from '@/lib/tuning-fields';
import { ALERT_CATEGORIES, CATEGORY_LABELS } from '@/lib/vocabulary';
import { ConfirmDialog } from '../common/confirm-dialog';
import { SafeText } from '../common/rich-text';

export interface SavedTuning {
  sensitivity: number;
  warmup: number;
  allowRecipients: string[];
  allowDomains: string[];
  mutedDetectors: string[];
  exceptions: { category: string; value?: string; expiresAt: string | null; author: string; incidentId?: string }[];
  updatedAt?: string;
  updatedBy?: string;
}

const lines = (text: string) =>
  text
    .split(/[\n,]/)
    .map((l) => l.trim())
    .filter(Boolean);

function Delta({ from, to }: { from: number; to: number }) {
  const d = to - from;
  if (d === 0) return <span className="muted">±0</span>;
  return <span className={d < 0 ? 'delta-down' : 'delta-up'}>{d > 0 ? `+${d}` : d}</span>;
}

/** The period the figures cover: the days asked for, or, once the replay reached its limit, from when they hold. */
function period(result: TuningPreview): string {
  if (result.limit.reached) return `since ${result.window.from.slice(0, 16).replace('T', ' ')} UTC`;
  return `over ${result.days} day${result.days === 1 ? '' : 's'}`;
}

/** What the replay's baseline started from: the tool's calls before the compared period, learnt again. */
function seedOf(result: TuningPreview): string {
  const { observations, before } = result.seed;
  if (observations === 0) return `baseline learnt afresh: no earlier call of the tool`;
  return `baseline as learnt before ${before.slice(0, 16).replace('T', ' ')} UTC: ${observations} observation${observations === 1 ? '' : 's'}`;
}

/**
 * Per-tool tuning with a preview: the last N days of the tool's calls, their sessions and the other
 * servers' events its alerts depend on are replayed with the saved and the proposed tuning, and Save is
 * offered only for the exact values previewed, the tool's baseline starting as it had learnt before them
 * (stated beside the figures). What the replay could not cover (its limit reached, alerts
 * it could not reproduce) is shown in the API's own words beside the figures, never as a silent zero.
 */
export function TuningForm({ server, tool, saved, canTune }: { server: string; tool: string; saved: SavedTuning; canTune: boolean }) {
  const [sensitivity, setSensitivity] = useState(saved.sensitivity);
  const [warmup, setWarmup] = useState(String(saved.warmup));
  const [recipients, setRecipients] = useState(saved.allowRecipients.join('\n'));
  const [domains, setDomains] = useState(saved.allowDomains.join('\n'));
  const [muted, setMuted] = useState<Set<string>>(new Set(saved.mutedDetectors));
  const [keep, setKeep] = useState<Set<number>>(new Set(saved.exceptions.map((_, i) => i)));
  const [days, setDays] = useState(7);
  const [preview, setPreview] = useState<{ key: string; result: TuningPreview } | null>(null);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [pending, startTransition] = useTransition();

  const fields: TuningFields = useMemo(
    () => ({
      sensitivity,
      warmup: Number(warmup),
      allowRecipients: lines(recipients),
      allowDomains: lines(domains).map((d) => d.toLowerCase()),
      mutedDetectors: [...muted].sort() as TuningFields['mutedDetectors'],
      keepExceptions: [...keep].sort((a, b) => a - b),
    }),
    [sensitivity, warmup, recipients, domains, muted, keep],
  );
  const key = JSON.stringify([fields, days]);
  const fresh = preview?.key === key;

  const runPreview = () =>
    startTransition(async () => {
      setError(null);
      const result = await previewTuning({ server, tool, tuning: fields, days });
      if (result.ok && result.data) {
        setErrors({});
        setPreview({ key, result: result.data });
      } else if (!result.ok) {
        setError(result.error);
        setErrors(result.fieldErrors ?? {});
      }
    });

  const fieldError = (name: string) => {
    const messages = Object.entries(errors)
      .filter(([k]) => k === `tuning.${name}` || k.startsWith(`tuning.${name}.`))
      .flatMap(([, m]) => m);
    return messages.length ? <div className="field-error">{messages.join(', ')}</div> : null;
  };

  const examples = preview ? [...preview.result.examples.removed.map((x) => ({ ...x, change: 'removed' as const })), ...preview.result.examples.added.map((x) => ({ ...x, change: 'added' as const }))] : [];
  const categories = preview ? [...new Set([...Object.keys(preview.result.current.byCategory), ...Object.keys(preview.result.proposed.byCategory)])] : [];

  return (
    <div className="tuning">
      <section className="card">
        <fieldset disabled={!canTune || pending}>
          <legend className="visually-hidden">Tuning of {printableText(`${server}/${tool}`)}</legend>
          <div className="section">
            <div className="field">
              <label htmlFor="sensitivity">Sensitivity multiplier</label>
              <div className="slider">
                <input id="sensitivity" type="range" min={0.25} max={4} step={0.25} value={sensitivity} onChange={(e) => setSensitivity(Number(e.target.value))} />
                <output htmlFor="sensitivity" data-testid="sensitivity-value">
                  ×{sensitivity.toFixed(2)}
                </output>
              </div>
              <span className="hint">Multiplies every behavioural threshold: ×2 alerts only on deviations twice as large, ×0.5 on deviations half as large.</span>
              {fieldError('sensitivity')}
            </div>
          </div>
          <div className="section">
            <div className="field" style={{ maxWidth: 260 }}>
              <label htmlFor="warmup">Warm-up (observations)</label>
              <input id="warmup" type="number" min={1} max={10000} value={warmup} onChange={(e) => setWarmup(e.target.value)} />
              <span className="hint">Calls the baselines learn from before they may alert.</span>
              {fieldError('warmup')}
            </div>
          </div>
          <div className="section grid-halves">
            <div className="field">
              <label htmlFor="recipients">Allowed recipients</label>
              <textarea id="recipients" rows={4} value={recipients} onChange={(e) => setRecipients(e.target.value)} placeholder={'ops@example.com\n+15551234567'} />
              <span className="hint">One per line. Never raise “recipient change”.</span>
              {fieldError('allowRecipients')}
            </div>
            <div className="field">
              <label htmlFor="domains">Allowed domains</label>
              <textarea id="domains" rows={4} value={domains} onChange={(e) => setDomains(e.target.value)} placeholder={'example.com'} />
              <span className="hint">One per line; a domain covers its subdomains.</span>
              {fieldError('allowDomains')}
            </div>
          </div>
          <div className="section">
            <div className="field">
              <span style={{ fontWeight: 550 }}>Muted detectors</span>
              <div className="detectors">
                {ALERT_CATEGORIES.map((c) => (
                  <label key={c} className="checkbox">
                    <input
                      type="checkbox"
                      name="muted"
                      value={c}
                      checked={muted.has(c)}
                      onChange={() => {
                        const next = new Set(muted);
                        if (next.has(c)) next.delete(c);
                        else next.add(c);
                        setMuted(next);
                      }}
                    />
                    {CATEGORY_LABELS[c]}
                  </label>
                ))}
              </div>
            </div>
          </div>
          <div className="section">
            <span style={{ fontWeight: 550 }}>Exceptions from closed false positives</span>
            {saved.exceptions.length === 0 ? (
              <p className="hint" style={{ margin: '4px 0 0' }}>
                None. Closing an incident as a false positive can add one.
              </p>
            ) : (
              <ul style={{ margin: '6px 0 0', padding: 0, listStyle: 'none' }}>
                {saved.exceptions.map((x, i) => (
                  <li key={i} style={{ padding: '3px 0' }}>
                    <label className="checkbox">
                      <input
                        type="checkbox"
                        checked={keep.has(i)}
                        onChange={() => {
                          const next = new Set(keep);
                          if (next.has(i)) next.delete(i);
                          else next.add(i);
                          setKeep(next);
                        }}
                      />
                      {CATEGORY_LABELS[x.category as keyof typeof CATEGORY_LABELS] ?? x.category}
                      {x.value ? (
                        <code>
                          {' '}
                          <SafeText inline text={x.value} />
                        </code>
                      ) : null}
                      <span className="muted">
                        {' '}
                        by {x.author}
                        {x.expiresAt ? `, until ${x.expiresAt.slice(0, 10)}` : ''}
                      </span>
                    </label>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </fieldset>
      </section>

      <section className="card" aria-labelledby="preview-h" style={{ position: 'sticky', top: 16 }}>
        <div className="card-head">
          <div>
            <h2 id="preview-h">Preview</h2>
            <p>Replays the tool’s recent calls, the rest of their sessions and the other servers’ events its alerts depend on, with the saved and the proposed tuning.</p>
          </div>
        </div>
        <div className="card-body stack">
          {canTune ? (
            <div className="form-row">
              <div className="field">
                <label htmlFor="days">Replay the last</label>
                <select id="days" value={days} onChange={(e) => setDays(Number(e.target.value))}>
                  <option value={1}>1 day</option>
                  <option value={7}>7 days</option>
                  <option value={30}>30 days</option>
                  <option value={90}>90 days</option>
                </select>
              </div>
              <button type="button" className="btn" onClick={runPreview} disabled={pending} data-action="preview">
                {pending ? 'Replaying…' : 'Preview change'}
              </button>
            </div>
          ) : (
            <div className="notice">Your role can read the tuning but not change it.</div>
          )}
          {error ? (
            <div className="notice error" role="alert">
              {error}
            </div>
          ) : null}
          {preview ? (
            <div data-testid="preview-result" style={{ opacity: fresh ? 1 : 0.55 }}>
              <div className="big-delta">
                <div>
                  <div className="v">
                    {preview.result.current.alerts} → {preview.result.proposed.alerts}
                  </div>
                  <div className="muted" data-testid="preview-scope">
                    alerts {period(preview.result)} ({preview.result.replayed.calls} call{preview.result.replayed.calls === 1 ? '' : 's'} of the tool, {preview.result.events} events replayed)
                  </div>
                  <div className="muted" data-testid="preview-seed">
                    {seedOf(preview.result)}
                  </div>
                </div>
                <div>
                  <div className={`v ${preview.result.removed ? 'delta-down' : 'muted'}`} data-testid="preview-removed">
                    −{preview.result.removed}
                  </div>
                  <div className="muted">removed</div>
                </div>
                <div>
                  <div className={`v ${preview.result.added ? 'delta-up' : 'muted'}`} data-testid="preview-added">
                    +{preview.result.added}
                  </div>
                  <div className="muted">added</div>
                </div>
              </div>
              {preview.result.notes.length ? (
                <div className="notice warning" role="note" data-testid="preview-notes">
                  <strong>Not everything could be previewed.</strong>
                  <ul style={{ margin: '6px 0 0', paddingLeft: 18 }}>
                    {preview.result.notes.map((note, i) => (
                      <li key={i}>
                        <SafeText inline text={note} />
                      </li>
                    ))}
                  </ul>
                </div>
              ) : null}
              {categories.length ? (
                <table className="compare">
                  <thead>
                    <tr>
                      <th>Category</th>
                      <th>Saved</th>
                      <th>Proposed</th>
                      <th>Change</th>
                    </tr>
                  </thead>
                  <tbody>
                    {categories.map((c) => {
                      const from = preview.result.current.byCategory[c as keyof typeof preview.result.current.byCategory] ?? 0;
                      const to = preview.result.proposed.byCategory[c as keyof typeof preview.result.proposed.byCategory] ?? 0;
                      return (
                        <tr key={c}>
                          <td>{CATEGORY_LABELS[c as keyof typeof CATEGORY_LABELS] ?? c}</td>
                          <td>{from}</td>
                          <td>{to}</td>
                          <td>
                            <Delta from={from} to={to} />
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              ) : (
                <p className="muted">No alerts either way.</p>
              )}
              {examples.length ? (
                <ul style={{ margin: '10px 0 0', padding: 0, listStyle: 'none' }}>
                  {examples.map((x, i) => (
                    <li key={i} style={{ padding: '3px 0', fontSize: 12.5 }}>
                      <span className={x.change === 'removed' ? 'delta-down' : 'delta-up'}>{x.change === 'removed' ? '− ' : '+ '}</span>
                      <span className={`badge sev-${x.severity}`}>{x.severity}</span> <SafeText inline text={x.title} />
                    </li>
                  ))}
                </ul>
              ) : null}
              {!fresh ? <p className="hint">The form changed since this preview: preview again before saving.</p> : null}
            </div>
          ) : canTune ? (
            <p className="hint" style={{ margin: 0 }}>
              Preview the change to see how many alerts it would have raised or removed. Saving is possible after a preview of the same values.
            </p>
          ) : null}
          {canTune ? (
            <button type="button" className="btn primary" disabled={!fresh || pending} onClick={() => setConfirming(true)} data-action="save-tuning">
              Save tuning
            </button>
          ) : null}
          {saved.updatedBy ? (
            <p className="hint" style={{ margin: 0 }}>
              Last changed by {saved.updatedBy}
              {saved.updatedAt ? ` at ${saved.updatedAt.slice(0, 16).replace('T', ' ')} UTC` : ''}.
            </p>
          ) : null}
        </div>
      </section>
      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        title={`Save the tuning of ${printableText(`${server}/${tool}`)}?`}
        description={
          preview
            ? `Over the last ${preview.result.days} days this would have removed ${preview.result.removed} and added ${preview.result.added} alerts${preview.result.notes.length ? ', as far as the preview could tell (see its notes)' : ''}. The change is audited.`
            : undefined
        }
        confirmLabel="Save tuning"
        onConfirm={() => saveTuning({ server, tool, tuning: fields })}
      />
    </div>
  );
}
