import type { TelemetryLinkOptions } from '../pipeline/telemetry.link.js';

/** The ring between relay and worker, and how long a first tools/call may wait for quarantine state. */
export const TELEMETRY_LINK_OPTIONS: TelemetryLinkOptions = { ringBytes: 2 * 1024 * 1024, quarantineWarmupMs: 1000 };

/** Longest flush at exit before the collector gives up (what is left stays in the spool). */
export const SHUTDOWN_DEADLINE_MS = 15_000;
