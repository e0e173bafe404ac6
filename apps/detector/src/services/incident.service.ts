import { Inject, Injectable } from '@nestjs/common';
import {
  type Alert,
  type AlertCategory,
  type AuditActor,
  type Incident,
  type IncidentDetail,
  type IncidentQuery,
  type Page,
  type TriageStatus,
  deterministicId,
  maxSeverity,
  severityRank,
} from '@palisade/schema';
import type { Store } from '@palisade/store';
import { Clock } from '../common/clock.js';
import { PalisadeException } from '../common/palisade.exception.js';
import { STORE } from '../infra/injection-tokens.js';
import { AuditService } from './audit.service.js';

/** Alerts on the same server/tool/session within this window join the same open incident. */
export const INCIDENT_WINDOW_MS = 30 * 60 * 1000;

const OPEN_STATUSES: ReadonlySet<TriageStatus> = new Set(['open', 'triaging', 'contained']);

export interface IncidentPatch {
  status?: TriageStatus;
  assignee?: string | null;
  note?: string;
  disposition?: string;
}

function groupKey(alert: Pick<Alert, 'server' | 'tool' | 'sessionId'>): string {
  return `${alert.server}\u0000${alert.tool ?? ''}\u0000${alert.sessionId ?? ''}`;
}

/** The latest version of a cached incident (several keys may lead to one incident; its id entry is current). */
function latest(cache: Map<string, Incident | null>, incident: Incident | null | undefined): Incident | null | undefined {
  return incident ? (cache.get(`#${incident.id}`) ?? incident) : incident;
}

/**
 * Incidents: alerts grouped by server/tool/session within a window, with the severity of their most
 * severe alert, a triage workflow, notes and a timeline.
 */
@Injectable()
export class IncidentService {
  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Assigns new alerts to incidents (existing open ones or new ones) and returns the incidents to upsert
   * and the alerts with their `incidentId` set. Pure but for the look-ups of open incidents. Incident ids
   * are deterministic (from the first alert), so a replayed batch recreates the same incident.
   */
  async group(alerts: readonly Alert[], cache = new Map<string, Incident | null>()): Promise<{ incidents: Incident[]; alerts: Alert[]; created: Incident[]; escalated: Incident[] }> {
    const touched = new Map<string, Incident>();
    const created: Incident[] = [];
    const escalatedIds = new Set<string>();
    const out: Alert[] = [];
    for (const alert of alerts) {
      const key = groupKey(alert);
      const found = await this.incidentFor(alert, key, cache);
      let incident = found?.incident ?? null;
      if (!incident) {
        incident = this.open(alert);
        created.push(incident);
      } else if (!incident.alertIds.includes(alert.id)) {
        const before = incident.severity;
        incident = this.join(incident, alert);
        if (severityRank(before) < severityRank('high') && severityRank(incident.severity) >= severityRank('high')) escalatedIds.add(incident.id);
      }
      // The incident under its own key and its id (the latest version); a session-less alert's key leads
      // to it too. A correlation alert that joined its source's incident does not take the next alerts of
      // its own tool and session there.
      cache.set(groupKey(incident), incident);
      cache.set(`#${incident.id}`, incident);
      if (found?.linked && alert.sessionId === null) cache.set(key, incident);
      touched.set(incident.id, incident);
      out.push({ ...alert, incidentId: incident.id, status: incident.status });
    }
    const createdIds = new Set(created.map((c) => c.id));
    return {
      incidents: [...touched.values()],
      alerts: out,
      created: created.map((c) => touched.get(c.id) ?? c),
      escalated: [...escalatedIds].filter((id) => !createdIds.has(id)).map((id) => touched.get(id)!),
    };
  }

  /**
   * The open incident an alert joins, if any: for a correlation alert the incident of its source first;
   * then the alert's own server/tool/session (this batch's incidents, then the store); then, for an alert
   * with no session, its tool's open incident. `linked` when it is not the alert's own.
   */
  private async incidentFor(alert: Alert, key: string, cache: Map<string, Incident | null>): Promise<{ incident: Incident; linked: boolean } | null> {
    const usable = (incident: Incident | null | undefined): incident is Incident =>
      !!incident && OPEN_STATUSES.has(incident.status) && Date.parse(alert.ts) - Date.parse(incident.lastSeen) <= INCIDENT_WINDOW_MS;
    const correlation = alert.category === 'correlation';
    if (correlation) {
      const source = await this.linkedIncident(alert, cache);
      if (usable(source)) return { incident: source, linked: true };
    }
    let own = latest(cache, cache.get(key));
    if (own === undefined) {
      const since = new Date(Date.parse(alert.ts) - INCIDENT_WINDOW_MS).toISOString();
      own = await this.store.incidents.findOpen({ server: alert.server, tool: alert.tool, sessionId: alert.sessionId }, since);
    }
    if (usable(own)) return { incident: own, linked: false };
    if (correlation) return null;
    const linked = await this.linkedIncident(alert, cache);
    return usable(linked) ? { incident: linked, linked: true } : null;
  }

  /**
   * The open incident an alert belongs to beyond its own server/tool/session: a correlation alert joins
   * the incident of the tool its rule names as the source (the poisoned description behind a redirected
   * recipient); an alert with no session (a definition seen when another server listed its tools) joins
   * its tool's open incident of any session. Null when there is none.
   */
  private async linkedIncident(alert: Alert, cache: Map<string, Incident | null>): Promise<Incident | null> {
    const source = alert.category === 'correlation' ? alert.evidence.source : undefined;
    const target = source?.tool ? { server: source.server, tool: source.tool } : alert.sessionId === null && alert.tool ? { server: alert.server, tool: alert.tool } : null;
    if (!target) return null;

    // Incidents of this batch first (not stored yet), then the store.
    for (const incident of cache.values()) {
      if (incident && incident.server === target.server && incident.tool === target.tool && OPEN_STATUSES.has(incident.status)) return latest(cache, incident)!;
    }
    const since = new Date(Date.parse(alert.ts) - INCIDENT_WINDOW_MS).toISOString();
    return this.store.incidents.findOpen({ ...target, sessionId: undefined }, since);
  }

  private open(alert: Alert): Incident {
    const now = this.clock.nowIso();
    return {
      id: deterministicId('inc', alert.id),
      title: alert.title,
      createdAt: now,
      updatedAt: now,
      firstSeen: alert.ts,
      lastSeen: alert.ts,
      severity: alert.severity,
      status: 'open',
      assignee: null,
      server: alert.server,
      tool: alert.tool,
      sessionId: alert.sessionId,
      categories: [alert.category],
      alertIds: [alert.id],
      alertCount: 1,
      notes: [],
      disposition: null,
    };
  }

  private join(incident: Incident, alert: Alert): Incident {
    const moreSevere = severityRank(alert.severity) > severityRank(incident.severity);
    const categories = incident.categories.includes(alert.category) ? incident.categories : [...incident.categories, alert.category as AlertCategory];
    return {
      ...incident,
      title: moreSevere ? alert.title : incident.title,
      severity: maxSeverity(incident.severity, alert.severity),
      updatedAt: this.clock.nowIso(),
      firstSeen: alert.ts < incident.firstSeen ? alert.ts : incident.firstSeen,
      lastSeen: alert.ts > incident.lastSeen ? alert.ts : incident.lastSeen,
      categories,
      alertIds: incident.alertIds.length < 10000 ? [...incident.alertIds, alert.id] : incident.alertIds,
      alertCount: incident.alertCount + 1,
    };
  }

  counts(): Promise<Record<TriageStatus, number>> {
    return this.store.incidents.countByStatus();
  }

  list(query: IncidentQuery): Promise<Page<Incident>> {
    return this.store.incidents.search(query);
  }

  async get(id: string): Promise<Incident> {
    const incident = await this.store.incidents.get(id);
    if (!incident) throw PalisadeException.notFound(`incident ${id}`);
    return incident;
  }

  async detail(id: string): Promise<IncidentDetail> {
    const incident = await this.get(id);
    const alerts = await this.store.alerts.getMany(incident.alertIds.slice(-500));
    alerts.sort((a, b) => b.ts.localeCompare(a.ts));
    const eventIds = [...new Set(alerts.flatMap((a) => a.eventIds))].slice(0, 500);
    const events = await this.store.events.getMany(eventIds);
    events.sort((a, b) => b.ts.localeCompare(a.ts));
    const margin = 10 * 60 * 1000;
    const session = incident.sessionId
      ? (
          await this.store.events.search({
            session: incident.sessionId,
            from: new Date(Date.parse(incident.firstSeen) - margin).toISOString(),
            to: new Date(Date.parse(incident.lastSeen) + margin).toISOString(),
            limit: 200,
          })
        ).items
      : [];
    const actions = (await this.store.audit.list({ target: `incident:${id}`, limit: 200 })).items;
    if (incident.tool) {
      // Containment of the incident's tool is audited on the tool (automatic, dry-run or by an analyst):
      // the decisions filed under this incident belong on its timeline too.
      // From the incident's creation (the detector's clock, as the audit log's; event times may run ahead).
      const contained = await this.store.audit.list({ target: `tool:${incident.server}/${incident.tool}`, from: incident.createdAt, limit: 200 });
      actions.push(...contained.items.filter((entry) => entry.details['incidentId'] === id));
      actions.sort((a, b) => b.seq - a.seq);
    }
    return { ...incident, alerts, events, session, actions };
  }

  /** Triage: status, assignee, note, disposition; audited; the incident's alerts follow its status. */
  async update(id: string, patch: IncidentPatch, actor: AuditActor, source?: string): Promise<Incident> {
    const incident = await this.get(id);
    const changes: Record<string, unknown> = {};
    if (patch.status && patch.status !== incident.status) changes.status = { from: incident.status, to: patch.status };
    if (patch.assignee !== undefined && patch.assignee !== incident.assignee) changes.assignee = { from: incident.assignee, to: patch.assignee };
    if (patch.note) changes.note = patch.note;
    if (patch.disposition !== undefined && patch.disposition !== incident.disposition) changes.disposition = patch.disposition;
    // Nothing changes (the same status again, say): nothing to store and nothing to audit.
    if (Object.keys(changes).length === 0) return incident;
    const now = this.clock.nowIso();
    const next: Incident = {
      ...incident,
      updatedAt: now,
      ...(patch.status ? { status: patch.status } : {}),
      ...(patch.assignee !== undefined ? { assignee: patch.assignee } : {}),
      ...(patch.disposition !== undefined ? { disposition: patch.disposition } : {}),
      notes: patch.note ? [...incident.notes, { ts: now, author: actor.id, text: patch.note }] : incident.notes,
    };
    await this.store.incidents.upsert(next);
    if (changes.status) await this.store.alerts.setStatusByIncident(id, patch.status!);
    await this.audit.record(actor, 'incident.update', `incident:${id}`, changes, source);
    return next;
  }
}
