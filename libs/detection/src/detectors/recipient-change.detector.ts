import { maxSeverity, type EvidenceMatch, type Severity } from '@palisade/schema';
import { countValue, type ToolBaselineRecord } from '../baselines/tool-baseline.js';
import type { DetectionContext } from '../engine/detection-context.js';
import { domainAllowed, type ResolvedTuning } from '../engine/engine-options.js';
import type { RecipientValue } from './recipient.extractor.js';

/** Baseline key of a recipient: argument and value (`to:alice@example.com`). */
export function recipientKey(recipient: RecipientValue): string {
  return `${recipient.key.toLowerCase()}:${recipient.value}`;
}

/**
 * recipient_change: after the warm-up, a recipient-like argument takes a value the tool's baseline has
 * not seen. A new address at a domain already in the baseline is low; a new domain, phone number,
 * channel or other recipient is medium. Allow-listed recipients and domains never raise.
 * Learns every value (during and after the warm-up).
 */
export function detectRecipientChange(ctx: DetectionContext, baseline: ToolBaselineRecord, tuning: ResolvedTuning, recipients: readonly RecipientValue[], learning: boolean): void {
  if (recipients.length === 0) return;
  let severity: Severity | null = null;
  const matches: EvidenceMatch[] = [];
  const values: string[] = [];
  for (const recipient of recipients) {
    const known = baseline.recipients[recipientKey(recipient)] !== undefined;
    // The host, not only the registrable domain: `eu.partner.example` on the allow-list covers `x@eu.partner.example`.
    const domain = recipient.host ?? recipient.domain;
    const allowed = tuning.allowRecipients.has(recipient.value) || (domain !== undefined && domainAllowed(tuning, domain));
    if (!learning && !known && !allowed) {
      const knownDomain = recipient.domain !== undefined && baseline.domains[recipient.domain] !== undefined;
      const level: Severity = knownDomain ? 'low' : 'medium';
      severity = severity ? maxSeverity(severity, level) : level;
      values.push(recipient.value, ...(recipient.domain ? [recipient.domain] : []));
      matches.push({
        field: recipient.field,
        text: recipient.value,
        signal: knownDomain ? `new ${recipient.form} at a known domain (${recipient.domain})` : recipient.domain ? `new ${recipient.form} at a domain never seen for this tool (${recipient.domain})` : `new ${recipient.form} never seen for this tool`,
      });
    }
  }
  const expected = severity
    ? Object.entries(baseline.recipients)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 20)
        .map(([value]) => value)
    : [];
  const knownDomains = severity ? Object.keys(baseline.domains).slice(0, 50) : [];
  for (const recipient of recipients) {
    countValue(baseline.recipients, recipientKey(recipient));
    if (recipient.domain) countValue(baseline.domains, recipient.domain);
  }
  if (!severity) return;
  ctx.emit({
    category: 'recipient_change',
    severity,
    title: `New recipient for ${ctx.view.tool ?? ctx.view.method}: ${matches.map((m) => m.text).slice(0, 3).join(', ')}`,
    tool: ctx.view.tool,
    values,
    evidence: {
      summary: `${ctx.view.tool ?? ctx.view.method} on server "${ctx.view.server}" was called with ${matches.length === 1 ? 'a recipient' : 'recipients'} outside its baseline of ${baseline.observations} calls: ${matches.map((m) => `${m.text} (${m.signal})`).join('; ')}.`,
      matches,
      baseline: { metric: 'recipients', observed: matches.map((m) => m.text).join(', '), expected, samples: baseline.observations },
      details: { knownDomains },
    },
  });
}
