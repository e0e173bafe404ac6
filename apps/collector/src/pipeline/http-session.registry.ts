import type { CollectorRuntime } from '../collector.runtime.js';
import type { EventAssembler } from './event.assembler.js';

interface HttpSession {
  assembler: EventAssembler;
  lastSeen: number;
}

export interface HttpUpstream {
  serverAddress: string;
  serverPort: number;
}

/**
 * The MCP sessions seen through the HTTP proxy, keyed by `Mcp-Session-Id` (or the legacy transport's
 * `sessionId`; stateless servers share one session per collector). A session ends on DELETE, when its
 * legacy stream closes, or after a long idle time; its unanswered requests are then `disconnected`.
 */
export class HttpSessionRegistry {
  private readonly sessions = new Map<string, HttpSession>();

  constructor(
    private readonly runtime: CollectorRuntime,
    private readonly idleMs: number,
  ) {}

  get stateless(): string {
    return `http-${this.runtime.identity.collectorId}`;
  }

  get(sessionId: string, upstream: HttpUpstream, at: number, protocolVersion?: string): EventAssembler {
    let session = this.sessions.get(sessionId);
    if (!session) {
      const assembler = this.runtime.assembler({ sessionId: sessionId.slice(0, 200), transport: 'tcp', protocolName: 'http', serverAddress: upstream.serverAddress, serverPort: upstream.serverPort });
      session = { assembler, lastSeen: at };
      this.sessions.set(sessionId, session);
    }
    session.lastSeen = Math.max(session.lastSeen, at);
    if (protocolVersion) session.assembler.session.protocolVersion ??= protocolVersion.slice(0, 40);
    return session.assembler;
  }

  end(sessionId: string, at: number): void {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    this.sessions.delete(sessionId);
    session.assembler.end(at);
  }

  endAll(at: number): void {
    for (const id of [...this.sessions.keys()]) this.end(id, at);
  }

  sweep(now: number): void {
    for (const [id, session] of this.sessions) {
      session.assembler.sweep(now);
      if (now - session.lastSeen > this.idleMs && session.assembler.pendingCount === 0) this.sessions.delete(id);
    }
  }
}
