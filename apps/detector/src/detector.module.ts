import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import type { Bus } from '@palisade/bus';
import type { Store } from '@palisade/store';
import { PermissionGuard } from './auth/permission.guard.js';
import { TokenService } from './auth/token.service.js';
import { Clock, SystemClock } from './common/clock.js';
import { PalisadeExceptionFilter } from './common/palisade-exception.filter.js';
import type { DetectorConfig } from './config/detector-config.js';
import { TelemetryConsumer } from './consumers/telemetry.consumer.js';
import { AlertsController } from './controllers/alerts.controller.js';
import { AuditController } from './controllers/audit.controller.js';
import { EventsController } from './controllers/events.controller.js';
import { ExportsController } from './controllers/exports.controller.js';
import { HealthController } from './controllers/health.controller.js';
import { IncidentsController } from './controllers/incidents.controller.js';
import { IngestController } from './controllers/ingest.controller.js';
import { OpenApiController } from './controllers/openapi.controller.js';
import { RulesController } from './controllers/rules.controller.js';
import { TokensController } from './controllers/tokens.controller.js';
import { ToolsController } from './controllers/tools.controller.js';
import { ExportService } from './exports/export.service.js';
import { BUS, DETECTOR_CONFIG, STORE } from './infra/injection-tokens.js';
import { SecretFiles } from './infra/secret-files.js';
import { MailSender } from './outbox/mail.sender.js';
import { OutboxDispatcher } from './outbox/outbox.dispatcher.js';
import { WebhookSender } from './outbox/webhook.sender.js';
import { MaintenanceScheduler } from './schedulers/maintenance.scheduler.js';
import { AuditService } from './services/audit.service.js';
import { BaselineService } from './services/baseline.service.js';
import { TuningPreviewService } from './services/tuning-preview.service.js';
import { ContainmentService } from './services/containment.service.js';
import { EngineService } from './services/engine.service.js';
import { EngineSettings } from './services/engine-settings.js';
import { IncidentService } from './services/incident.service.js';
import { IngestService } from './services/ingest.service.js';
import { EdgeRedaction } from './services/edge-redaction.js';
import { MailComposer } from './services/mail.composer.js';
import { PipelineMetrics } from './services/pipeline-metrics.js';
import { RuleService } from './services/rule.service.js';
import { ToolService } from './services/tool.service.js';

export interface DetectorModuleOptions {
  config: DetectorConfig;
  store: Store;
  bus: Bus;
  /** Serve the REST API. */
  api: boolean;
  /** Run the pipeline worker, the outbox dispatcher and the schedules. */
  worker: boolean;
  clock?: Clock;
}

/**
 * One set of providers for both entry points: the API and the worker run in one process (embedded
 * default) or in two (distributed), sharing the same services over the same ports.
 */
/** Every controller of the REST API (the OpenAPI document is checked against their routes). */
export const API_CONTROLLERS = [HealthController, IngestController, EventsController, AlertsController, IncidentsController, ToolsController, RulesController, ExportsController, TokensController, AuditController, OpenApiController] as const;

@Module({})
export class DetectorModule {
  static forRoot(options: DetectorModuleOptions): DynamicModule {
    const shared: Provider[] = [
      { provide: DETECTOR_CONFIG, useValue: options.config },
      { provide: STORE, useValue: options.store },
      { provide: BUS, useValue: options.bus },
      { provide: Clock, useValue: options.clock ?? new SystemClock() },
      SecretFiles,
      TokenService,
      AuditService,
      EngineSettings,
      EngineService,
      IncidentService,
      BaselineService,
      TuningPreviewService,
      ContainmentService,
      ToolService,
      RuleService,
      ExportService,
      IngestService,
      EdgeRedaction,
      PipelineMetrics,
      MailComposer,
      WebhookSender,
      MailSender,
      OutboxDispatcher,
    ];
    const api: Provider[] = options.api
      ? [
          { provide: APP_GUARD, useClass: PermissionGuard },
          { provide: APP_FILTER, useClass: PalisadeExceptionFilter },
        ]
      : [];
    const worker: Provider[] = options.worker ? [TelemetryConsumer, MaintenanceScheduler] : [];
    return {
      module: DetectorModule,
      imports: options.worker ? [ScheduleModule.forRoot()] : [],
      controllers: options.api
        ? [...API_CONTROLLERS]
        : [],
      providers: [...shared, ...api, ...worker],
      exports: shared,
    };
  }
}
