import { Inject, Injectable } from '@nestjs/common';
import { type AuditActor, BaselineTuning, type BaselineTuningInput, type Incident } from '@palisade/schema';
import type { Store } from '@palisade/store';
import { Clock } from '../common/clock.js';
import { STORE } from '../infra/injection-tokens.js';
import { AuditService } from './audit.service.js';
import { EngineSettings } from './engine-settings.js';

/** Per-tool tuning of the behavioural baselines (sensitivity, warm-up, allow-lists, muted detectors, exceptions). */
@Injectable()
export class BaselineService {
  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly audit: AuditService,
    private readonly settings: EngineSettings,
    private readonly clock: Clock,
  ) {}

  /** The tool's tuning, or the defaults when none was saved. */
  async tuning(server: string, tool: string): Promise<BaselineTuning> {
    return (await this.store.baselines.get(server, tool)) ?? BaselineTuning.parse({ server, tool });
  }

  async save(input: BaselineTuningInput, actor: AuditActor, source?: string): Promise<BaselineTuning> {
    const before = await this.store.baselines.get(input.server, input.tool);
    const tuning = BaselineTuning.parse({ ...input, updatedAt: this.clock.nowIso(), updatedBy: actor.id });
    await this.store.baselines.put(tuning);
    await this.settings.bump('baseline');
    await this.audit.record(actor, 'baseline.update', `tool:${tuning.server}/${tuning.tool}`, { before: before ? summarise(before) : null, after: summarise(tuning) }, source);
    return tuning;
  }

  /** Closing an incident as a false positive adds an expiring exception for its categories on that tool. */
  async addFalsePositiveException(incident: Incident, exception: { value?: string | undefined; expiresInDays: number }, actor: AuditActor, source?: string): Promise<BaselineTuning> {
    const current = await this.tuning(incident.server, incident.tool!);
    const expiresAt = new Date(this.clock.now().getTime() + exception.expiresInDays * 86_400_000).toISOString();
    const added = incident.categories.map((category) => ({ category, ...(exception.value ? { value: exception.value } : {}), expiresAt, author: actor.id, incidentId: incident.id }));
    return this.save({ ...current, exceptions: [...current.exceptions, ...added] }, actor, source);
  }
}

function summarise(t: BaselineTuning): Record<string, unknown> {
  return { sensitivity: t.sensitivity, warmup: t.warmup, allowRecipients: t.allowRecipients, allowDomains: t.allowDomains, mutedDetectors: t.mutedDetectors, exceptions: t.exceptions.length };
}
