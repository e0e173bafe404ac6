import { AUDIT_GENESIS_HASH, type Alert, type AuditEntry, type BaselineTuning, type ExportRecord, type ExportState, type Incident, type TelemetryEvent, type ToolPin, type ToolVersion } from '@palisade/schema';
import type { AuditChainEnd } from '../shared/audit-chain.js';
import type { ApiToken, OutboxItem } from '../store.port.js';

/** A stored event with the words of its searchable text. */
export interface MemoryEventRow {
  event: TelemetryEvent;
  tsMs: number;
  words: string[];
}

export interface MemoryIncidentRow {
  incident: Incident;
  firstSeenMs: number;
  lastSeenMs: number;
  words: string[];
}

/**
 * Everything the memory store holds. Values are never mutated in place (each write stores a new copy),
 * so a shallow copy of the maps is a snapshot, and a failed batch is rolled back by restoring it.
 */
export class MemoryState {
  events = new Map<string, MemoryEventRow>();
  alerts = new Map<string, { alert: Alert; tsMs: number }>();
  incidents = new Map<string, MemoryIncidentRow>();
  pins = new Map<string, ToolPin>();
  /** `seq`: insertion order, the tie-break between versions first seen at the same instant (sqlite's rowid). */
  versions = new Map<string, { version: ToolVersion; seq: number }>();
  versionSeq = 0;
  baselines = new Map<string, BaselineTuning>();
  engineState = new Map<string, unknown>();
  audit = new Map<number, AuditEntry>();
  chainEnd: AuditChainEnd = { seq: 0, hash: AUDIT_GENESIS_HASH };
  outbox = new Map<string, OutboxItem>();
  tokens = new Map<string, ApiToken>();
  exports = new Map<string, { record: ExportRecord; startedMs: number; state: ExportState }>();
  settings = new Map<string, unknown>();

  /** Runs `work` as a transaction: if it throws, every map is put back as it was. */
  transaction<T>(work: () => T): T {
    const saved = this.snapshot();
    try {
      return work();
    } catch (error) {
      Object.assign(this, saved);
      throw error;
    }
  }

  private snapshot(): Partial<MemoryState> {
    return {
      events: new Map(this.events),
      alerts: new Map(this.alerts),
      incidents: new Map(this.incidents),
      pins: new Map(this.pins),
      versions: new Map(this.versions),
      baselines: new Map(this.baselines),
      engineState: new Map(this.engineState),
      audit: new Map(this.audit),
      chainEnd: { ...this.chainEnd },
      outbox: new Map(this.outbox),
      tokens: new Map(this.tokens),
      exports: new Map(this.exports),
      settings: new Map(this.settings),
    };
  }
}

/** A JSON copy: what a real store keeps of a value (no undefined members, no shared references). */
export function jsonCopy<T>(value: T): T {
  return value === undefined ? (null as T) : (JSON.parse(JSON.stringify(value)) as T);
}

/** Map key of a server's tool. */
export function toolKey(server: string, tool: string, ...rest: string[]): string {
  return [server, tool, ...rest].join('\u0000');
}
