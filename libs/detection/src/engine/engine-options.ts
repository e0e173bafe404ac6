import { BaselineTuning, DEFAULT_WARMUP, type AlertCategory, type BaselineTuningInput } from '@palisade/schema';
import { normaliseAllowedDomain, normaliseAllowedRecipient } from '../detectors/recipient.extractor.js';

/** Engine-wide settings (all optional). */
export interface EngineOptions {
  /** Observations before a baseline leaves learning, unless a tool's tuning says otherwise (default 20). */
  warmup?: number;
  /** Default sensitivity multiplier on behavioural thresholds (default 1). */
  sensitivity?: number;
  /** Sessions idle longer than this (event time) are evicted (default 30 min). */
  sessionIdleMs?: number;
  /** Sessions kept at most; the longest idle go first (default 10,000). */
  maxSessions?: number;
  /** How long a sensitive value returned by a server is remembered for cross-server flows (default 24 h). */
  flowTtlMs?: number;
  /** Sensitive values remembered at most (default 5,000). */
  maxFlows?: number;
  /**
   * How far behind in event time an event may reach the engine, after events of other servers, and still
   * be correlated with them (default 5 min). Collectors flush on their own, so a call sending data to one
   * server can arrive before the read that returned it from another: recent calls' argument lines are
   * remembered this long (the last 16 calls of each session) for a sensitive read that arrives late.
   */
  reorderWindowMs?: number;
  /**
   * How far apart the clocks of two collectors may be (default 2 s). Events of one server come from one
   * collector and one clock; across servers, an event up to this much earlier in event time still counts
   * as after another: a call that sends content read from another server, a later step of an ordered
   * correlation rule on another server.
   */
  clockSkewMs?: number;
  /** Allowed path roots per server NAME (paths outside raise `path_traversal`); roots/list results add to them. */
  roots?: Record<string, string[]>;
  /**
   * Re-scan captured text for raw secrets: `auto` (default) only for parts the collector did not capture
   * (no `palisade.capture.*` info, e.g. events from other producers), `always`, or `never` (findings only).
   */
  rescanSecrets?: 'auto' | 'always' | 'never';
  /** Characters of arguments and of results scanned per event at most (default 64 KiB each). */
  maxScanChars?: number;
  /** Minimum event-time interval between sweeps of idle sessions and expired windows (default 60 s). */
  sweepIntervalMs?: number;
}

export type ResolvedEngineOptions = Required<Omit<EngineOptions, 'roots'>> & { roots: Record<string, string[]> };

export function resolveOptions(options: EngineOptions = {}): ResolvedEngineOptions {
  return {
    warmup: options.warmup ?? DEFAULT_WARMUP,
    sensitivity: options.sensitivity ?? 1,
    sessionIdleMs: options.sessionIdleMs ?? 30 * 60_000,
    maxSessions: options.maxSessions ?? 10_000,
    flowTtlMs: options.flowTtlMs ?? 24 * 3_600_000,
    maxFlows: options.maxFlows ?? 5_000,
    reorderWindowMs: options.reorderWindowMs ?? 5 * 60_000,
    clockSkewMs: options.clockSkewMs ?? 2_000,
    roots: options.roots ?? {},
    rescanSecrets: options.rescanSecrets ?? 'auto',
    maxScanChars: options.maxScanChars ?? 65_536,
    sweepIntervalMs: options.sweepIntervalMs ?? 60_000,
  };
}

/** A tool's tuning with sets for fast lookups. */
export interface ResolvedTuning {
  sensitivity: number;
  warmup: number;
  allowRecipients: ReadonlySet<string>;
  allowDomains: readonly string[];
  muted: ReadonlySet<AlertCategory>;
  exceptions: BaselineTuning['exceptions'];
  source: BaselineTuning | null;
}

export function tuningKey(server: string, tool: string): string {
  return `${server}\u0000${tool}`;
}

/** Validates a tuning (applying the schema's defaults) and prepares it for lookups. */
export function resolveTuning(input: BaselineTuningInput): ResolvedTuning {
  const tuning = BaselineTuning.parse(input);
  return {
    sensitivity: tuning.sensitivity,
    warmup: tuning.warmup,
    // Entries as an engineer writes them, normalised as the values they are compared with are.
    allowRecipients: new Set(tuning.allowRecipients.map(normaliseAllowedRecipient)),
    allowDomains: tuning.allowDomains.map(normaliseAllowedDomain),
    muted: new Set(tuning.mutedDetectors),
    exceptions: tuning.exceptions,
    source: tuning,
  };
}

/** The defaults for a tool without tuning. */
export function defaultTuning(options: ResolvedEngineOptions): ResolvedTuning {
  return { sensitivity: options.sensitivity, warmup: options.warmup, allowRecipients: new Set(), allowDomains: [], muted: new Set(), exceptions: [], source: null };
}

/** True when the domain is, or is under, an allow-listed domain (`example.com` covers `mail.example.com`). */
export function domainAllowed(tuning: ResolvedTuning, domain: string): boolean {
  const d = domain.toLowerCase();
  return tuning.allowDomains.some((allowed) => d === allowed || d.endsWith(`.${allowed}`));
}
