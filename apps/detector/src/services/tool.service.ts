import { Inject, Injectable } from '@nestjs/common';
import { baselineKey, diffDefinitions, importState, pinKey, baselineSummary as summarise } from '@palisade/detection';
import type { AuditActor, BaselineSummary, Page, QuarantineState, ToolDetail, ToolPin, ToolSummary, ToolVersion, ToolVersionView } from '@palisade/schema';
import type { Store, ToolVersionQuery } from '@palisade/store';
import { Clock } from '../common/clock.js';
import { PalisadeErrorCode, PalisadeException } from '../common/palisade.exception.js';
import { STORE } from '../infra/injection-tokens.js';
import { PipelineMetrics } from './pipeline-metrics.js';
import { AuditService } from './audit.service.js';
import { BaselineService } from './baseline.service.js';
import { ContainmentService } from './containment.service.js';
import { EngineService } from './engine.service.js';
import { EngineSettings } from './engine-settings.js';
import { IncidentService } from './incident.service.js';

/** The tool inventory: pins and versions (from the pipeline), quarantine state, baselines, recent alerts. */
@Injectable()
export class ToolService {
  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly containment: ContainmentService,
    private readonly engine: EngineService,
    private readonly settings: EngineSettings,
    private readonly baselines: BaselineService,
    private readonly metrics: PipelineMetrics,
    private readonly audit: AuditService,
    private readonly incidents: IncidentService,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<ToolSummary[]> {
    const [pins, quarantined, open] = await Promise.all([this.store.tools.list(), this.containment.quarantined(), this.openAlertCounts()]);
    const byKey = new Map(quarantined.map((q) => [`${q.server}/${q.tool}`, q.state]));
    await this.engine.refreshSettings();
    const baselines = await this.currentBaselines(pins);
    return pins.map((pin, i) => this.summary(pin, byKey.get(`${pin.server}/${pin.tool}`) ?? null, open.get(`${pin.server}/${pin.tool}`) ?? 0, baselines[i]!));
  }

  async get(server: string, tool: string): Promise<ToolSummary> {
    return (await this.summaryWithBaseline(server, tool)).summary;
  }

  /** The tool with its latest versions (one page: a volatile description adds one a minute), baseline and recent alerts. */
  async detail(server: string, tool: string): Promise<ToolDetail> {
    const { summary, baseline } = await this.summaryWithBaseline(server, tool);
    const [pinned, current] = await Promise.all([this.storedVersion(summary, summary.pinnedHash), this.storedVersion(summary, summary.currentHash)]);
    const pinnedDiff = pinned && current && pinned.hash !== current.hash ? diffDefinitions(pinned.definition, current.definition, 'pinned', 'current') : null;
    const [versions, tuning, recent] = await Promise.all([
      this.versionPage(summary, pinned, {}),
      this.baselines.tuning(server, tool),
      this.store.alerts.search({ server, tool, limit: 20 }),
    ]);
    return {
      tool: summary,
      versions: versions.items,
      versionsTotal: versions.total,
      ...(versions.nextCursor ? { versionsNextCursor: versions.nextCursor } : {}),
      pinned,
      pinnedDiff,
      baseline,
      tuning,
      recentAlerts: recent.items,
    };
  }

  /** A page of a tool's definition history, newest first, each version with its diffs from its predecessor and from the pin. */
  async versions(server: string, tool: string, query: ToolVersionQuery): Promise<Page<ToolVersionView>> {
    const pin = await this.store.tools.get(server, tool);
    if (!pin) throw PalisadeException.notFound(`tool ${server}/${tool}`);
    return this.versionPage(pin, await this.storedVersion(pin, pin.pinnedHash), query);
  }

  private async storedVersion(pin: ToolPin, hash: string | null): Promise<ToolVersion | null> {
    return hash === null ? null : this.store.tools.version(pin.server, pin.tool, hash);
  }

  /**
   * One page of versions. The predecessor of the page's oldest version is the first of the next page: read
   * too, so every version but the first seen has its diff, whichever page it is shown on.
   */
  private async versionPage(pin: ToolPin, pinned: ToolVersion | null, query: ToolVersionQuery): Promise<Page<ToolVersionView>> {
    const page = await this.store.tools.versions(pin.server, pin.tool, query);
    const older = page.nextCursor ? (await this.store.tools.versions(pin.server, pin.tool, { limit: 1, cursor: page.nextCursor })).items[0] : undefined;
    const label = (version: ToolVersion): string => `first seen ${version.firstSeen}`;
    const items = page.items.map((version, i): ToolVersionView => {
      const previous = page.items[i + 1] ?? older;
      return {
        ...version,
        diff: previous ? diffDefinitions(previous.definition, version.definition, label(previous), label(version)) : null,
        pinnedDiff: pinned && pinned.hash !== version.hash ? diffDefinitions(pinned.definition, version.definition, 'pinned', label(version)) : null,
      };
    });
    return { ...page, items };
  }

  /** One tool's summary and the baseline figures it was made with (read once for both). */
  private async summaryWithBaseline(server: string, tool: string): Promise<{ summary: ToolSummary; baseline: BaselineSummary }> {
    const pin = await this.store.tools.get(server, tool);
    if (!pin) throw PalisadeException.notFound(`tool ${server}/${tool}`);
    const [quarantine, open, baseline] = await Promise.all([this.containment.quarantineState(server, tool), this.openAlertCounts(server, tool), this.baselineSummary(server, tool)]);
    return { summary: this.summary(pin, quarantine, open.get(`${server}/${tool}`) ?? 0, baseline), baseline };
  }

  /**
   * Baseline figures: from the worker's live state in this process, else from the persisted state; judged
   * with the tool's tuning and the engine settings either way (its warm-up, its sensitivity).
   */
  async baselineSummary(server: string, tool: string): Promise<BaselineSummary> {
    await this.engine.refreshSettings();
    return this.currentBaseline(server, tool);
  }

  /** The figures with the tunings as last refreshed. */
  private async currentBaseline(server: string, tool: string): Promise<BaselineSummary> {
    return (await this.currentBaselines([{ server, tool }]))[0]!;
  }

  /**
   * The figures of several tools, in their order: from the worker's live state in this process, else
   * from the persisted state, each tool's baseline and pin read in one batched call for all of them
   * (an inventory of hundreds of tools is one read, not two per tool).
   */
  private async currentBaselines(tools: readonly { server: string; tool: string }[]): Promise<BaselineSummary[]> {
    if (this.metrics.running) return tools.map(({ server, tool }) => this.engine.baselineSummary(server, tool));
    const state = importState(await this.store.engineState.getMany(tools.flatMap(({ server, tool }) => [baselineKey(server, tool), pinKey(server, tool)])));
    return tools.map(({ server, tool }) => summarise(state, server, tool, this.engine.engine));
  }

  async quarantine(server: string, tool: string, body: { reason?: string | undefined; incidentId?: string | null | undefined }, actor: AuditActor, source?: string): Promise<QuarantineState> {
    await this.requireSeen(server, tool);
    await this.checkIncident(body.incidentId);
    const state = await this.containment.quarantine({ server, tool, reason: body.reason ?? `quarantined by ${actor.id}`, incidentId: body.incidentId ?? null, actor, ...(source ? { source } : {}) });
    // Quarantining for an incident contains it, as automatic containment does.
    if (body.incidentId) {
      const incident = await this.incidents.get(body.incidentId);
      if (incident.status === 'open' || incident.status === 'triaging') await this.incidents.update(incident.id, { status: 'contained' }, actor, source);
    }
    return state;
  }

  async release(server: string, tool: string, body: { reason?: string | undefined; incidentId?: string | null | undefined }, actor: AuditActor, source?: string): Promise<{ released: boolean }> {
    const state = await this.containment.quarantineState(server, tool);
    // A quarantined tool can always be released, listed or not (automatic containment of a tool seen only in calls).
    if (!state) await this.requireSeen(server, tool);
    await this.checkIncident(body.incidentId);
    // The release names the incident the quarantine was filed under unless the caller names another.
    const incidentId = body.incidentId ?? state?.incidentId ?? null;
    const released = await this.containment.release({ server, tool, reason: body.reason ?? `released by ${actor.id}`, incidentId, actor, ...(source ? { source } : {}) });
    return { released };
  }

  /**
   * Approves the current definition: the worker re-pins it (drift is judged against it from then on).
   * The approval goes through the store so an API and a worker in different processes agree. With the
   * hash of the definition the analyst read, a definition changed in between is refused (409).
   */
  async approve(server: string, tool: string, expectedHash: string | undefined, actor: AuditActor, source?: string): Promise<{ approved: true; hash: string }> {
    const summary = await this.get(server, tool);
    if (summary.currentHash === null) throw new PalisadeException(PalisadeErrorCode.Conflict, `tool ${server}/${tool} was called but never listed: there is no definition to approve`);
    if (expectedHash !== undefined && expectedHash !== summary.currentHash) {
      throw new PalisadeException(PalisadeErrorCode.Conflict, `tool ${server}/${tool} was redefined since (current definition ${summary.currentHash.slice(0, 12)}, not ${expectedHash.slice(0, 12)}): read the new definition before approving it`);
    }
    await this.settings.requestApproval({ server, tool, hash: summary.currentHash, ts: this.clock.nowIso(), by: actor.id });
    await this.audit.record(actor, 'tool.approve', `tool:${server}/${tool}`, { previousPin: summary.pinnedHash, newPin: summary.currentHash }, source);
    return { approved: true, hash: summary.currentHash };
  }

  /**
   * A tool may be contained and tuned once it was seen: listed or called (the inventory holds both), or
   * only named by a call the collector blocked (stored as an event, never in the inventory). 404 otherwise.
   */
  async requireSeen(server: string, tool: string): Promise<void> {
    if (await this.store.tools.get(server, tool)) return;
    if ((await this.store.events.search({ server, tool, limit: 1 })).total > 0) return;
    throw PalisadeException.notFound(`tool ${server}/${tool}`);
  }

  /** A decision filed under an incident names one that exists (the webhook and the audit log carry it). */
  private async checkIncident(id: string | null | undefined): Promise<void> {
    if (id && !(await this.store.incidents.get(id))) throw PalisadeException.badRequest(`incidentId: no incident ${id}`);
  }

  private summary(pin: ToolPin, quarantine: QuarantineState | null, openAlerts: number, baseline: BaselineSummary): ToolSummary {
    return { ...pin, quarantine, openAlerts, drifted: pin.pinnedHash !== pin.currentHash, baseline: { observations: baseline.observations, learning: baseline.learning } };
  }

  /** Alerts still to triage (`open`, `triaging`) per `server/tool`, counted by the store. */
  private async openAlertCounts(server?: string, tool?: string): Promise<Map<string, number>> {
    const counts = await this.store.alerts.countByTool(['open', 'triaging'], { ...(server ? { server } : {}), ...(tool ? { tool } : {}) });
    return new Map(counts.map((entry) => [`${entry.server}/${entry.tool}`, entry.count]));
  }
}
