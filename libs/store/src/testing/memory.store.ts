import { applyBatch } from '../shared/store-batch.js';
import { type Store, type StoreBatch, type StoreBatchResult, type StoreStats, type BatchWriter, inlineBatchWriter } from '../store.port.js';
import { MemoryAlertRepository } from './memory-alert.repository.js';
import { MemoryAuditRepository } from './memory-audit.repository.js';
import { MemoryBaselineRepository } from './memory-baseline.repository.js';
import { MemoryEngineStateRepository } from './memory-engine-state.repository.js';
import { MemoryEventRepository } from './memory-event.repository.js';
import { MemoryExportRepository } from './memory-export.repository.js';
import { MemoryIncidentRepository } from './memory-incident.repository.js';
import { MemoryOutboxRepository } from './memory-outbox.repository.js';
import { MemorySettingsRepository } from './memory-settings.repository.js';
import { MemoryTokenRepository } from './memory-token.repository.js';
import { MemoryToolRepository } from './memory-tool.repository.js';
import { MemoryState } from './memory.state.js';

/**
 * The store in memory, for other packages' unit tests: the same behaviour as the sqlite adapter (the
 * shared behavioural suite runs against both), values copied in and out as JSON, `writeBatch` all or
 * nothing. Not for production: nothing survives the process.
 */
export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  private readonly state = new MemoryState();
  readonly events = new MemoryEventRepository(this.state);
  readonly alerts = new MemoryAlertRepository(this.state);
  readonly incidents = new MemoryIncidentRepository(this.state);
  readonly tools = new MemoryToolRepository(this.state);
  readonly baselines = new MemoryBaselineRepository(this.state);
  readonly engineState = new MemoryEngineStateRepository(this.state);
  readonly audit = new MemoryAuditRepository(this.state);
  readonly outbox = new MemoryOutboxRepository(this.state);
  readonly tokens = new MemoryTokenRepository(this.state);
  readonly exports = new MemoryExportRepository(this.state);
  readonly settings = new MemorySettingsRepository(this.state);

  async batchWriter(): Promise<BatchWriter> {
    return inlineBatchWriter(this);
  }

  async writeBatch(batch: StoreBatch): Promise<StoreBatchResult> {
    return this.state.transaction(() => applyBatch(batch, this));
  }

  stats(): StoreStats {
    return { malformedRowsSkipped: 0, documentsKeptAside: 0 };
  }

  async close(): Promise<void> {
    // Nothing to release: the state goes with the instance.
  }
}
