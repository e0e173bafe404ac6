import type { Evidence } from '@palisade/schema';
import Link from 'next/link';
import { highlightExcerpt, segmentText, victimSentence } from '@/lib/evidence-text';
import { formatBytes } from '@/lib/format';
import { toolHref } from '@/lib/tool-links';
import { LockIcon } from '../common/icons';
import { RichText, SafeText } from '../common/rich-text';
import { DiffView } from '../tools/diff-view';

function figure(value: number | string | string[] | undefined, metric: string): string {
  if (value === undefined) return '–';
  if (Array.isArray(value)) return value.length ? value.slice(0, 5).join(', ') + (value.length > 5 ? ` +${value.length - 5}` : '') : 'none yet';
  if (typeof value === 'number' && /bytes/.test(metric)) return formatBytes(value);
  return typeof value === 'number' ? value.toLocaleString('en-US', { maximumFractionDigits: 2 }) : value;
}

/** An alert's evidence for a person: why, what matched where (highlighted), the figures, the diff. */
export function EvidenceView({ evidence }: { evidence: Evidence }) {
  const baseline = evidence.baseline;
  const shown = evidence.matches.map((m) => m.text).join(' ');
  const fingerprints = (evidence.fingerprints ?? []).filter((fp) => !shown.includes(fp));
  const details = Object.entries(evidence.details ?? {})
    .map(([key, v]) => [key, Array.isArray(v) && v.every((x) => typeof x !== 'object') ? v.join(', ') : v] as const)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object');
  return (
    <div className="evidence">
      <p className="summary">
        <RichText segments={segmentText(evidence.summary)} />
      </p>
      {evidence.matches.map((match, i) => (
        <div className="match" key={i} data-testid="evidence-match">
          <div className="match-head">
            <span className="signal">
              <SafeText inline text={match.signal} />
            </span>
            <span className="field">
              <SafeText inline text={match.field} />
            </span>
          </div>
          <p className="excerpt">
            <RichText segments={highlightExcerpt(match.text, match.start, match.end)} />
          </p>
          {match.decoded ? (
            <div className="decoded">
              <strong>Decoded hidden text: </strong>
              <SafeText text={match.decoded} />
            </div>
          ) : null}
        </div>
      ))}
      {baseline ? (
        <div className="figures" data-testid="evidence-baseline" aria-label={`Baseline: ${baseline.metric}`}>
          <div className="figure">
            <div className="label">Observed · {baseline.metric.replace(/\s*\(.*\)$/, '')}</div>
            <div className="value">
              <SafeText inline text={figure(baseline.observed, baseline.metric)} />
            </div>
          </div>
          <div className="figure">
            <div className="label">Expected</div>
            <div className="value">
              <SafeText inline text={figure(baseline.expected, baseline.metric)} />
            </div>
          </div>
          {baseline.score !== undefined && baseline.threshold !== undefined ? (
            <div className="figure">
              <div className="label">
                Score {baseline.score.toFixed(1)} / threshold {baseline.threshold.toFixed(1)}
              </div>
              <div className="scorebar" aria-hidden="true">
                <span style={{ width: `${Math.min(100, (baseline.score / Math.max(baseline.score, baseline.threshold * 2)) * 100)}%` }} />
                <i style={{ left: `${Math.min(100, (baseline.threshold / Math.max(baseline.score, baseline.threshold * 2)) * 100)}%` }} />
              </div>
            </div>
          ) : null}
          {baseline.samples !== undefined ? (
            <div className="figure">
              <div className="label">Baseline samples</div>
              <div className="value">{baseline.samples}</div>
            </div>
          ) : null}
        </div>
      ) : null}
      {evidence.victim ? (
        <div className="notice warning">
          Targets{' '}
          {evidence.victim.tool ? (
            <Link href={toolHref(evidence.victim.server, evidence.victim.tool)}>
              <code>
                <SafeText inline text={`${evidence.victim.server}/${evidence.victim.tool}`} />
              </code>
            </Link>
          ) : (
            <code>
              <SafeText inline text={evidence.victim.tool ?? evidence.victim.server} />
            </code>
          )}
          {victimSentence(evidence.matches, evidence.victim.tool ?? null)}
        </div>
      ) : null}
      {evidence.source ? (
        <div className="notice">
          Data came from{' '}
          <code>
            <SafeText inline text={`${evidence.source.server}${evidence.source.tool ? `/${evidence.source.tool}` : ''}`} />
          </code>
          {evidence.source.eventId ? <span className="muted"> (event {evidence.source.eventId})</span> : null}.
        </div>
      ) : null}
      {fingerprints.length ? (
        <div className="chips" data-testid="evidence-fingerprints">
          {fingerprints.map((fp) => (
            <span key={fp} className="secret" title="Fingerprint of a secret (HMAC); the secret itself never leaves the collector">
              <LockIcon size={11} /> {fp}
            </span>
          ))}
        </div>
      ) : null}
      {evidence.diff ? (
        <div className="card" style={{ boxShadow: 'none', overflow: 'hidden' }}>
          <DiffView diff={evidence.diff} />
        </div>
      ) : null}
      {details.length ? (
        <dl className="kv">
          {details.map(([key, value]) => (
            <div key={key} style={{ display: 'contents' }}>
              <dt>{key}</dt>
              <dd>
                <SafeText inline text={String(value)} />
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
    </div>
  );
}
