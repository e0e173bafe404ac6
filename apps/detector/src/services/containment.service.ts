import { Inject, Injectable } from '@nestjs/common';
import {
  type Alert,
  type AuditActor,
  type AuditEntryInput,
  CONTROL_TOPIC,
  type ControlMessage,
  type QuarantineState,
  type WebhookPayload,
  deterministicId,
  newId,
  severityAtLeast,
} from '@palisade/schema';
import type { OutboxItem, Store } from '@palisade/store';
import { Clock } from '../common/clock.js';
import type { DetectorConfig } from '../config/detector-config.js';
import { DETECTOR_CONFIG, STORE } from '../infra/injection-tokens.js';
import { AuditService } from './audit.service.js';

export const QUARANTINE_PREFIX = 'quarantine/';

export function quarantineKey(server: string, tool: string): string {
  return `${QUARANTINE_PREFIX}${server}/${tool}`;
}

/** What a containment decision writes: the quarantine state, the deliveries and the audit entries. */
export interface ContainmentPlan {
  settings: { key: string; value: QuarantineState | null }[];
  outbox: OutboxItem[];
  audit: AuditEntryInput[];
}

export interface Decision {
  server: string;
  tool: string;
  reason: string;
  incidentId: string | null;
  actor: AuditActor;
  source?: string;
  /** Makes delivery ids deterministic (automatic decisions from an alert), so a replay never sends twice. */
  decisionKey?: string;
}

/**
 * Quarantine and release of tools, by analysts or by policy. A decision is written as state plus
 * outbox items (one control message for collectors on mcp.control, one signed webhook per configured
 * gateway) and an audit entry; the OutboxDispatcher delivers.
 */
@Injectable()
export class ContainmentService {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(DETECTOR_CONFIG) private readonly config: DetectorConfig,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async quarantineState(server: string, tool: string): Promise<QuarantineState | null> {
    return this.store.settings.get<QuarantineState>(quarantineKey(server, tool));
  }

  /** Every quarantined tool. */
  async quarantined(): Promise<{ server: string; tool: string; state: QuarantineState }[]> {
    const rows = await this.store.settings.list<QuarantineState | null>(QUARANTINE_PREFIX);
    return rows
      .filter((row): row is { key: string; value: QuarantineState } => row.value !== null)
      .map((row) => {
        const rest = row.key.slice(QUARANTINE_PREFIX.length);
        const slash = rest.indexOf('/');
        return { server: rest.slice(0, slash), tool: rest.slice(slash + 1), state: row.value };
      });
  }

  /**
   * The automatic-containment decision for a new alert, per policy: the mode (on / off / dry-run), the
   * lowest severity per category, and per-tool overrides. Returns null when the policy does not quarantine.
   */
  policyFor(alert: Alert): { mode: 'on' | 'dry-run' } | null {
    if (!alert.tool) return null;
    const floor = this.config.containment.categories[alert.category];
    if (!floor || !severityAtLeast(alert.severity, floor)) return null;
    const mode = this.config.containment.tools[`${alert.server}/${alert.tool}`] ?? this.config.containment.mode;
    return mode === 'off' ? null : { mode };
  }

  planQuarantine(decision: Decision, already: boolean): ContainmentPlan {
    const ts = this.clock.nowIso();
    const state: QuarantineState = { since: ts, by: decision.actor.id, reason: decision.reason, incidentId: decision.incidentId };
    const plan = this.plan('tool.quarantined', decision, ts);
    return {
      settings: already ? [] : [{ key: quarantineKey(decision.server, decision.tool), value: state }],
      outbox: already ? [] : plan.outbox,
      audit: [
        this.audit.entry(decision.actor, 'tool.quarantine', `tool:${decision.server}/${decision.tool}`, { reason: decision.reason, incidentId: decision.incidentId, alreadyQuarantined: already }, decision.source),
      ],
    };
  }

  planRelease(decision: Decision, wasQuarantined: boolean): ContainmentPlan {
    const ts = this.clock.nowIso();
    const plan = this.plan('tool.released', decision, ts);
    return {
      settings: wasQuarantined ? [{ key: quarantineKey(decision.server, decision.tool), value: null }] : [],
      outbox: wasQuarantined ? plan.outbox : [],
      audit: [this.audit.entry(decision.actor, 'tool.release', `tool:${decision.server}/${decision.tool}`, { reason: decision.reason, incidentId: decision.incidentId, wasQuarantined }, decision.source)],
    };
  }

  /** Quarantines now (analyst action); idempotent. */
  async quarantine(decision: Decision): Promise<QuarantineState> {
    const existing = await this.quarantineState(decision.server, decision.tool);
    await this.apply(this.planQuarantine(decision, existing !== null));
    return existing ?? (await this.quarantineState(decision.server, decision.tool))!;
  }

  /** Releases now; idempotent. */
  async release(decision: Decision): Promise<boolean> {
    const existing = await this.quarantineState(decision.server, decision.tool);
    await this.apply(this.planRelease(decision, existing !== null));
    return existing !== null;
  }

  /** Writes a plan: state first (idempotent), then the deliveries and audit entries in one batch. */
  async apply(plan: ContainmentPlan): Promise<void> {
    for (const { key, value } of plan.settings) await this.store.settings.put(key, value);
    await this.store.writeBatch({ outbox: plan.outbox, audit: plan.audit });
  }

  /** A snapshot of the whole quarantine set for collectors that start late. */
  async snapshotOutbox(): Promise<OutboxItem> {
    const quarantined = await this.quarantined();
    const ts = this.clock.nowIso();
    const message: ControlMessage = {
      type: 'quarantine.snapshot',
      id: newId(),
      ts,
      quarantined: quarantined.map((q) => ({ server: q.server, tool: q.tool, incidentId: q.state.incidentId, reason: q.state.reason })),
    };
    return { id: `out_${message.id}`, kind: 'control', destination: CONTROL_TOPIC, payload: message, createdAt: ts, nextAttemptAt: ts, attempts: 0, status: 'pending', lastError: null };
  }

  private plan(type: 'tool.quarantined' | 'tool.released', decision: Decision, ts: string): { outbox: OutboxItem[] } {
    const decisionId = decision.decisionKey ? deterministicId('dec', decision.decisionKey, type) : `dec_${newId()}`;
    const control: ControlMessage = { type, id: decisionId, server: decision.server, tool: decision.tool, incidentId: decision.incidentId, reason: decision.reason, ts, by: decision.actor.id };
    const body: WebhookPayload = { type, server: decision.server, tool: decision.tool, incidentId: decision.incidentId, reason: decision.reason, ts };
    const base = { createdAt: ts, nextAttemptAt: ts, attempts: 0, status: 'pending' as const, lastError: null };
    return {
      outbox: [
        { ...base, id: `${decisionId}_control`, kind: 'control', destination: CONTROL_TOPIC, payload: control },
        ...this.config.webhooks.map((webhook, index) => ({ ...base, id: `${decisionId}_wh${index}`, kind: 'webhook' as const, destination: webhook.url, payload: { body } })),
      ],
    };
  }
}
