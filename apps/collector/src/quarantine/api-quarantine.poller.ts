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
 * `--bus http`: learns quarantine decisions by polling the detector API with the collector token:
 * `GET /api/tools?server=NAME&limit=500` (following `nextCursor`), where a tool whose `quarantine` is not
 * null is quarantined. The whole set is replaced after each complete poll; a failed poll keeps the last one.
 */
export class ApiQuarantinePoller {
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private failing = false;

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
        const response = await this.fetchImpl(url, { headers: { authorization: `Bearer ${this.token}` }, signal: AbortSignal.timeout(Math.max(500, this.intervalMs)) }).catch((error: unknown) => {
          this.reachability?.failed('GET /api/tools', error);
          throw error;
        });
        if (!response.ok) {
          this.reachability?.answered('GET /api/tools', response.status, await answerText(response));
          this.refusal?.refused('quarantine state', response.status);
          throw new Error(`GET /api/tools: HTTP ${response.status}`);
        }
        this.reachability?.answered('GET /api/tools', response.status);
        const body = (await response.json()) as { items?: ToolItem[]; nextCursor?: string };
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
      if (!this.failing) this.logger.warn({ error: (error as Error).message }, 'cannot read quarantine state from the API (keeping the last known)');
      this.failing = true;
    }
  }
}
