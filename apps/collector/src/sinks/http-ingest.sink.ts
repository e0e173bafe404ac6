import type { PublishResult } from '@palisade/bus';
import type { QueuedEvent } from '../pipeline/event.queue.js';
import { answerText } from './answer-text.js';
import { whyUnanswered, type DetectorReachabilityNotice } from './detector-reachability.notice.js';
import type { TelemetrySink } from './telemetry.sink.js';
import type { TokenRefusalNotice } from './token-refusal.notice.js';

/**
 * `--bus http`: POSTs batches as NDJSON to the detector's `/api/ingest` with a bearer token of role
 * `collector`. 5xx, 408, 429, 401/403 (a detector not yet configured) and network errors are retryable:
 * the batch is spooled and sent again later. Other 4xx mean the batch itself is refused: `failure`.
 */
export class HttpIngestSink implements TelemetrySink {
  readonly name: string;
  private readonly url: string;

  constructor(
    apiUrl: string,
    private readonly token: string,
    private readonly timeoutMs: number,
    private readonly fetchImpl: typeof fetch = fetch,
    private readonly refusal?: TokenRefusalNotice,
    private readonly reachability?: DetectorReachabilityNotice,
  ) {
    this.url = `${apiUrl}/api/ingest`;
    this.name = `ingest API (${this.url})`;
  }

  async send(events: readonly QueuedEvent[]): Promise<PublishResult> {
    const body = `${events.map((event) => event.json).join('\n')}\n`;
    let response: Response;
    try {
      response = await this.fetchImpl(this.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/x-ndjson' },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      this.reachability?.failed('POST /api/ingest', error);
      const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : whyUnanswered(error);
      return { kind: 'retryable', error: `POST ${this.url}: ${reason}` };
    }
    const text = await answerText(response);
    this.reachability?.answered('POST /api/ingest', response.status, text);
    const detail = text.slice(0, 300);
    if (response.ok) {
      this.refusal?.accepted('ingest');
      return { kind: 'success', count: events.length };
    }
    this.refusal?.refused('ingest', response.status);
    const error = `POST ${this.url}: HTTP ${response.status}${detail ? ` ${detail}` : ''}`;
    const retryable = response.status >= 500 || [401, 403, 404, 408, 425, 429].includes(response.status);
    return retryable ? { kind: 'retryable', error } : { kind: 'failure', error };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
