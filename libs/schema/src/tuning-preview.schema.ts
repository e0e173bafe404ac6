import { z } from 'zod';
import { Alert, AlertCategory } from './alert.schema.js';
import { IsoTimestamp } from './common.schema.js';

const Count = z.number().int().nonnegative();
const CountByCategory = z.partialRecord(AlertCategory, Count);

/** An alert as a preview shows it. */
export const AlertExample = Alert.pick({ category: true, severity: true, title: true, ts: true });
export type AlertExample = z.infer<typeof AlertExample>;

/**
 * `POST /api/tools/:server/:tool/baseline/preview`: what a proposed tuning would have done to the alerts
 * about one tool over the last `days`, against the saved tuning. Both are replayed through an engine that
 * starts from the tool's baseline as learnt before the window (`seed`), over the same events: the tool's
 * calls, every event of the sessions it was called in, and the context the cross-server detectors and the
 * correlation rules need (tool definitions of every server, the events of the alerts recorded about the
 * tool, sensitive reads on any server). The replay is bounded; what it could not cover is said in `notes`.
 */
export const TuningPreview = z.object({
  days: z.number().int().positive(),
  /** Events replayed, of every kind (`replayed` breaks them down). */
  events: Count,
  replayed: z.object({
    /** Calls of this tool. */
    calls: Count,
    /** Sessions this tool was called in whose other events were replayed too. */
    sessions: Count,
    /** The other events of those sessions (initialize, tools/list, calls of other tools…). */
    sessionEvents: Count,
    /** Events of other sessions and servers: tool definitions, sensitive reads, events of recorded alerts. */
    context: Count,
  }),
  /**
   * What the tool's behavioural baseline (recipients, domains, response sizes, call rates) had learnt when
   * the replay starts: its calls before `window.from` (since the live baseline began learning, at most
   * PALISADE_PREVIEW_MAX_EVENTS of the newest), learnt again without being judged, so each tuning judges the
   * window's calls against a warmed baseline by its own warm-up size, sensitivity and allow-lists.
   */
  seed: z.object({
    /** Calls learnt (the baseline's observations when the replay starts). */
    observations: Count,
    /** The first and last call learnt; absent when none was. */
    from: IsoTimestamp.optional(),
    to: IsoTimestamp.optional(),
    /** The replay starts here: the seed holds what was learnt before it (`window.from`). */
    before: IsoTimestamp,
    /** Older calls were left out by the bound: the seed holds the newest `observations` only (see `notes`). */
    cut: z.boolean(),
  }),
  /** The period the figures compare: `from` is later than `days` ago when the limit was reached. */
  window: z.object({ from: IsoTimestamp, to: IsoTimestamp }),
  /** The bound on events replayed (PALISADE_PREVIEW_MAX_EVENTS); `reached`: some were left out (see `notes`). */
  limit: z.object({ maxEvents: Count, reached: z.boolean() }),
  /** Alerts about this tool the replay raises with the saved tuning, and with the proposed one. */
  current: z.object({ alerts: Count, byCategory: CountByCategory }),
  proposed: z.object({ alerts: Count, byCategory: CountByCategory }),
  /** Alerts the change would add or remove (by deterministic id), with a few examples of each. */
  added: Count,
  removed: Count,
  examples: z.object({ added: z.array(AlertExample), removed: z.array(AlertExample) }),
  /**
   * Alerts recorded about this tool in the window (since its tuning was last saved) that the replay did not
   * raise: they depend on history it does not hold (calls older than the seed, other tools' baselines,
   * sessions begun before the window). Not in the figures above; `mutedByProposal` of them the proposed tuning mutes (a muted
   * detector or an exception), what it does to the others cannot be previewed.
   */
  unreproduced: z.object({ alerts: Count, byCategory: CountByCategory, mutedByProposal: Count }),
  /** In plain words, what the preview could not cover (the limit reached, alerts it could not reproduce); empty when none. */
  notes: z.array(z.string()),
});
export type TuningPreview = z.infer<typeof TuningPreview>;
