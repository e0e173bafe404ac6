import { Controller, Get, Inject, Req } from '@nestjs/common';
import type { Bus } from '@palisade/bus';
import type { Store } from '@palisade/store';
import { Public } from '../auth/permission.decorator.js';
import { roleAllows } from '../auth/principal.js';
import type { ApiRequest } from '../common/http.types.js';
import type { DetectorConfig } from '../config/detector-config.js';
import { BUS, DETECTOR_CONFIG, STORE } from '../infra/injection-tokens.js';
import { PIPELINE_GROUP } from '../consumers/telemetry.consumer.js';
import { PipelineMetrics } from '../services/pipeline-metrics.js';
import { PRODUCT_VERSION } from '../exports/export.service.js';

const started = Date.now();

/** Liveness and lag: the only route that answers without a token, so it says nothing sensitive. */
@Controller('api/health')
export class HealthController {
  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(STORE) private readonly store: Store,
    @Inject(DETECTOR_CONFIG) private readonly config: DetectorConfig,
    private readonly metrics: PipelineMetrics,
  ) {}

  @Get()
  @Public()
  async health(@Req() request: ApiRequest): Promise<Record<string, unknown>> {
    let lag = { messages: -1, ms: -1 };
    let deadLetters = -1;
    let busOk = true;
    try {
      lag = await this.bus.lag(PIPELINE_GROUP, this.config.topic);
      deadLetters = await this.bus.deadLetterCount(this.config.topic);
    } catch {
      busOk = false;
    }
    return {
      status: busOk && !this.metrics.degraded ? 'ok' : 'degraded',
      version: PRODUCT_VERSION,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
      bus: this.bus.kind,
      store: this.store.kind,
      lagEvents: lag.messages,
      lagMs: lag.ms,
      /** Telemetry kept aside with a reason (invalid events, from the pipeline and from /api/ingest). */
      deadLetters,
      /** Stored records that could not be read back, and documents the store refused and kept aside (Elasticsearch). */
      storeRecords: this.store.stats(),
      worker: this.metrics.running ? this.workerFigures(request) : null,
    };
  }

  /**
   * The worker's counters; its last error only to a caller whose token may read: the text is a store's or
   * the engine's own message (SQL, file paths, hosts), not for anyone who can reach the port.
   */
  private workerFigures(request: ApiRequest): Record<string, unknown> {
    const { lastError, ...figures } = this.metrics.snapshot();
    return request.principal && roleAllows(request.principal.role, 'read') ? { ...figures, lastError } : figures;
  }
}
