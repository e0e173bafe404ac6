import type { Logger } from 'pino';
import { answerText } from '../sinks/answer-text.js';
import type { DetectorReachabilityNotice } from '../sinks/detector-reachability.notice.js';
import type { TokenRefusalNotice } from '../sinks/token-refusal.notice.js';
import type { QuarantineEntry, QuarantineRegistry } from './quarantine.registry.js';

interface ToolItem {
  server?: unknown;
  tool?: unknown;
  quarantine?: { reason?: unknown; incidentId?: unknown } | null;
}

/**
 * The least time one poll may take before it is given up. Bounded by the poll interval alone (500 ms at
 * the least), a detector or a collector slowed by a loaded machine had every poll aborted while the API
 * answered, and the quarantine state was never read. Polls never overlap: a slow one delays the next.
 */
const POLL_TIMEOUT_MIN_MS = 10_000;

/**
 * `--bus http`: learns quarantine decisions by polling the detector API with the collector token:
 * `GET /api/tools?server=NAME&limit=500` (following `nextCursor`), where a tool whose `quarantine` is not
 * null is quarantined. The whole set is replaced after each complete poll; a failed poll keeps the last one.
 */
export class ApiQuarantinePoller {
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private failing = false;
  private stopped = false;
  /** The request in flight: aborted at stop, so that a slow API does not hold the collector's shutdown. */
  private request: AbortController | null = null;

  constructor(
    private readonly registry: QuarantineRegistry,
    private readonly apiUrl: string,
    private readonly token: string,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    private readonly fetchImpl: typeof fetch = fetch,
    private readonly refusal?: TokenRefusalNotice,
    private readonly reachability?: DetectorReachabilityNotice,
  ) {}

  start(): void {
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stopped = true;
    this.request?.abort();
    await this.polling;
  }

  poll(): Promise<void> {
    this.polling ??= this.pollOnce().finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    const entries: QuarantineEntry[] = [];
    let cursor: string | undefined;
    try {
      for (let page = 0; page < 100; page += 1) {
        const url = new URL(`${this.apiUrl}/api/tools`);
        url.searchParams.set('server', this.registry.serverName);
        url.searchParams.set('limit', '500');
        if (cursor) url.searchParams.set('cursor', cursor);
        const body = await this.page(url);
        for (const item of body.items ?? []) {
          if (item.server !== this.registry.serverName || typeof item.tool !== 'string' || !item.quarantine) continue;
          const reason = typeof item.quarantine.reason === 'string' ? item.quarantine.reason : '';
          const incidentId = typeof item.quarantine.incidentId === 'string' ? item.quarantine.incidentId : null;
          entries.push({ tool: item.tool, reason, incidentId });
        }
        cursor = body.nextCursor;
        if (!cursor) break;
      }
      this.refusal?.accepted('quarantine state');
      this.registry.replaceAll(entries);
      this.registry.markReady();
      if (this.failing) this.logger.info('quarantine state readable again');
      this.failing = false;
    } catch (error) {
      if (this.stopped) return;
      if (!this.failing) this.logger.warn({ error: (error as Error).message }, 'cannot read quarantine state from the API (keeping the last known)');
      this.failing = true;
    }
  }

  /** One page of GET /api/tools; the request is given up after the poll timeout, or at stop. */
  private async page(url: URL): Promise<{ items?: ToolItem[]; nextCursor?: string }> {
    // Its own timer, not AbortSignal.timeout inside AbortSignal.any: Node 20 can collect such a signal
    // before it fires, and the poll then waited forever on an API that does not answer.
    const request = new AbortController();
    this.request = request;
    const timer = setTimeout(() => request.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), Math.max(POLL_TIMEOUT_MIN_MS, this.intervalMs));
    try {
      const response = await this.fetchImpl(url, { headers: { authorization: `Bearer ${this.token}` }, signal: request.signal }).catch((error: unknown) => {
        if (!this.stopped) this.reachability?.failed('GET /api/tools', error);
        throw error;
      });
      if (!response.ok) {
        this.reachability?.answered('GET /api/tools', response.status, await answerText(response));
        this.refusal?.refused('quarantine state', response.status);
        throw new Error(`GET /api/tools: HTTP ${response.status}`);
      }
      this.reachability?.answered('GET /api/tools', response.status);
      return (await response.json()) as { items?: ToolItem[]; nextCursor?: string };
    } finally {
      clearTimeout(timer);
      this.request = null;
    }
  }
}
