import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteBus, silentBusLogger, type BusConsumer } from '@palisade/bus';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { CONTROL_TOPIC, parseTelemetryEventJson, type TelemetryEvent } from '@palisade/schema';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '../../../..');
/** The built CLI, run as a real child process (as `npx palisade-collector` would). */
export const COLLECTOR_BIN = path.join(ROOT, 'apps/collector/bin/palisade-collector.js');
export const SERVERS = {
  everything: path.join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js'),
  filesystem: path.join(ROOT, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js'),
  memory: path.join(ROOT, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js'),
};

if (!existsSync(path.join(ROOT, 'apps/collector/dist/main.js'))) {
  throw new Error('apps/collector is not built: run `node tools/build.mjs` (npm test builds first)');
}

const temporaries: string[] = [];

/** A fresh folder (PALISADE_HOME, server data), removed by `removeTemporaries`. */
export function temporaryDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `palisade-${prefix}-`));
  temporaries.push(dir);
  return dir;
}

export function removeTemporaries(): void {
  for (const dir of temporaries.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export async function connect(transport: Transport, name = 'palisade-e2e'): Promise<Client> {
  const client = new Client({ name, version: '1.0.0' }, { capabilities: { sampling: {}, roots: { listChanged: true } } });
  try {
    await client.connect(transport);
  } catch (error) {
    // Say what the collector printed before it went away.
    const stderr = transport instanceof StdioClientTransport ? (stderrOf.get(transport) ?? '') : '';
    throw new Error(`${(error as Error).message}; collector stderr: ${stderr.slice(-2000)}`);
  }
  return client;
}

const stderrOf = new WeakMap<StdioClientTransport, string>();

/** What a collector started by `stdioTransport` has written on stderr so far (its last 20,000 characters). */
export const collectorStderr = (transport: StdioClientTransport): string => stderrOf.get(transport) ?? '';

/** How long a collector whose client closed its stdin may take to flush its telemetry and exit by itself. */
const COLLECTOR_EXIT_GRACE_MS = 30_000;

/**
 * The SDK's stdio transport, except that `close()` lets the collector exit by itself once its stdin ends.
 * The SDK sends SIGTERM after 2 s and SIGKILL after 4 s: on a loaded machine (the telemetry worker runs at
 * a lower priority), before the collector had shipped its last events, which the test then looked for.
 */
class CollectorStdioTransport extends StdioClientTransport {
  override async close(): Promise<void> {
    const child = (this as unknown as { _process?: ChildProcess })._process;
    if (this.pid !== null && !child) throw new Error('StdioClientTransport no longer keeps its child in _process: update CollectorStdioTransport');
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
      child.stdin?.end();
      await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, COLLECTOR_EXIT_GRACE_MS).unref())]);
    }
    await super.close();
  }
}

/** The SDK's stdio transport for a server, directly or behind the collector. */
export function stdioTransport(server: { command: string; args: string[]; env?: Record<string, string> }, collector?: { name: string; home: string; flags?: string[] }): StdioClientTransport {
  const env = { ...getDefaultEnvironment(), ...server.env };
  if (!collector) return new StdioClientTransport({ command: server.command, args: server.args, env, stderr: 'ignore' });
  const transport = new CollectorStdioTransport({
    command: process.execPath,
    args: [COLLECTOR_BIN, 'stdio', '--server', collector.name, '--home', collector.home, ...(collector.flags ?? []), '--', server.command, ...server.args],
    env,
    stderr: 'pipe',
  });
  stderrOf.set(transport, '');
  transport.stderr?.on('data', (chunk: Buffer) => stderrOf.set(transport, `${stderrOf.get(transport) ?? ''}${chunk.toString()}`.slice(-20_000)));
  return transport;
}

/** Reads the telemetry (and control) topics of a PALISADE_HOME's sqlite bus, as the detector would. */
export class BusReader {
  readonly bus: SqliteBus;
  readonly events: TelemetryEvent[] = [];
  /** Messages the schema refused, with the reason: the detector would keep them aside, so tests expect none. */
  readonly invalid: string[] = [];
  private consumer: BusConsumer | null = null;
  private running: Promise<void> | null = null;

  constructor(home: string) {
    this.bus = new SqliteBus({ file: path.join(home, 'bus.db'), logger: silentBusLogger, retention: { intervalMs: 0 } });
  }

  start(topic = 'mcp.telemetry'): this {
    this.consumer = this.bus.consumer({ group: 'e2e', topic, ephemeral: true, pollIntervalMs: 20 });
    this.running = this.consumer.run(async (messages) => {
      for (const message of messages) {
        const parsed = parseTelemetryEventJson(message.value);
        if (parsed.ok) this.events.push(parsed.value);
        else this.invalid.push(`${parsed.reason}: ${message.value.slice(0, 200)}`);
      }
    });
    return this;
  }

  /** Publishes a quarantine decision on `mcp.control`, as the detector does. */
  async decide(type: 'tool.quarantined' | 'tool.released', server: string, tool: string, reason = 'poisoned description'): Promise<void> {
    const message = { type, id: `d-${Date.now()}-${Math.random()}`, server, tool, incidentId: 'INC-7', reason, ts: new Date().toISOString() };
    const result = await this.bus.producer().publish(CONTROL_TOPIC, [{ value: JSON.stringify(message) }]);
    if (result.kind !== 'success') throw new Error(`control publish failed: ${JSON.stringify(result)}`);
  }

  find(predicate: (event: TelemetryEvent) => boolean): TelemetryEvent[] {
    return this.events.filter(predicate);
  }

  async close(): Promise<void> {
    await this.consumer?.stop();
    await this.running;
    await this.bus.close();
  }
}

/** Runs `check` against a reader of the bus of `home` (started, and closed afterwards). */
export async function onBus(home: string, check: (reader: BusReader) => Promise<void>): Promise<void> {
  const reader = new BusReader(home).start();
  try {
    await check(reader);
  } finally {
    await reader.close();
  }
}
