import { printableText } from '@palisade/schema/printable-text';
import type { RateSeries, SizeHistogram } from '@/lib/baseline-charts';
import { formatBytes } from '@/lib/format';
import { SafeText } from '../common/rich-text';

const W = 560;
const H = 190;
const PAD = { left: 34, right: 12, top: 16, bottom: 26 };
const plotW = W - PAD.left - PAD.right;
const plotH = H - PAD.top - PAD.bottom;

function yTicks(max: number): number[] {
  if (max <= 0) return [0];
  const step = Math.max(1, Math.ceil(max / 4));
  return Array.from({ length: Math.floor(max / step) + 1 }, (_, i) => i * step);
}

/** Horizontal grid lines with their counts. */
function YGrid({ max, y }: { max: number; y: (n: number) => number }) {
  return (
    <>
      {yTicks(max).map((t) => (
        <g key={t}>
          <line className="grid" x1={PAD.left} x2={PAD.left + plotW} y1={y(t)} y2={y(t)} />
          <text className="axis" x={PAD.left - 6} y={y(t) + 3} textAnchor="end">
            {t}
          </text>
        </g>
      ))}
    </>
  );
}

/**
 * Response sizes of recent calls on a log scale: bars per half-octave, the band the baseline expects
 * (shaded), the median, and the size from which a result raises `response_size_spike` (dashed).
 */
export function SizeHistogramChart({ histogram }: { histogram: SizeHistogram }) {
  if (histogram.bins.length === 0) return <div className="empty">No responses recorded yet.</div>;
  const lo = Math.log2(histogram.bins[0]!.fromBytes + 1);
  const hi = Math.log2(histogram.bins.at(-1)!.toBytes + 1);
  const x = (bytes: number) => PAD.left + ((Math.log2(bytes + 1) - lo) / (hi - lo)) * plotW;
  const top = Math.max(1, histogram.max);
  const y = (count: number) => PAD.top + plotH - (count / top) * plotH;
  const octaves: number[] = [];
  const stride = hi - lo > 12 ? 4 : hi - lo > 6 ? 2 : 1;
  for (let o = Math.ceil(lo); o <= Math.floor(hi); o += 1) if (o % stride === 0) octaves.push(o);
  const bandFrom = histogram.bandLow !== null ? Math.max(PAD.left, x(histogram.bandLow)) : null;
  const bandTo = histogram.alertAt !== null ? Math.min(PAD.left + plotW, x(histogram.alertAt)) : null;
  return (
    <figure style={{ margin: 0 }}>
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Response size distribution of ${histogram.total} calls`}>
        <YGrid max={histogram.max} y={y} />
        {bandFrom !== null && bandTo !== null && bandTo > bandFrom ? <rect className="band" x={bandFrom} y={PAD.top} width={bandTo - bandFrom} height={plotH} /> : null}
        {histogram.bins.map((bin, i) =>
          bin.count > 0 ? (
            <rect key={i} className={`bar${bin.beyond ? ' beyond' : ''}`} x={x(bin.fromBytes) + 1} y={y(bin.count)} width={Math.max(1, x(bin.toBytes) - x(bin.fromBytes) - 2)} height={PAD.top + plotH - y(bin.count)} rx={1.5}>
              <title>{`${bin.count} calls between ${formatBytes(bin.fromBytes)} and ${formatBytes(bin.toBytes)}`}</title>
            </rect>
          ) : null,
        )}
        {histogram.median !== null ? (
          <g>
            <line className="median" x1={x(histogram.median)} x2={x(histogram.median)} y1={PAD.top} y2={PAD.top + plotH} />
            <text className="label median-label" x={x(histogram.median) + (x(histogram.median) > W * 0.7 ? -4 : 4)} y={PAD.top + 9} textAnchor={x(histogram.median) > W * 0.7 ? 'end' : 'start'}>
              median {formatBytes(histogram.median)}
            </text>
          </g>
        ) : null}
        {histogram.alertAt !== null ? (
          <g>
            <line className="threshold" x1={x(histogram.alertAt)} x2={x(histogram.alertAt)} y1={PAD.top - 6} y2={PAD.top + plotH} />
            <text className="label threshold-label" x={x(histogram.alertAt) + (x(histogram.alertAt) > W * 0.7 ? -4 : 4)} y={PAD.top + 22} textAnchor={x(histogram.alertAt) > W * 0.7 ? 'end' : 'start'}>
              alerts above {formatBytes(histogram.alertAt)}
            </text>
          </g>
        ) : null}
        <line className="grid" x1={PAD.left} x2={PAD.left + plotW} y1={PAD.top + plotH} y2={PAD.top + plotH} />
        {octaves.map((o) => (
          <text key={o} className="axis" x={x(2 ** o - 1)} y={H - 8} textAnchor="middle">
            {formatBytes(2 ** o)}
          </text>
        ))}
      </svg>
      <figcaption className="legend">
        <span>
          <i style={{ background: 'var(--chart-bar)' }} />
          calls by response size (log scale)
        </span>
        <span>
          <i style={{ background: 'var(--chart-band)', border: '1px solid var(--ok)' }} />
          expected band
        </span>
        <span>
          <i style={{ background: 'var(--sev-critical)' }} />
          beyond the threshold
        </span>
      </figcaption>
    </figure>
  );
}

function clock(t: number, bucketMs: number): string {
  const iso = new Date(t).toISOString();
  return bucketMs >= 86_400_000 ? iso.slice(5, 10) : iso.slice(11, 16);
}

/** Calls per interval over the recent calls, with the baseline's median rate for the same interval. */
export function CallRateChart({ series, medianPerMinute }: { series: RateSeries; medianPerMinute?: number }) {
  if (series.points.length === 0) return <div className="empty">No calls recorded yet.</div>;
  const perBucket = medianPerMinute !== undefined ? medianPerMinute * (series.bucketMs / 60_000) : undefined;
  const top = Math.max(1, series.max, perBucket ?? 0);
  const n = series.points.length;
  const slot = plotW / n;
  const y = (count: number) => PAD.top + plotH - (count / top) * plotH;
  const labelEvery = Math.max(1, Math.ceil(n / 6));
  const unit = series.bucketMs >= 3_600_000 ? `${series.bucketMs / 3_600_000} h` : `${series.bucketMs / 60_000} min`;
  return (
    <figure style={{ margin: 0 }}>
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Calls per ${unit}`}>
        <YGrid max={top} y={y} />
        {series.points.map((p, i) => (
          <rect key={p.t} className="bar" x={PAD.left + i * slot + Math.min(2, slot * 0.15)} y={y(p.count)} width={Math.max(1, slot - Math.min(4, slot * 0.3))} height={PAD.top + plotH - y(p.count)} rx={1.5}>
            <title>{`${p.count} calls at ${clock(p.t, series.bucketMs)} UTC`}</title>
          </rect>
        ))}
        {perBucket !== undefined ? (
          <g>
            <line className="median" x1={PAD.left} x2={PAD.left + plotW} y1={y(perBucket)} y2={y(perBucket)} strokeDasharray="5 3" />
            <text className="label median-label" x={PAD.left + plotW - 4} y={y(perBucket) - 4} textAnchor="end">
              baseline median {perBucket.toFixed(perBucket < 10 ? 1 : 0)} / {unit}
            </text>
          </g>
        ) : null}
        {series.points.map((p, i) =>
          i % labelEvery === 0 ? (
            <text key={p.t} className="axis" x={PAD.left + i * slot + slot / 2} y={H - 8} textAnchor="middle">
              {clock(p.t, series.bucketMs)}
            </text>
          ) : null,
        )}
      </svg>
      <figcaption className="legend">
        <span>
          <i style={{ background: 'var(--chart-bar)' }} />
          calls per {unit} (UTC)
        </span>
        {perBucket !== undefined ? (
          <span>
            <i style={{ background: 'var(--ok)' }} />
            baseline median
          </span>
        ) : null}
      </figcaption>
    </figure>
  );
}

/** Values a baseline has seen (recipients, domains) with how often. */
export function ValueBars({ items, empty }: { items: { value: string; count: number }[]; empty: string }) {
  if (items.length === 0) return <div className="empty" style={{ padding: '14px 0' }}>{empty}</div>;
  const max = Math.max(...items.map((i) => i.count));
  return (
    <ul className="bars">
      {items.slice(0, 12).map((item) => (
        <li key={item.value}>
          <div className="track">
            <div className="fill" style={{ width: `${(item.count / max) * 100}%` }} />
            <div className="name" title={printableText(item.value)}>
              <SafeText inline text={item.value} />
            </div>
          </div>
          <span className="n">{item.count}</span>
        </li>
      ))}
    </ul>
  );
}
