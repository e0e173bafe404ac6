import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type Bus, busConfigFromEnv, createBus } from '@palisade/bus';
import { TELEMETRY_TOPIC, type TelemetryEvent } from '@palisade/schema';
import { type Store, createStore, storeConfigFromEnv } from '@palisade/store';
import { TokenService } from '../../src/auth/token.service.js';
import { createDetectorApp } from '../../src/cli/serve.command.js';
import { type DetectorConfig, loadDetectorConfig } from '../../src/config/detector-config.js';
import { PinoLogger } from '../../src/infra/pino.logger.js';

export interface RunningDetector {
  home: string;
  url: string;
  adminToken: string;
  config: DetectorConfig;
  store: Store;
  bus: Bus;
  app: NestExpressApplication;
  /** Publishes events on the telemetry topic as a collector would. */
  publish(events: readonly TelemetryEvent[]): Promise<void>;
  /** Calls the API with a token (admin by default). */
  api<T = unknown>(method: string, route: string, options?: { token?: string | null; body?: unknown; raw?: string; contentType?: string }): Promise<{ status: number; body: T }>;
  /** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
  waitFor<T>(check: () => Promise<T | undefined | false | null>, what: string, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

/** Starts the real detector (API + worker) in this process on a fresh PALISADE_HOME with the sqlite bus and store. */
export async function startDetector(env: Record<string, string> = {}, options: { worker?: boolean; home?: string; logFile?: string } = {}): Promise<RunningDetector> {
  const home = options.home ?? mkdtempSync(path.join(tmpdir(), 'palisade-detector-'));
  const fullEnv = { PALISADE_HOME: home, PALISADE_LOG_LEVEL: 'warn', PALISADE_RULES_DIR: path.resolve(import.meta.dirname, '../../../../rules'), ...env };
  const config = loadDetectorConfig(fullEnv);
  config.api.port = 0;
  const store = await createStore(storeConfigFromEnv(fullEnv));
  const bus = createBus(busConfigFromEnv(fullEnv));
  const app = await createDetectorApp({ config, store, bus, api: true, worker: options.worker ?? true, logger: options.logFile ? new PinoLogger('trace', options.logFile) : (['error', 'warn'] as never) });
  const adminToken = app.get(TokenService).ensureAdminToken().token;
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const producer = bus.producer();

  const running: RunningDetector = {
    home,
    url,
    adminToken,
    config,
    store,
    bus,
    app,
    async publish(events) {
      const result = await producer.publish(
        TELEMETRY_TOPIC,
        events.map((e) => ({ key: `${e['palisade.server.name']}/${e['mcp.session.id']}`, value: JSON.stringify(e) })),
      );
      if (result.kind !== 'success') throw new Error(`publish failed: ${result.error}`);
    },
    async api(method, route, opts = {}) {
      const token = opts.token === undefined ? adminToken : opts.token;
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (opts.raw !== undefined) {
        body = opts.raw;
        headers['content-type'] = opts.contentType ?? 'application/x-ndjson';
      } else if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] = 'application/json';
      }
      const response = await fetch(`${url}${route}`, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON (files)
      }
      return { status: response.status, body: parsed as never };
    },
    async waitFor(check, what, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await check();
        if (value !== undefined && value !== false && value !== null) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      await producer.close();
      await app.close();
      await bus.close();
      await store.close();
      if (!options.home) rmSync(home, { recursive: true, force: true });
    },
  };
  return running;
}

