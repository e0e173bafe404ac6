import { Inject, Injectable } from '@nestjs/common';
import { type AlertCategory, type AuditActor, BaselineTuning, type BaselineTuningInput, type Incident, type TuningException, describeZodError } from '@palisade/schema';
import type { Store } from '@palisade/store';
import { Clock } from '../common/clock.js';
import { PalisadeException } from '../common/palisade.exception.js';
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

  /**
   * A tuning sent through the API made whole. Omitted `exceptions` keep the saved ones (a form that edits
   * the sensitivity does not wipe them). An exception already saved is kept as saved; a new one is the
   * caller's (its author is the caller, whatever the body says) and must have an expiry: a permanent
   * exception is what allow-lists and muted detectors are for.
   */
  async proposal(server: string, tool: string, body: Omit<BaselineTuningInput, 'server' | 'tool' | 'exceptions'> & { exceptions?: (Omit<TuningException, 'author'> & { author?: string | undefined })[] | undefined }, actor: AuditActor): Promise<BaselineTuningInput> {
    const saved = await this.tuning(server, tool);
    const { exceptions, ...rest } = body;
    if (!exceptions) return { ...rest, server, tool, exceptions: saved.exceptions };
    const key = (e: { category: string; value?: string | undefined; expiresAt: string | null; incidentId?: string | undefined }) => JSON.stringify([e.category, e.value ?? null, e.expiresAt, e.incidentId ?? null]);
    const byKey = new Map(saved.exceptions.map((e) => [key(e), e]));
    const now = this.clock.now().getTime();
    const resolved = exceptions.map((e, index): TuningException => {
      const kept = byKey.get(key(e));
      if (kept) return kept;
      if (e.expiresAt === null) throw PalisadeException.badRequest(`exceptions[${index}].expiresAt: a new exception must expire (for a permanent one, allow-list the value or mute the detector)`);
      if (Date.parse(e.expiresAt) <= now) throw PalisadeException.badRequest(`exceptions[${index}].expiresAt: ${e.expiresAt} is already past (the exception would never apply)`);
      return { category: e.category, ...(e.value !== undefined ? { value: e.value } : {}), expiresAt: e.expiresAt, author: actor.id, ...(e.incidentId !== undefined ? { incidentId: e.incidentId } : {}) };
    });
    return { ...rest, server, tool, exceptions: resolved };
  }

  async save(input: BaselineTuningInput, actor: AuditActor, source?: string): Promise<BaselineTuning> {
    const before = await this.store.baselines.get(input.server, input.tool);
    const tuning = this.validated({ ...input, exceptions: this.unexpired(input.exceptions ?? []), updatedAt: this.clock.nowIso(), updatedBy: actor.id });
    await this.store.baselines.put(tuning);
    await this.settings.bump('baseline');
    await this.audit.record(actor, 'baseline.update', `tool:${tuning.server}/${tuning.tool}`, { before: before ? summarise(before) : null, after: summarise(tuning) }, source);
    return tuning;
  }

  /**
   * Exceptions that still apply. Expired ones do nothing, and kept they would fill the tool's 1,000 (every
   * false-positive closure adds some), after which no tuning of the tool could be saved.
   */
  private unexpired<T extends { expiresAt: string | null }>(exceptions: readonly T[]): T[] {
    const now = this.clock.now().getTime();
    return exceptions.filter((e) => e.expiresAt === null || Date.parse(e.expiresAt) > now);
  }

  /** The tuning as the schema takes it, or a 400 naming the field (too many exceptions, for one). */
  private validated(input: BaselineTuningInput): BaselineTuning {
    const parsed = BaselineTuning.safeParse(input);
    if (!parsed.success) throw PalisadeException.badRequest(describeZodError(parsed.error));
    return parsed.data;
  }

  /**
   * Closing an incident as a false positive adds an expiring exception on that tool for each of its
   * categories: for the value given, else for the values its alerts name (the recipients, domains or
   * paths judged benign, not every one the tool may see), else for the whole category. This is the tool's
   * tuning with them, validated, for `save` once the incident is closed: a closure whose exceptions
   * cannot be saved is refused before it changes anything.
   */
  async falsePositiveTuning(incident: Incident, exception: { value?: string | undefined; expiresInDays: number }, actor: AuditActor): Promise<BaselineTuningInput> {
    const current = await this.tuning(incident.server, incident.tool!);
    const expiresAt = new Date(this.clock.now().getTime() + exception.expiresInDays * 86_400_000).toISOString();
    const alerts = exception.value ? [] : await this.store.alerts.getMany(incident.alertIds.slice(-500));
    const valuesOf = (category: AlertCategory): (string | undefined)[] => {
      if (exception.value) return [exception.value];
      const named = [...new Set(alerts.filter((a) => a.category === category).flatMap((a) => a.evidence.values ?? []))].slice(0, 20);
      return named.length ? named : [undefined];
    };
    const added = incident.categories.flatMap((category) => valuesOf(category).map((value) => ({ category, ...(value !== undefined ? { value } : {}), expiresAt, author: actor.id, incidentId: incident.id })));
    const tuning = { ...current, exceptions: this.unexpired([...current.exceptions, ...added]) };
    this.validated(tuning);
    return tuning;
  }
}

function summarise(t: BaselineTuning): Record<string, unknown> {
  return { sensitivity: t.sensitivity, warmup: t.warmup, allowRecipients: t.allowRecipients, allowDomains: t.allowDomains, mutedDetectors: t.mutedDetectors, exceptions: t.exceptions.length };
}
