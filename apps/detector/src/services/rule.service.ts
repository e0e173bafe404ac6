import { Inject, Injectable } from '@nestjs/common';
import { SUPPRESSED_KEY } from '@palisade/detection';
import type { AuditActor, RuleSummary } from '@palisade/schema';
import type { Store } from '@palisade/store';
import { z } from 'zod';
import { PalisadeException } from '../common/palisade.exception.js';
import { STORE } from '../infra/injection-tokens.js';
import { AuditService } from './audit.service.js';
import { EngineService } from './engine.service.js';
import { EngineSettings } from './engine-settings.js';

/** Suppressed firings per rule, as the worker's engine state persisted them. */
const SuppressedCounts = z.record(z.string(), z.number().int().nonnegative());

/**
 * Correlation rules as the API shows them: definition, enabled state, hits (alerts raised, from the
 * store) and suppressed firings (from the engine state the worker checkpointed).
 */
@Injectable()
export class RuleService {
  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly engine: EngineService,
    private readonly settings: EngineSettings,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<RuleSummary[]> {
    await this.engine.refreshSettings();
    const [hits, stored] = await Promise.all([this.store.alerts.countByRule(), this.store.engineState.get(SUPPRESSED_KEY)]);
    const suppressed = SuppressedCounts.safeParse(stored ?? {});
    return this.engine.ruleSummaries().map((rule) => ({ ...rule, hits: hits[rule.id] ?? 0, suppressed: (suppressed.success ? suppressed.data[rule.id] : undefined) ?? 0 }));
  }

  async setEnabled(id: string, enabled: boolean, actor: AuditActor, source?: string): Promise<RuleSummary> {
    if (!this.engine.hasRule(id)) throw PalisadeException.notFound(`rule ${id}`);
    await this.settings.setRuleEnabled(id, enabled);
    await this.audit.record(actor, 'rule.update', `rule:${id}`, { enabled }, source);
    const rule = (await this.list()).find((r) => r.id === id);
    return rule!;
  }
}
