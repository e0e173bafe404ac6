import { printableText } from '@palisade/schema';
import { z } from 'zod';
import { shownUrl, toStderr } from './operator-notice.js';

/**
 * How long requests may go on timing out, or on being answered 5xx, before that is said: a busy detector
 * is slow, and a restarting one answers 503 for a moment; neither is a detector the operator must look at.
 */
const SLOW_GRACE_MS = 10_000;

/** Characters of a 5xx answer's reason shown at most. */
const REASON_MAX = 120;

/** The requests a `--bus http` collector makes to the detector API, and what waits while they fail. */
export type DetectorRequest = 'POST /api/ingest' | 'GET /api/tools';

const WAITING: Record<DetectorRequest, (spoolDir: string) => string> = {
  'POST /api/ingest': (spoolDir) => `events are kept in the spool (${spoolDir}) and sent once it accepts them`,
  'GET /api/tools': () => 'no quarantine state reaches this collector until it answers',
};

/** The error bodies the detector API answers with (`{ "error": { "code", "message" } }`), and plainer ones. */
const ErrorBody = z.union([z.object({ error: z.object({ message: z.string() }) }), z.object({ message: z.string() }), z.object({ error: z.string() })]);

/**
 * What a 5xx answer's body says went wrong, as one short printable line: the detector's error message, or
 * the first line of a plain-text body; nothing for an HTML page (a proxy's) or a body that says nothing.
 */
export function answerReason(body: string): string {
  const text = body.trim();
  let reason = '';
  try {
    const parsed = ErrorBody.safeParse(JSON.parse(text));
    if (parsed.success) reason = 'message' in parsed.data ? parsed.data.message : typeof parsed.data.error === 'string' ? parsed.data.error : parsed.data.error.message;
  } catch {
    if (!/^[<{[]/.test(text)) reason = text.split(/\r?\n/, 1)[0] ?? '';
  }
  const chars = [...reason.trim()];
  return printableText(chars.length > REASON_MAX ? `${chars.slice(0, REASON_MAX).join('')}…` : chars.join(''));
}

/**
 * Why a request got no HTTP answer at all. Node's fetch says only "fetch failed"; the cause says what
 * failed: connection refused, an unknown host, a certificate.
 */
export function whyUnanswered(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer in time';
  let cause: unknown = error instanceof Error && error.cause !== undefined ? error.cause : error;
  // Several addresses for one name (localhost: ::1 and 127.0.0.1) fail as one AggregateError.
  if (cause instanceof AggregateError && !cause.message && cause.errors.length > 0) cause = cause.errors[0];
  if (!(cause instanceof Error)) return String(cause);
  const code = (cause as NodeJS.ErrnoException).code;
  const message = cause.message || code || cause.name;
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

/**
 * `--bus http`: says on stderr, whatever the log settings, that the detector API cannot be reached (refused
 * connection, unknown host, TLS, nothing answering, no detector at that URL) or keeps answering 5xx. Until
 * then events wait in the spool and no quarantine reaches the collector, which would otherwise go
 * unnoticed: the MCP traffic itself is unaffected. Said once, not on every retry, and once more when the
 * detector answers again and the spool is delivered. Never prints the token (nor a password in the URL).
 */
export class DetectorReachabilityNotice {
  /** What was said and not yet taken back: no answer at all, or 5xx answers. */
  private said: 'unanswered' | 'erroring' | null = null;
  private delivered = 0;
  private timingOutSince: number | null = null;
  /** Since when each request has been answered 5xx, without an answer of another kind in between. */
  private readonly erroringSince = new Map<DetectorRequest, number>();
  private readonly url: string;

  constructor(
    apiUrl: string,
    private readonly spoolDir: string,
    /** Whether the spools still hold events (they are delivered before the recovery is said). */
    private readonly backlog: () => boolean,
    private readonly write: (line: string) => void = toStderr,
    private readonly now: () => number = Date.now,
  ) {
    this.url = shownUrl(apiUrl);
  }

  /** A request got no HTTP answer. */
  failed(request: DetectorRequest, error: unknown): void {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    if (!timedOut) return this.unreachable(`${request}: ${whyUnanswered(error)}`);
    this.timingOutSince ??= this.now();
    if (this.now() - this.timingOutSince >= SLOW_GRACE_MS) this.unreachable(`${request}: no answer for ${this.secondsSince(this.timingOutSince)} s`);
  }

  /**
   * A request got an HTTP answer (a refused token included: that is said by TokenRefusalNotice); `body`,
   * for a 5xx, may say why.
   */
  answered(request: DetectorRequest, status: number, body = ''): void {
    this.timingOutSince = null;
    if (status === 404) return this.unreachable(`${request}: HTTP 404, no Palisade detector API there`);
    if (status >= 500) return this.erroring(request, status, body);
    this.erroringSince.delete(request);
    if (this.said && this.erroringSince.size === 0 && !this.backlog()) this.recovered();
  }

  /** The shipper delivered `events` from the spool; `drained` when nothing is left there. */
  replayed(events: number, drained: boolean): void {
    if (!this.said) return;
    this.delivered += events;
    if (drained && this.erroringSince.size === 0) this.recovered();
  }

  private unreachable(why: string): void {
    if (this.said) return;
    this.said = 'unanswered';
    this.write(`cannot reach the detector at ${this.url} (${why}): events are kept in the spool (${this.spoolDir}) and sent once it answers; no quarantine state reaches this collector until then (check PALISADE_API_URL and that the detector runs)`);
  }

  /** Said once 5xx answers have gone on for SLOW_GRACE_MS, even after "cannot reach" (it answers now, but not well). */
  private erroring(request: DetectorRequest, status: number, body: string): void {
    const since = this.erroringSince.get(request) ?? this.now();
    this.erroringSince.set(request, since);
    if (this.said === 'erroring' || this.now() - since < SLOW_GRACE_MS) return;
    this.said = 'erroring';
    const reason = answerReason(body);
    const waiting = (Object.keys(WAITING) as DetectorRequest[]).filter((failing) => this.erroringSince.has(failing)).map((failing) => WAITING[failing](this.spoolDir));
    this.write(`the detector at ${this.url} answers HTTP ${status} (${request} for ${this.secondsSince(since)} s${reason ? `: ${reason}` : ''}): ${waiting.join('; ')} (check the detector's log)`);
  }

  private secondsSince(since: number): number {
    return Math.round((this.now() - since) / 1000);
  }

  private recovered(): void {
    this.write(`the detector at ${this.url} answers again: delivered ${this.delivered} spooled events`);
    this.said = null;
    this.delivered = 0;
  }
}
