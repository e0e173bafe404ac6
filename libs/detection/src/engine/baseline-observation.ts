import { newToolBaseline, type ToolBaselineRecord } from '../baselines/tool-baseline.js';
import { countCall, raiseCallRateSpike } from '../detectors/call-rate-spike.detector.js';
import { detectNewEgressDomain } from '../detectors/egress-domain.detector.js';
import { detectNamedRecipient } from '../detectors/named-recipient.detector.js';
import { extractEgressDomains, extractRecipients } from '../detectors/recipient.extractor.js';
import { detectRecipientChange } from '../detectors/recipient-change.detector.js';
import { detectResponseSizeSpike } from '../detectors/response-size-spike.detector.js';
import type { SessionRecord } from '../detectors/tool-definition.detector.js';
import { tuningFor } from './compile-engine.js';
import type { DetectionContext } from './detection-context.js';
import { baselineKey } from './engine-state.js';

/**
 * One call of a tool (not blocked) against the tool's behavioural baseline: judged by the baseline
 * detectors (recipients, domains, response size, call rate, the session's rate) unless the baseline is
 * still learning, then learnt into it. Without a `session` (a replay's seed) the call is only learnt,
 * never judged. What is learnt never depends on the tuning, only what is judged: a baseline learnt
 * without judging is the one the engine would have learnt while judging.
 */
export function observeToolCall(ctx: DetectionContext, tool: string, session: SessionRecord | null): void {
  const { view, state, engine } = ctx;
  const judge = session !== null;
  const key = baselineKey(view.server, tool);
  const baseline = state.get<ToolBaselineRecord>(key) ?? state.set(key, newToolBaseline(view.server, tool));
  const tuning = tuningFor(engine, view.server, tool);
  const learning = !judge || baseline.observations < tuning.warmup;
  const recipients = extractRecipients(view.argumentLeaves);
  if (judge) detectNamedRecipient(ctx, recipients);
  detectRecipientChange(ctx, baseline, tuning, recipients, learning);
  detectNewEgressDomain(ctx, baseline, tuning, extractEgressDomains(view.argumentLeaves), learning);
  if (view.outcome === 'ok' && view.result !== undefined) detectResponseSizeSpike(ctx, baseline, tuning, learning);
  const toolRate = countCall(baseline.rate, view.tsMs, tuning.sensitivity, !learning);
  if (toolRate) raiseCallRateSpike(ctx, toolRate, 'tool', tuning);
  if (session) {
    const sessionRate = countCall(session.rate, view.tsMs, tuning.sensitivity, true);
    if (sessionRate && !toolRate) raiseCallRateSpike(ctx, sessionRate, 'session', tuning);
  }
  baseline.observations += 1;
  const ts = view.event.ts;
  if (!baseline.firstSeen || ts < baseline.firstSeen) baseline.firstSeen = ts;
  if (!baseline.lastSeen || ts > baseline.lastSeen) baseline.lastSeen = ts;
  state.touch(key);
}
