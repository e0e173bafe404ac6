import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MemoryBus } from '@palisade/bus/testing';
import { CONTROL_TOPIC, TelemetryEvent } from '@palisade/schema';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CollectorRuntime } from './collector.runtime.js';
import { resolveCollectorConfig } from './config/collector-config.schema.js';
import { installKeyFile } from '@palisade/schema/telemetry';
import type { QuarantineEntry } from './quarantine/quarantine.registry.js';
import type { Clock } from './pipeline/clock.js';
import { classifyRpcMessage } from './pipeline/jsonrpc.message.js';

const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

/** A runtime on a fresh home and an in-memory bus, not started yet. */
function created(flags: Record<string, string> = {}, clock?: Clock) {
  const home = mkdtempSync(path.join(tmpdir(), 'palisade-runtime-'));
  homes.push(home);
  const config = resolveCollectorConfig('stdio', { server: 'fs', home, ...flags }, {}, ['node', 'server.js'], home);
  const bus = new MemoryBus();
  const changes: QuarantineEntry[][] = [];
  const runtime = new CollectorRuntime(config, { openBus: () => bus, logger: pino({ level: 'silent' }), onQuarantineChange: (entries) => changes.push(entries), ...(clock ? { clock } : {}) });
  return { home, bus, runtime, changes };
}

async function start(flags: Record<string, string> = {}, clock?: Clock) {
  const started = created(flags, clock);
  await started.runtime.start();
  return started;
}

/** One answered tools/call of `tool` in session S1. */
function call(runtime: CollectorRuntime, tool: string): void {
  const assembler = runtime.assembler({ sessionId: 'S1', transport: 'pipe', protocolName: 'stdio' });
  assembler.observe('client_to_server', classifyRpcMessage({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: tool, arguments: { m: 'hi' } } }), 1000);
  assembler.observe('server_to_client', classifyRpcMessage({ jsonrpc: '2.0', id: 1, result: { content: [] } }), 1002);
}

describe(CollectorRuntime.name, () => {
  it('assembles, encodes and publishes valid events on the telemetry topic', async () => {
    const { bus, runtime } = await start();
    call(runtime, 'echo');
    await runtime.idle();
    await runtime.flush();
    const messages = bus.messages('mcp.telemetry');
    expect(messages).toHaveLength(1);
    expect(messages[0]?.key).toBe('fs/S1');
    const event = TelemetryEvent.parse(JSON.parse(messages[0]!.value));
    expect(event).toMatchObject({ 'gen_ai.tool.name': 'echo', 'palisade.outcome': 'ok', 'palisade.collector.id': runtime.identity.collectorId });
    await runtime.shutdown('test');
  });

  it('ships the events of a server that stopped while the runtime still started: to the bus, not the spool', async () => {
    // The relay starts the server once the worker is ready, before the spool and the bus are open: a server
    // that exits at once (or a loaded machine) asks for the shutdown in the middle of start().
    const { bus, runtime } = created();
    call(runtime, 'quick');
    const starting = runtime.start();
    await runtime.shutdown('server exited (0)');
    await starting;
    const events = bus.messages('mcp.telemetry').map((m) => TelemetryEvent.parse(JSON.parse(m.value)));
    expect(events).toEqual([expect.objectContaining({ 'gen_ai.tool.name': 'quick', 'palisade.outcome': 'ok' })]);
    expect(runtime.counters.snapshot()).toMatchObject({ shipped: 1, spooled: 0 });
  });

  it('creates the per-install fingerprint key with mode 0600', async () => {
    const { home, runtime } = await start();
    expect(statSync(installKeyFile(home)).mode & 0o777).toBe(0o600);
    await runtime.shutdown('test');
  });

  it('learns quarantine decisions from mcp.control and reports them', async () => {
    const { bus, runtime, changes } = await start();
    await bus.producer().publish(CONTROL_TOPIC, [{ value: JSON.stringify({ type: 'tool.quarantined', id: 'd1', server: 'fs', tool: 'write_file', incidentId: 'INC-1', reason: 'exfiltration', ts: '2026-11-22T10:00:00.000Z' }) }]);
    await vi.waitFor(() => expect(changes.at(-1)).toEqual([{ tool: 'write_file', reason: 'exfiltration', incidentId: 'INC-1' }]));
    await runtime.shutdown('test');
  });

  it('records a request left unanswered past --request-timeout as a timeout (fake timers)', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    try {
      const { bus, runtime } = await start({ 'request-timeout': '2s' }, { now: () => Date.now() });
      const assembler = runtime.assembler({ sessionId: 'S2', transport: 'pipe', protocolName: 'stdio' });
      runtime.addSweeper(() => assembler.sweep(runtime.clock.now()));
      assembler.observe('client_to_server', classifyRpcMessage({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'hang' } }), Date.now());
      await vi.advanceTimersByTimeAsync(1500);
      await runtime.idle();
      await runtime.flush();
      expect(bus.messages('mcp.telemetry')).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1000);
      await runtime.idle();
      await runtime.flush();
      const events = bus.messages('mcp.telemetry').map((m) => TelemetryEvent.parse(JSON.parse(m.value)));
      expect(events).toEqual([expect.objectContaining({ 'gen_ai.tool.name': 'hang', 'palisade.outcome': 'timeout', 'error.type': 'timeout' })]);
      expect(events[0]?.['palisade.duration_ms']).toBeGreaterThanOrEqual(2000);
      await runtime.shutdown('test');
    } finally {
      vi.useRealTimers();
    }
  });
});
