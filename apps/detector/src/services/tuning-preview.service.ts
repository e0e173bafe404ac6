import { Inject, Injectable } from '@nestjs/common';
import { baselineKey, compareTunings, learnBaselines, tuningSuppresses, type BaselineSeed } from '@palisade/detection';
import { type Alert, type AlertCategory, BaselineTuning, type BaselineTuningInput, IsoTimestamp, type TuningPreview } from '@palisade/schema';
import type { Store } from '@palisade/store';
import { z } from 'zod';
import { Clock } from '../common/clock.js';
import { PalisadeException } from '../common/palisade.exception.js';
import type { DetectorConfig } from '../config/detector-config.js';
import { DETECTOR_CONFIG, STORE } from '../infra/injection-tokens.js';
import { BaselineService } from './baseline.service.js';
import { EngineService } from './engine.service.js';
import { type ReplayScope, type SeedCalls, collectReplayScope, collectSeedCalls, iso } from './replay-scope.js';

const DAY_MS = 86_400_000;
/**
 * Previews computed at once by one detector; one more is answered 429 until one ends. Each replays up to
 * PALISADE_PREVIEW_MAX_EVENTS events through two engines on the API's thread, beside the pipeline.
 */
export const PREVIEWS_AT_ONCE = 2;
const EXAMPLES = 5;
/** What the preview reads of the live baseline checkpointed in the store: since when it learns. */
const LiveBaseline = z.object({ firstSeen: IsoTimestamp.optional() });

/**
 * What a proposed tuning would have done to the alerts about one tool, against the saved tuning: the
 * events those alerts depend on (see `collectReplayScope`) replayed through two engines with the live
 * rules, rule switches, options and every other tool's tuning, both starting from the tool's baseline as
 * learnt before the replay (its earlier calls learnt again, not judged: the seed). Bounded by
 * PALISADE_PREVIEW_MAX_EVENTS; what the replay could not cover is said in plain words in `notes`, never
 * shown as a zero.
 */
@Injectable()
export class TuningPreviewService {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(DETECTOR_CONFIG) private readonly config: DetectorConfig,
    private readonly engine: EngineService,
    private readonly baselines: BaselineService,
    private readonly clock: Clock,
  ) {}

  private running = 0;

  async preview(server: string, tool: string, proposed: BaselineTuningInput, days: number): Promise<TuningPreview> {
    if (this.running >= PREVIEWS_AT_ONCE) {
      throw PalisadeException.tooManyRequests(`${PREVIEWS_AT_ONCE} tuning previews are being computed already; try again when one has finished`);
    }
    this.running += 1;
    try {
      return await this.compute(server, tool, proposed, days);
    } finally {
      this.running -= 1;
    }
  }

  private async compute(server: string, tool: string, proposed: BaselineTuningInput, days: number): Promise<TuningPreview> {
    const now = this.clock.now().getTime();
    const fromMs = now - days * DAY_MS;
    const toMs = now + 1000;
    await this.engine.refreshSettings();
    const saved = await this.baselines.tuning(server, tool);
    const proposal = BaselineTuning.parse({ ...proposed, server, tool });
    const maxEvents = this.config.preview.maxEvents;
    const scope = await collectReplayScope(this.store, { server, tool, fromMs, toMs, horizonMs: this.engine.correlationHorizonMs(), maxEvents });

    const current = this.engine.replayEngine(saved);
    const seedCalls = await collectSeedCalls(this.store, { server, tool, sinceMs: await this.learntSinceMs(server, tool), beforeMs: scope.coveredFromMs, maxCalls: maxEvents, replayed: new Set(scope.events.map((e) => e.id)) });
    const seed = learnBaselines(current, seedCalls.calls);

    const about = (a: Alert) => a.server === server && a.tool === tool && Date.parse(a.ts) >= scope.coveredFromMs && Date.parse(a.ts) < toMs;
    const compared = compareTunings(current, this.engine.replayEngine(proposal), scope.events, about, seed.entries);

    // Alerts recorded under the saved tuning that the replay did not raise: not reproducible from what it holds.
    const reproduced = new Set(compared.current.map((a) => a.id));
    const savedSinceMs = saved.updatedAt ? Date.parse(saved.updatedAt) : -Infinity;
    const unreproduced = scope.recorded.filter((a) => about(a) && Date.parse(a.ts) >= savedSinceMs && !this.engine.ruleDisabled(a.ruleId) && !reproduced.has(a.id));
    const mutedByProposal = unreproduced.filter((a) => tuningSuppresses(proposal, a)).length;

    const example = (a: Alert) => ({ category: a.category, severity: a.severity, title: a.title, ts: a.ts });
    return {
      days,
      events: scope.events.length,
      replayed: { calls: scope.calls, sessions: scope.sessions, sessionEvents: scope.sessionEvents, context: scope.context },
      seed: seedOf(seed, seedCalls, scope.coveredFromMs),
      window: { from: iso(scope.coveredFromMs), to: iso(toMs) },
      limit: { maxEvents, reached: scope.reached },
      current: { alerts: compared.current.length, byCategory: countByCategory(compared.current) },
      proposed: { alerts: compared.proposed.length, byCategory: countByCategory(compared.proposed) },
      added: compared.added.length,
      removed: compared.removed.length,
      examples: { added: compared.added.slice(0, EXAMPLES).map(example), removed: compared.removed.slice(0, EXAMPLES).map(example) },
      unreproduced: { alerts: unreproduced.length, byCategory: countByCategory(unreproduced), mutedByProposal },
      notes: notesOf(scope, { days, fromMs, maxEvents, seed, seedCut: seedCalls.cut, unreproduced, mutedByProposal }),
    };
  }

  /**
   * Since when the live engine's baseline of the tool learns (its first call learnt, from the state the
   * pipeline checkpoints): calls before it were never in that baseline (the state was reset since), so the
   * seed leaves them out. Null when the checkpoint does not say.
   */
  private async learntSinceMs(server: string, tool: string): Promise<number | null> {
    const live = LiveBaseline.safeParse(await this.store.engineState.get(baselineKey(server, tool)));
    return live.success && live.data.firstSeen ? Date.parse(live.data.firstSeen) : null;
  }
}

function seedOf(seed: BaselineSeed, seedCalls: SeedCalls, beforeMs: number): TuningPreview['seed'] {
  const first = seedCalls.calls[0];
  const last = seedCalls.calls.at(-1);
  return { observations: seed.observations, ...(first && last ? { from: first.ts, to: last.ts } : {}), before: iso(beforeMs), cut: seedCalls.cut };
}

function countByCategory(alerts: readonly Alert[]): Partial<Record<AlertCategory, number>> {
  const counts: Partial<Record<AlertCategory, number>> = {};
  for (const a of alerts) counts[a.category] = (counts[a.category] ?? 0) + 1;
  return counts;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** What the preview could not cover, in plain words for the engineer about to save the tuning. */
function notesOf(scope: ReplayScope, facts: { days: number; fromMs: number; maxEvents: number; seed: BaselineSeed; seedCut: boolean; unreproduced: readonly Alert[]; mutedByProposal: number }): string[] {
  const notes: string[] = [];
  const limit = `The replay reached its limit of ${plural(facts.maxEvents, 'event')} (PALISADE_PREVIEW_MAX_EVENTS), at most half of them calls of this tool`;
  if (scope.coveredFromMs > facts.fromMs) {
    notes.push(`${limit}: the figures cover only alerts from ${iso(scope.coveredFromMs)} on, not the whole ${plural(facts.days, 'day')}; what the tuning does to older alerts is not shown.`);
  } else if (scope.reached) {
    notes.push(`${limit}: some events of other servers and sessions that alerts about this tool may depend on were left out, so alerts depending on them may be missing from the figures.`);
  }
  if (scope.readsCut) {
    notes.push(`More than ${plural(facts.maxEvents, 'sensitive read')} of one kind (path traversal, secret in response) were recorded on all servers over this period: only the newest were replayed, so flows from the older ones into this tool may be missing from the figures.`);
  }
  if (facts.seedCut) {
    notes.push(
      `The tool's baseline was started from only the newest ${plural(facts.seed.observations, 'call')} before ${iso(scope.coveredFromMs)} (at most ${plural(facts.maxEvents, 'call')}, PALISADE_PREVIEW_MAX_EVENTS): what older calls taught it (recipients, domains, calls towards its warm-up) is missing, so the replay may raise baseline alerts the live engine did not, or miss some it did.`,
    );
  }
  if (facts.unreproduced.length > 0) {
    const categories = [...new Set(facts.unreproduced.map((a) => a.category))].join(', ');
    const muted = facts.mutedByProposal > 0 ? ` The proposed tuning mutes ${plural(facts.mutedByProposal, 'of them', 'of them')} (a muted detector or an exception); what it does to the others cannot be previewed.` : ' What the proposed tuning does to them cannot be previewed.';
    notes.push(
      `${plural(facts.unreproduced.length, 'alert')} recorded about this tool in this period (${categories}) ${facts.unreproduced.length === 1 ? 'was' : 'were'} not reproduced by the replay and ${facts.unreproduced.length === 1 ? 'is' : 'are'} not in the figures: ${facts.unreproduced.length === 1 ? 'it depends' : 'they depend'} on history the replay does not hold (calls older than its seed of the tool's baseline, other tools' baselines, sessions begun before the period).${muted}`,
    );
  }
  if (scope.recordedCut) notes.push(`More than ${plural(facts.maxEvents, 'alert')} were recorded about this tool in this period: only the newest were checked against the replay.`);
  return notes;
}
