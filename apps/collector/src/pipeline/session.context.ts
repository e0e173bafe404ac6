/** Who is recording: the same on every event of a collector process. */
export interface CollectorIdentity {
  collectorId: string;
  collectorVersion: string;
  hostName: string;
  /** The `--server` NAME. */
  serverName: string;
}

/** What is known about one MCP session; filled in as initialize goes by. */
export interface SessionContext {
  sessionId: string;
  transport: 'pipe' | 'tcp';
  protocolName: 'stdio' | 'http';
  serverAddress?: string;
  serverPort?: number;
  clientName?: string;
  clientVersion?: string;
  reportedName?: string;
  reportedVersion?: string;
  protocolVersion?: string;
}
