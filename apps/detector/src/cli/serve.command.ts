import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { TokenService } from '../auth/token.service.js';
import { DetectorModule } from '../detector.module.js';
import { PinoLogger } from '../infra/pino.logger.js';
import { openInfrastructure } from './bootstrap.js';

/** `serve`: the API and/or the worker over the configured store and bus, until SIGINT/SIGTERM. */
export async function runServe(mode: { api: boolean; worker: boolean }): Promise<void> {
  const { config, store, bus } = await openInfrastructure();
  const logger = new PinoLogger(config.logLevel);
  const module = DetectorModule.forRoot({ config, store, bus, api: mode.api, worker: mode.worker });
  const app = await NestFactory.create<NestExpressApplication>(module, { logger, bodyParser: false, abortOnError: false });
  app.useBodyParser('json', { limit: '5mb' });
  app.useBodyParser('text', { type: ['application/x-ndjson', 'application/jsonl', 'text/plain'], limit: '50mb' });
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.enableShutdownHooks(['SIGINT', 'SIGTERM']);

  const admin = app.get(TokenService).ensureAdminToken();
  if (admin.generated) {
    process.stderr.write(`palisade-detector: generated an admin token (shown once; kept in ${admin.file}):\n  ${admin.token}\n`);
  }
  if (mode.api) {
    await app.listen(config.api.port, config.api.host);
    process.stderr.write(`palisade-detector: API on http://${config.api.host}:${config.api.port}/api (store ${store.kind}, bus ${bus.kind}${mode.worker ? ', worker running' : ''})\n`);
  } else {
    await app.init();
    process.stderr.write(`palisade-detector: worker running (store ${store.kind}, bus ${bus.kind})\n`);
  }
  const closeInfrastructure = async (): Promise<void> => {
    await bus.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    logger.flush();
  };
  process.once('beforeExit', () => void closeInfrastructure());
  app.getHttpServer().once('close', () => void closeInfrastructure());
}
