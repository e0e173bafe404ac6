import { Inject, Injectable } from '@nestjs/common';
import type { Store } from '@palisade/store';
import { Clock } from '../common/clock.js';
import { STORE } from '../infra/injection-tokens.js';

export const ENGINE_SETTINGS_VERSION_KEY = 'engine/version';
export const RULE_SWITCH_PREFIX = 'rule/';
export const APPROVAL_PREFIX = 'approval/';

export interface EngineSettingsVersion {
  version: number;
  ts: string;
  reason: string;
}

/** A pending approval: the API asks the worker to re-pin a tool's current definition. */
export interface ToolApproval {
  server: string;
  tool: string;
  hash: string | null;
  ts: string;
  by: string;
}

/**
 * What the API changes and the worker must apply (tunings, rule switches, approvals) is versioned in the
 * store, so an API and a worker in different processes agree: the worker re-reads when the version moves.
 */
@Injectable()
export class EngineSettings {
  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async version(): Promise<number> {
    return (await this.store.settings.get<EngineSettingsVersion>(ENGINE_SETTINGS_VERSION_KEY))?.version ?? 0;
  }

  async bump(reason: string): Promise<number> {
    const version = (await this.version()) + 1;
    await this.store.settings.put(ENGINE_SETTINGS_VERSION_KEY, { version, ts: this.clock.nowIso(), reason });
    return version;
  }

  async ruleSwitches(): Promise<Map<string, boolean>> {
    const rows = await this.store.settings.list<{ enabled: boolean }>(RULE_SWITCH_PREFIX);
    return new Map(rows.map((r) => [r.key.slice(RULE_SWITCH_PREFIX.length), r.value.enabled]));
  }

  async setRuleEnabled(ruleId: string, enabled: boolean): Promise<void> {
    await this.store.settings.put(`${RULE_SWITCH_PREFIX}${ruleId}`, { enabled });
    await this.bump(`rule ${ruleId}`);
  }

  async requestApproval(approval: ToolApproval): Promise<void> {
    await this.store.settings.put(`${APPROVAL_PREFIX}${approval.server}/${approval.tool}`, approval);
    await this.bump(`approve ${approval.server}/${approval.tool}`);
  }

  async approvals(): Promise<ToolApproval[]> {
    return (await this.store.settings.list<ToolApproval | null>(APPROVAL_PREFIX)).map((r) => r.value).filter((v): v is ToolApproval => v !== null);
  }

  async clearApproval(server: string, tool: string): Promise<void> {
    await this.store.settings.put(`${APPROVAL_PREFIX}${server}/${tool}`, null);
  }
}
