import { Inject, Injectable } from '@nestjs/common';
import type { AuditActor, AuditEntry, AuditEntryInput } from '@palisade/schema';
import type { Store } from '@palisade/store';
import type { Principal } from '../auth/principal.js';
import { Clock } from '../common/clock.js';
import { STORE } from '../infra/injection-tokens.js';

/** The system itself as an audit actor (automatic containment, schedules, deliveries). */
export const SYSTEM_ACTOR: AuditActor = { type: 'system', id: 'palisade' };

export function actorOf(principal: Principal): AuditActor {
  return { type: principal.role === 'collector' ? 'collector' : 'user', id: principal.name, role: principal.role, tokenId: principal.id };
}

/** Appends to the hash-chained audit log: every analyst and automated action goes through here. */
@Injectable()
export class AuditService {
  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  entry(actor: AuditActor, action: string, target: string, details: Record<string, unknown> = {}, source?: string): AuditEntryInput {
    return { ts: this.clock.nowIso(), actor, action, target, details, ...(source ? { source } : {}) };
  }

  async record(actor: AuditActor, action: string, target: string, details: Record<string, unknown> = {}, source?: string): Promise<AuditEntry> {
    const [entry] = await this.store.audit.append([this.entry(actor, action, target, details, source)]);
    return entry!;
  }
}
