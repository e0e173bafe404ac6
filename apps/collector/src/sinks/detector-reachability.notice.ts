import { shownUrl, toStderr } from './operator-notice.js';

/** How long requests may go on timing out before that is said: a busy detector is slow, not unreachable. */
const SLOW_GRACE_MS = 10_000;

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
 * connection, unknown host, TLS, nothing answering, no detector at that URL). Until then events wait in the
 * spool and no quarantine reaches the collector, which would otherwise go unnoticed: the MCP traffic itself
 * is unaffected. Said once, not on every retry, and once more when the detector answers again and the
 * spool is delivered. Never prints the token (nor a password in the URL).
 */
export class DetectorReachabilityNotice {
  private said = false;
  private delivered = 0;
  private timingOutSince: number | null = null;
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

  /** A request to `path` got no HTTP answer. */
  failed(path: string, error: unknown): void {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    if (!timedOut) return this.unreachable(`${path}: ${whyUnanswered(error)}`);
    this.timingOutSince ??= this.now();
    if (this.now() - this.timingOutSince >= SLOW_GRACE_MS) this.unreachable(`${path}: no answer for ${Math.round((this.now() - this.timingOutSince) / 1000)} s`);
  }

  /** A request to `path` got an HTTP answer (a refused token included: that is said by TokenRefusalNotice). */
  answered(path: string, status: number): void {
    this.timingOutSince = null;
    if (status === 404) return this.unreachable(`${path}: HTTP 404, no Palisade detector API there`);
    if (this.said && !this.backlog()) this.recovered();
  }

  /** The shipper delivered `events` from the spool; `drained` when nothing is left there. */
  replayed(events: number, drained: boolean): void {
    if (!this.said) return;
    this.delivered += events;
    if (drained) this.recovered();
  }

  private unreachable(why: string): void {
    if (this.said) return;
    this.said = true;
    this.write(`cannot reach the detector at ${this.url} (${why}): events are kept in the spool (${this.spoolDir}) and sent once it answers; no quarantine state reaches this collector until then (check PALISADE_API_URL and that the detector runs)`);
  }

  private recovered(): void {
    this.write(`the detector at ${this.url} answers again: delivered ${this.delivered} spooled events`);
    this.said = false;
    this.delivered = 0;
  }
}
