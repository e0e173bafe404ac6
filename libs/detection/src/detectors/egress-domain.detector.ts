import type { EvidenceMatch, Severity } from '@palisade/schema';
import { countValue, type ToolBaselineRecord } from '../baselines/tool-baseline.js';
import type { DetectionContext } from '../engine/detection-context.js';
import { domainAllowed, type ResolvedTuning } from '../engine/engine-options.js';
import type { EgressDomain } from './recipient.extractor.js';

/**
 * new_egress_domain: after the warm-up, a URL or host argument names a domain never seen for the tool.
 * Medium; low for tools that visit a new domain on most calls anyway (a browser or fetch tool: more
 * than half of its calls with a domain brought a new one). Learns every domain.
 */
export function detectNewEgressDomain(ctx: DetectionContext, baseline: ToolBaselineRecord, tuning: ResolvedTuning, domains: readonly EgressDomain[], learning: boolean): void {
  if (domains.length === 0) return;
  const fresh = domains.filter((d) => baseline.domains[d.domain] === undefined && !domainAllowed(tuning, d.domain) && !domainAllowed(tuning, d.host));
  const distinct = Object.keys(baseline.domains).length;
  const diverse = baseline.domainCalls >= 10 && distinct / baseline.domainCalls > 0.5;
  baseline.domainCalls += 1;
  for (const d of domains) countValue(baseline.domains, d.domain);
  if (learning || fresh.length === 0) return;
  const severity: Severity = diverse ? 'low' : 'medium';
  const matches: EvidenceMatch[] = fresh.map((d) => ({ field: d.field, text: d.host, signal: `domain ${d.domain} never seen for this tool` }));
  ctx.emit({
    category: 'new_egress_domain',
    severity,
    title: `New egress domain for ${ctx.view.tool ?? ctx.view.method}: ${[...new Set(fresh.map((d) => d.domain))].join(', ')}`,
    tool: ctx.view.tool,
    values: fresh.flatMap((d) => [d.domain, d.host]),
    evidence: {
      summary: `${ctx.view.tool ?? ctx.view.method} on server "${ctx.view.server}" was pointed at ${fresh.map((d) => d.host).join(', ')}, a domain its ${baseline.observations} earlier calls never used${diverse ? ' (this tool visits new domains often, so the alert is low)' : ''}.`,
      matches,
      baseline: { metric: 'domains', observed: fresh.map((d) => d.domain).join(', '), expected: Object.keys(baseline.domains).filter((d) => !fresh.some((f) => f.domain === d)).slice(0, 50), samples: baseline.domainCalls },
      details: { domain: fresh[0]?.domain, diversity: distinct / Math.max(1, baseline.domainCalls) },
    },
  });
}
