import { attempt } from '@/lib/attempt';
import { listRules } from '@/lib/data';
import { formatDuration, formatNumber } from '@/lib/format';
import { ApiProblem } from '../common/api-problem';
import { CategoryChip, SeverityBadge } from '../common/badges';
import { TableHead } from '../common/table-head';
import { RuleSwitch } from './rule-switch';

const KINDS: Record<string, string> = { event_count: 'count', value_count: 'distinct values', temporal: 'sequence', temporal_ordered: 'ordered sequence' };

/** The correlation rule pack with hit counts (and, for rules with `suppress`, the firings suppressed), most hits first. */
export async function RuleTable({ canChange }: { canChange: boolean }) {
  const result = await attempt(listRules());
  if (!result.ok) return <ApiProblem error={result.error} what="the rules" />;
  const rules = [...result.value.items].sort((a, b) => b.hits - a.hits || a.title.localeCompare(b.title));
  if (rules.length === 0) return <div className="empty">No correlation rules are loaded.</div>;
  return (
    <div className="table-wrap">
      <table className="data" aria-label="Correlation rules">
        <TableHead columns={['On', 'Rule', 'Category', 'Severity', 'Kind', { label: 'Hits', numeric: true }]} />
        <tbody>
          {rules.map((rule) => (
            <tr key={rule.id} data-rule-row={rule.id} style={{ opacity: rule.enabled ? 1 : 0.6 }}>
              <td>
                <RuleSwitch id={rule.id} title={rule.title} enabled={rule.enabled} canChange={canChange} />
              </td>
              <td style={{ maxWidth: 560 }}>
                <div style={{ fontWeight: 600 }}>{rule.title}</div>
                <div className="muted" style={{ fontSize: 12.5 }}>
                  {rule.description}
                </div>
                <div className="mono muted" style={{ fontSize: 11 }}>
                  {rule.id} v{rule.version}
                  {rule.file ? ` · ${rule.file}` : ''}
                </div>
              </td>
              <td>
                <CategoryChip category={rule.category} />
              </td>
              <td>
                <SeverityBadge severity={rule.severity} />
              </td>
              <td className="nowrap">{KINDS[rule.kind] ?? rule.kind}</td>
              <td className="num" style={{ fontWeight: rule.hits ? 650 : 400 }}>
                {formatNumber(rule.hits)}
                {rule.suppressSeconds !== undefined ? (
                  <div className="muted nowrap" data-testid="rule-suppressed" style={{ fontSize: 12, fontWeight: 400 }}>
                    {formatNumber(rule.suppressed)} suppressed · one alert per group per {formatDuration(rule.suppressSeconds * 1000)}
                  </div>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
