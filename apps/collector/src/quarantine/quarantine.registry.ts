import type { ControlMessage } from '@palisade/schema/telemetry';

export interface QuarantineEntry {
  tool: string;
  reason: string;
  incidentId: string | null;
}

/**
 * The quarantine decisions that apply to this collector's server (`--server` NAME), rebuilt from
 * `mcp.control` (a snapshot, then quarantined/released decisions) or from the API. Reads are O(1) and
 * synchronous: the relay consults it for every call while quarantines are active.
 */
export class QuarantineRegistry {
  private readonly tools = new Map<string, QuarantineEntry>();
  private isReady = false;
  private readonly readyWaiters: (() => void)[] = [];
  private readonly listeners: (() => void)[] = [];

  constructor(readonly serverName: string) {}

  /** Any tool of this server quarantined right now. */
  get active(): boolean {
    return this.tools.size > 0;
  }

  /** The first read of the decisions is done (or its wait ran out). */
  get ready(): boolean {
    return this.isReady;
  }

  lookup(tool: string): QuarantineEntry | undefined {
    return this.tools.get(tool);
  }

  list(): QuarantineEntry[] {
    return [...this.tools.values()];
  }

  apply(message: ControlMessage): void {
    switch (message.type) {
      case 'quarantine.snapshot':
        this.tools.clear();
        for (const item of message.quarantined) if (item.server === this.serverName) this.tools.set(item.tool, { tool: item.tool, reason: item.reason, incidentId: item.incidentId });
        break;
      case 'tool.quarantined':
        if (message.server === this.serverName) this.tools.set(message.tool, { tool: message.tool, reason: message.reason, incidentId: message.incidentId });
        break;
      case 'tool.released':
        if (message.server === this.serverName) this.tools.delete(message.tool);
        break;
    }
    this.changed();
  }

  /** Replaces the whole set (from an API poll). */
  replaceAll(entries: readonly QuarantineEntry[]): void {
    this.tools.clear();
    for (const entry of entries) this.tools.set(entry.tool, entry);
    this.changed();
  }

  markReady(): void {
    if (this.isReady) return;
    this.isReady = true;
    for (const resolve of this.readyWaiters.splice(0)) resolve();
  }

  whenReady(): Promise<void> {
    return this.isReady ? Promise.resolve() : new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
