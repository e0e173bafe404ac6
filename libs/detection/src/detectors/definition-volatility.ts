import type { ToolDefinition } from '@palisade/schema';

/**
 * How a new version of a tool's definition differs from the previous one (not the pin), for deciding
 * whether a benign drift may be folded:
 * - `volatile`: only dates, times, counts and version or build ids changed, in place (the text with
 *   those masked is the same);
 * - `wording`: the text of some sentences changed otherwise (a list of databases grew), with no new
 *   identifier; `sentences` says which (`<text>:<sentence>`, by position);
 * - `sentences`: a sentence was added or removed: never folded;
 * - `identifier`: the text gained a token with digits the masks do not cover (an account number, a port,
 *   a recipient's digits), an address, a URL or host, or hidden characters: never folded;
 * - `structural`: anything but text changed (parameters, types, defaults, annotations): never folded.
 */
export type DefinitionChange = 'volatile' | 'wording' | 'sentences' | 'identifier' | 'structural';

export interface ClassifiedChange {
  change: DefinitionChange;
  /** The sentences a `wording` change touched (empty for the others). */
  sentences: string[];
}

/** Words that make the number after them an identifier, never a count. */
const NUMBER_LABELS = 'port|account|acct|number|no|nr|id|ext|extension|pin|code|phone|tel|fax|user|customer|client|order|invoice|iban|routing|card|ticket|case|room|channel|chat|group|team|org|tenant|project|bucket|table|database|db|queue|topic|host|node|shard|partition';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\\.?';
/** A token starts after a space, an opening bracket or quote (never inside a URL, address or host). */
const START = `(?<=^|[\\s(\\["'])`;
/** …and ends before a space, a closing bracket, a quote or a sentence's end (not `.5`, `:80`, `/x`, `@x`). */
const END = `(?=$|[\\s,;)\\]}"'!?]|[.:](?![\\w/]))`;
const VOLATILE_SHAPES = [
  // ISO instants and dates, day-first and month-name dates.
  '\\d{4}-\\d{2}-\\d{2}(?:T\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?',
  '\\d{4}/\\d{2}/\\d{2}',
  '\\d{1,2}[/.]\\d{1,2}[/.]\\d{4}',
  `${MONTH} \\d{1,2}(?:st|nd|rd|th)?,? \\d{4}`,
  `\\d{1,2} ${MONTH},? \\d{4}`,
  // Times of day, with an optional zone.
  '\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?(?: ?[AaPp]\\.?[Mm]\\.?)?(?:Z| ?(?:UTC|GMT)|[+-]\\d{2}:?\\d{2})?',
  // Versions: v-prefixed, or three-part semantic (four dotted numbers are an IP address: not masked).
  'v\\d+(?:\\.\\d+){0,3}(?:-[\\w.]+)?',
  '\\d+\\.\\d+\\.\\d+(?:-[\\w.]+)?(?:\\+[\\w.]+)?',
  // A build number or commit id after its keyword.
  '(?<=\\b(?:build|commit|revision|rev|sha|version|release)[ :#]{1,2})(?:\\d{1,12}|[0-9a-f]{7,40})',
  // A count of things: a number before a plural word (or a verb: `3 databases`, `1,234 records`), not
  // one with a leading zero, the tail of a digit group or one a label names (`port 8443 accepts`).
  `(?<!\\d[\\s.-])(?<!\\b(?:${NUMBER_LABELS})\\.?[\\s:#]{0,2})(?:0|[1-9]\\d{0,2}(?:,\\d{3})+|[1-9]\\d{0,8})(?= [a-z]+s\\b)`,
];
const VOLATILE_TOKEN = new RegExp(`${START}(?:${VOLATILE_SHAPES.join('|')})${END}`, 'gi');
/** Format, private-use and variation-selector characters: invisible to a reader, read by the model. */
const HIDDEN = /[\p{Cf}\p{Co}\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/gu;

/** A text with its dates, times, counts and version or build ids replaced by `#`. */
export function maskVolatile(text: string): string {
  return text.replace(VOLATILE_TOKEN, '#');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The definition split into its text (descriptions and titles at any depth, enum and example strings)
 * and the rest (its structure, with the text left out).
 */
function splitText(value: unknown, texts: string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => splitText(item, texts));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  // Keys in order, so neither the shape nor the order of the texts depends on how the server orders them.
  for (const [key, item] of Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if ((key === 'description' || key === 'title') && typeof item === 'string') {
      texts.push(item);
      out[key] = '';
    } else if ((key === 'enum' || key === 'examples') && Array.isArray(item) && item.every((e) => typeof e === 'string')) {
      texts.push((item as string[]).join(' '));
      out[key] = [];
    } else out[key] = splitText(item, texts);
  }
  return out;
}

function tokens(texts: readonly string[]): string[] {
  return texts.flatMap((text) => text.split(/\s+/)).map((token) => token.replace(/^[(["'`]+|[)\]"'`,;:.!?]+$/g, '')).filter((token) => token.length > 0);
}

/** A token that names something an attacker could redirect to: digits, an address, a URL, a host. */
function isIdentifier(token: string): boolean {
  return /\d|@|:\/\//.test(token) || /^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:[/:]|$)/i.test(token);
}

function hiddenCount(texts: readonly string[]): number {
  return texts.reduce((sum, text) => sum + (text.match(HIDDEN)?.length ?? 0), 0);
}

/** Sentences of a text as the diffs show them: split at sentence ends and line breaks. */
function sentencesOf(text: string): string[] {
  return text.split(/\n|(?<=[.!?])\s+(?=\S)/);
}

/** What kind of change leads from one version of a definition to the next (see `DefinitionChange`). */
export function classifyChange(previous: ToolDefinition, next: ToolDefinition): ClassifiedChange {
  const before: string[] = [];
  const after: string[] = [];
  const shapes = [JSON.stringify(splitText(previous, before)), JSON.stringify(splitText(next, after))];
  const kind = (change: DefinitionChange, sentences: string[] = []): ClassifiedChange => ({ change, sentences });
  if (shapes[0] !== shapes[1] || before.length !== after.length) return kind('structural');
  if (hiddenCount(after) > hiddenCount(before)) return kind('identifier');
  const maskedBefore = before.map(maskVolatile);
  const maskedAfter = after.map(maskVolatile);
  if (maskedBefore.every((text, i) => text === maskedAfter[i])) return kind('volatile');
  const known = new Map<string, number>();
  for (const token of tokens(maskedBefore)) known.set(token, (known.get(token) ?? 0) + 1);
  for (const token of tokens(maskedAfter)) {
    const left = known.get(token) ?? 0;
    if (left > 0) known.set(token, left - 1);
    else if (isIdentifier(token)) return kind('identifier');
  }
  const changed: string[] = [];
  for (const [i, text] of maskedAfter.entries()) {
    const was = sentencesOf(maskedBefore[i]!);
    const now = sentencesOf(text);
    if (was.length !== now.length) return kind('sentences');
    for (const [j, sentence] of now.entries()) if (sentence !== was[j]) changed.push(`${i}:${j}`);
  }
  return kind('wording', changed);
}

/** Benign text changes within `VOLATILE_WINDOW_MS` after which a tool counts as volatile. */
export const VOLATILE_AFTER = 3;
export const VOLATILE_WINDOW_MS = 7 * 86_400_000;
/** A volatile tool's folded rewordings raise at most one low alert per this period (event time). */
export const FOLDED_ALERT_INTERVAL_MS = 86_400_000;

/** A tool's record of benign definition changes (part of its pin; bounded). */
export interface DefinitionVolatility {
  /** Event times (ms) of the latest benign text changes, at most `VOLATILE_AFTER`. */
  recent: number[];
  /** When the tool became volatile (null: it is not, or its volatility lapsed or was broken). */
  since: string | null;
  /** Benign changes folded (no alert of their own) since the tool's last description_drift alert. */
  folded: number;
  firstFolded: string | null;
  lastFolded: string | null;
  /** The tool's last description_drift alert: event time (ms, 0 for none) and id. */
  lastAlertMs: number;
  lastAlertId: string | null;
  /** Sentences → how many benign rewordings touched them (at most `MAX_SENTENCES`; cleared with the volatility). */
  sentences?: Record<string, number>;
}

/** Sentences whose rewordings a tool's volatility keeps count of. */
const MAX_SENTENCES = 16;

export function newVolatility(): DefinitionVolatility {
  return { recent: [], since: null, folded: 0, firstFolded: null, lastFolded: null, lastAlertMs: 0, lastAlertId: null, sentences: {} };
}

/** Counts a rewording of these sentences; says whether each had been reworded `VOLATILE_AFTER` times before. */
function countSentences(volatility: DefinitionVolatility, sentences: readonly string[]): boolean {
  const counts = (volatility.sentences ??= {});
  const settled = sentences.every((s) => (counts[s] ?? 0) >= VOLATILE_AFTER);
  for (const sentence of sentences) counts[sentence] = (counts[sentence] ?? 0) + 1;
  const keys = Object.keys(counts);
  for (const key of keys.slice(0, Math.max(0, keys.length - MAX_SENTENCES))) delete counts[key];
  return settled;
}

/**
 * Whether a new version raises description_drift, updating the tool's volatility. `classified` is null
 * for a drift rated medium or above or bringing a new scanner signal: it alerts and breaks the
 * volatility (the tool must earn it again). Structural, identifier and sentence changes alert as ever.
 * Benign text changes alert until `VOLATILE_AFTER` of them fall within `VOLATILE_WINDOW_MS`; from then on
 * (while they keep coming within the window) a `volatile` change is folded; a `wording` change alerts if
 * a sentence it touches was not reworded `VOLATILE_AFTER` times before, else at most once per
 * `FOLDED_ALERT_INTERVAL_MS`.
 */
export function weighChange(volatility: DefinitionVolatility, classified: ClassifiedChange | null, tsMs: number, ts: string): { alert: boolean; becameVolatile: boolean } {
  if (classified === null) {
    volatility.since = null;
    volatility.recent = [];
    volatility.sentences = {};
    return { alert: true, becameVolatile: false };
  }
  const { change } = classified;
  if (change !== 'volatile' && change !== 'wording') return { alert: true, becameVolatile: false };
  const last = volatility.recent.at(-1);
  if (last !== undefined && tsMs - last > VOLATILE_WINDOW_MS) {
    volatility.since = null;
    volatility.sentences = {};
  }
  volatility.recent = [...volatility.recent.filter((t) => tsMs - t <= VOLATILE_WINDOW_MS), tsMs].slice(-VOLATILE_AFTER);
  const settled = change === 'volatile' || countSentences(volatility, classified.sentences);
  if (volatility.since === null) {
    const becameVolatile = volatility.recent.length >= VOLATILE_AFTER;
    if (becameVolatile) volatility.since = ts;
    return { alert: true, becameVolatile };
  }
  if (change === 'wording' && (!settled || tsMs - volatility.lastAlertMs >= FOLDED_ALERT_INTERVAL_MS)) return { alert: true, becameVolatile: false };
  volatility.folded += 1;
  volatility.firstFolded ??= ts;
  volatility.lastFolded = ts;
  return { alert: false, becameVolatile: false };
}

/** The changes folded before a drift alert, as its `details.folded` reports them. */
export interface FoldedChanges {
  count: number;
  first: string;
  last: string;
  previousAlertId: string | null;
}

/** What a tool's next drift alert reports of the changes folded before it (null when none were). */
export function foldedSummary(volatility: DefinitionVolatility): FoldedChanges | null {
  if (volatility.folded === 0 || volatility.firstFolded === null || volatility.lastFolded === null) return null;
  return { count: volatility.folded, first: volatility.firstFolded, last: volatility.lastFolded, previousAlertId: volatility.lastAlertId };
}

/** Records a drift alert raised (null: muted by tuning, and the folded count is kept for the next one). */
export function noteDriftAlert(volatility: DefinitionVolatility, alert: { id: string } | null, tsMs: number): void {
  if (!alert) return;
  volatility.lastAlertMs = tsMs;
  volatility.lastAlertId = alert.id;
  volatility.folded = 0;
  volatility.firstFolded = null;
  volatility.lastFolded = null;
}

/** The sentences a drift alert's summary adds when it made the definition volatile, or follows folded changes. */
export function volatilityNotes(becameVolatile: boolean, folded: FoldedChanges | null): string[] {
  return [
    ...(becameVolatile ? [`It changed benignly ${VOLATILE_AFTER} times within ${VOLATILE_WINDOW_MS / 86_400_000} days and now counts as volatile: further changes of its dates, times, counts or version ids raise no alert, other benign rewordings at most one low alert a day, and any change rated medium or above alerts as ever.`] : []),
    ...(folded ? [`${folded.count} benign change${folded.count === 1 ? '' : 's'} between ${folded.first} and ${folded.last} raised no alert of their own.`] : []),
  ];
}
