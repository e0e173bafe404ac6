import type { LoggerService } from '@nestjs/common';
import type { Server } from 'node:http';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Bus } from '@palisade/bus';
import { ConfigError } from '@palisade/schema';
import type { Store } from '@palisade/store';
import { AuthenticationMiddleware, type AuthenticatedResponse } from '../auth/authentication.middleware.js';
import { TokenService } from '../auth/token.service.js';
import type { ApiRequest } from '../common/http.types.js';
import type { Clock } from '../common/clock.js';
import type { DetectorConfig } from '../config/detector-config.js';
import { DetectorModule } from '../detector.module.js';
import { PinoLogger } from '../infra/pino.logger.js';
import { openInfrastructure } from './bootstrap.js';

export interface DetectorAppOptions {
  config: DetectorConfig;
  store: Store;
  bus: Bus;
  api: boolean;
  worker: boolean;
  logger: LoggerService | false;
  clock?: Clock;
}

/** Builds the Nest application (API and/or worker) on an open store and bus; `listen` is the caller's. */
export async function createDetectorApp(options: DetectorAppOptions): Promise<NestExpressApplication> {
  const module = DetectorModule.forRoot({ config: options.config, store: options.store, bus: options.bus, api: options.api, worker: options.worker, ...(options.clock ? { clock: options.clock } : {}) });
  const app = await NestFactory.create<NestExpressApplication>(module, { logger: options.logger, bodyParser: false, abortOnError: false });
  // Authentication comes first, ahead of the body parsers: no anonymous body is buffered or parsed (up to
  // 50 MB each), and every path, real or not, answers 401 to an anonymous caller whatever it sends.
  const authentication = new AuthenticationMiddleware(app.get(TokenService));
  app.use((req: ApiRequest, res: AuthenticatedResponse, next: (error?: unknown) => void) => void authentication.use(req, res, next));
  app.useBodyParser('json', { limit: '5mb' });
  app.useBodyParser('text', { type: ['application/x-ndjson', 'application/jsonl', 'text/plain'], limit: '50mb' });
  app.disable('x-powered-by');
  app.set('trust proxy', options.config.api.trustProxy);
  return app;
}

/** A failure to listen, as the setting at fault: one line naming the variable (contract section 2). */
function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EADDRINUSE':
      return ConfigError.of('PALISADE_API_PORT', `PALISADE_API_PORT=${port}: the port is already in use on ${host} (another detector running?)`);
    case 'EACCES':
      return ConfigError.of('PALISADE_API_PORT', `PALISADE_API_PORT=${port}: not allowed to listen on it (${code})`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EADDRNOTAVAIL':
      return ConfigError.of('PALISADE_API_HOST', `PALISADE_API_HOST=${host}: not an address of this machine (${code})`);
    default:
      return error;
  }
}

/**
 * Listens on the app's HTTP server as `app.listen` would, without its error log: a port in use is the
 * one line of `listenError`, not that line plus a JSON log of the same error in either order.
 */
function listenQuietly(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The signals that stop `serve`. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Runs `stop` once on the first SIGINT or SIGTERM (a second one while it runs changes nothing), then ends
 * the process by that signal, as Nest's own shutdown hooks do.
 */
function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    void stop().finally(() => {
      for (const each of STOP_SIGNALS) process.off(each, onSignal);
      process.kill(process.pid, signal);
    });
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
}

/** `serve`: the API and/or the worker over the configured store and bus, until SIGINT/SIGTERM. */
export async function runServe(mode: { api: boolean; worker: boolean }): Promise<void> {
  const { config, store, bus } = await openInfrastructure();
  const logger = new PinoLogger(config.logLevel);
  const app = await createDetectorApp({ config, store, bus, ...mode, logger });

  let infrastructureClosed: Promise<void> | undefined;
  const closeInfrastructure = (): Promise<void> =>
    (infrastructureClosed ??= (async () => {
      await bus.close().catch(() => undefined);
      await store.close().catch(() => undefined);
      logger.flushSync();
    })());
  // The store and the bus close only once the app has: its shutdown hooks still use them (the pipeline's
  // last batch and its writer, the last ingest audit summary, the outbox's round in progress).
  const closeApp = async (): Promise<void> => {
    await app.close().catch((error: unknown) => logger.error(`shutdown did not finish: ${(error as Error).message}`));
    await closeInfrastructure();
  };
  stopOnSignals(closeApp);

  const admin = app.get(TokenService).ensureAdminToken();
  if (admin.generated) {
    process.stderr.write(`palisade-detector: generated an admin token (shown once; kept in ${admin.file}):\n  ${admin.token}\n`);
  }
  if (mode.api) {
    try {
      await app.init();
      await listenQuietly(app.getHttpServer() as Server, config.api.port, config.api.host);
    } catch (error) {
      // The start-up logs first (flushed by the close): the line naming the setting must be the last thing the operator sees.
      await closeApp();
      throw listenError(error, config.api.host, config.api.port);
    }
    process.stderr.write(`palisade-detector: API on http://${config.api.host}:${config.api.port}/api (store ${store.kind}, bus ${bus.kind}${mode.worker ? ', worker running' : ''})\n`);
  } else {
    await app.init();
    process.once('beforeExit', () => void closeInfrastructure());
    process.stderr.write(`palisade-detector: worker running (store ${store.kind}, bus ${bus.kind})\n`);
  }
}
