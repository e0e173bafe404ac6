import os from 'node:os';
import { newId, CONTROL_TOPIC } from '@palisade/schema/telemetry';
import type { Bus } from '@palisade/bus';
import type { Logger } from 'pino';
import { COLLECTOR_VERSION } from './collector.version.js';
import type { CollectorConfig } from './config/collector-config.schema.js';
import { loadInstallKey } from '@palisade/schema/telemetry';
import { CollectorCounters } from './health/collector.counters.js';
import { createCollectorLogger } from './health/collector.logger.js';
import { systemClock, type Clock } from './pipeline/clock.js';
import { DeadLetterFile } from './pipeline/dead-letter.file.js';
import { DiskSpool } from './pipeline/disk.spool.js';
import { EventAssembler } from './pipeline/event.assembler.js';
import { EventEncoder } from './pipeline/event.encoder.js';
import { EventPipeline } from './pipeline/event.pipeline.js';
import { EventQueue } from './pipeline/event.queue.js';
import { EventShipper } from './pipeline/event.shipper.js';
import type { CollectorIdentity, SessionContext } from './pipeline/session.context.js';
import { SpoolDirectory } from './pipeline/spool.directory.js';
import { ApiQuarantinePoller } from './quarantine/api-quarantine.poller.js';
import { ControlChannelListener } from './quarantine/control-channel.listener.js';
import { QuarantineRegistry, type QuarantineEntry } from './quarantine/quarantine.registry.js';
import { SecretRedactor, type EdgeRedactor } from './redaction/edge.redactor.js';
import { busConfigFor, openCollectorBus } from './sinks/bus.factory.js';
import { BusSink } from './sinks/bus.sink.js';
import { DetectorReachabilityNotice } from './sinks/detector-reachability.notice.js';
import { HttpIngestSink } from './sinks/http-ingest.sink.js';
import type { TelemetrySink } from './sinks/telemetry.sink.js';
import { TokenRefusalNotice } from './sinks/token-refusal.notice.js';

/** How often claimed spools of dead collectors are looked for. */
const ADOPT_INTERVAL_MS = 60_000;

export interface RuntimeOverrides {
  clock?: Clock;
  logger?: Logger;
  redactor?: EdgeRedactor;
  /** Opens the bus (tests pass an in-memory one). */
  openBus?: () => Bus;
  fetchImpl?: typeof fetch;
  /** Called with the whole quarantine set whenever it changes or is first known (`ready`). */
  onQuarantineChange?: (entries: QuarantineEntry[], ready: boolean) => void;
}

/**
 * The telemetry worker's composition root: the pipeline (assemblers → encoder → queue → shipper → bus or
 * spool), the quarantine source, health counters and logs. The tap router asks it for an assembler per
 * session; quarantine changes are pushed to the relay thread through `onQuarantineChange`.
 */
export class CollectorRuntime {
  readonly counters = new CollectorCounters();
  readonly logger: Logger;
  readonly identity: CollectorIdentity;
  readonly registry: QuarantineRegistry;
  readonly clock: Clock;
  private readonly queue: EventQueue;
  private readonly pipeline: EventPipeline;
  private readonly deadLetters: DeadLetterFile;
  private readonly sweepers = new Set<() => void>();
  private readonly timers: NodeJS.Timeout[] = [];
  private shipper: EventShipper | null = null;
  private bus: Bus | null = null;
  private controlListener: ControlChannelListener | null = null;
  private poller: ApiQuarantinePoller | null = null;
  private spoolDirectory: SpoolDirectory;
  private spoolDir = '';
  private starting: Promise<void> | null = null;
  private stopping = false;
  private stopped = false;

  constructor(
    readonly config: CollectorConfig,
    private readonly overrides: RuntimeOverrides = {},
  ) {
    const collectorId = newId();
    this.identity = { collectorId, collectorVersion: COLLECTOR_VERSION, hostName: os.hostname(), serverName: config.server };
    this.clock = overrides.clock ?? systemClock;
    this.logger = overrides.logger ?? createCollectorLogger({ verbose: config.log.verbose, logFile: config.log.file, collectorId, server: config.server });
    this.registry = new QuarantineRegistry(config.server);
    const notify = overrides.onQuarantineChange;
    if (notify) {
      this.registry.onChange(() => notify(this.registry.list(), this.registry.ready));
      void this.registry.whenReady().then(() => notify(this.registry.list(), true));
    }
    const redactor = overrides.redactor ?? new SecretRedactor(loadInstallKey(config.home), 'fast');
    this.deadLetters = new DeadLetterFile(config.home, collectorId);
    const { shipping } = config;
    this.queue = new EventQueue(shipping.queueMaxEvents, shipping.queueMaxBytes, () => {
      this.counters.queueDrops += 1;
    });
    this.pipeline = new EventPipeline(new EventEncoder(redactor, config.capture.limitBytes), this.queue, this.deadLetters, this.counters, this.logger, shipping.queueMaxEvents);
    this.spoolDirectory = new SpoolDirectory(config.home, collectorId);
  }

  /** A new assembler for one MCP session; its events flow into the pipeline. */
  assembler(session: SessionContext): EventAssembler {
    return new EventAssembler({
      identity: this.identity,
      session,
      requestTimeoutMs: this.config.requestTimeoutMs,
      emit: (event) => {
        this.pipeline.submit(event);
        if (this.queue.size >= this.config.shipping.batchSize) this.shipper?.nudge();
      },
      onUnmatched: () => {
        this.counters.unmatchedResponses += 1;
      },
    });
  }

  /** Registers a periodic timeout sweep (one per session); returns its removal. */
  addSweeper(sweep: () => void): () => void {
    this.sweepers.add(sweep);
    return () => this.sweepers.delete(sweep);
  }

  /** Opens spool and sink and starts the quarantine source; the relay runs already (events wait in the queue). */
  start(): Promise<void> {
    this.starting ??= this.startOnce();
    return this.starting;
  }

  private async startOnce(): Promise<void> {
    const { config } = this;
    const spoolDir = await this.spoolDirectory.createOwn();
    this.spoolDir = spoolDir;
    const spool = await DiskSpool.open(spoolDir, {
      maxBytes: config.shipping.spoolMaxBytes,
      onCorrupt: (detail) => this.logger.error({ detail }, 'damaged spool record skipped'),
    });
    this.shipper = new EventShipper(this.queue, spool, this.deadLetters, this.counters, this.logger, config.shipping);
    const sweepEvery = Math.max(50, Math.min(1000, Math.floor(config.requestTimeoutMs / 4)));
    this.every(sweepEvery, () => {
      for (const sweep of this.sweepers) sweep();
    });
    this.every(config.log.statsIntervalMs, () => this.logger.info({ counters: this.counters.snapshot() }, 'collector health'));
    await this.adoptOrphans();
    this.every(ADOPT_INTERVAL_MS, () => void this.adoptOrphans());
    this.attachSink();
    // Shipping starts with the sink in place (until then events wait in the queue, not in the spool).
    this.shipper.start();
    this.logger.info({ bus: config.bus, home: config.home, spool: spoolDir }, 'collector started');
  }

  /** Flushes everything (bus, or spool when the bus does not answer) and releases the resources. */
  async shutdown(why: string): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    // A server that exits at once, or a loaded machine, can ask for the shutdown while start() still opens
    // the spool and the bus: the flush waits for them, or the events would go to the spool without the bus
    // being tried (there until another collector starts on this home), or be lost with no shipper yet.
    await this.starting?.catch(() => undefined);
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    await this.controlListener?.stop();
    await this.poller?.stop();
    await this.pipeline.idle();
    await this.shipper?.stop();
    await this.bus?.close().catch(() => undefined);
    await this.deadLetters.flushed();
    this.logger.info({ why, counters: this.counters.snapshot() }, 'collector stopped');
    await new Promise<void>((resolve) => this.logger.flush(() => resolve()));
  }

  /** Waits until every event submitted so far is in the queue (tests, shutdown). */
  idle(): Promise<void> {
    return this.pipeline.idle();
  }

  /** Runs one flush now (tests). */
  flush(): Promise<void> {
    return this.shipper?.flush() ?? Promise.resolve();
  }

  private every(ms: number, work: () => void): void {
    const timer = setInterval(() => {
      try {
        work();
      } catch (error) {
        this.counters.internalErrors += 1;
        this.logger.error({ err: error }, 'periodic task failed (contained)');
      }
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  /** Opens the sink; when the bus cannot be opened, events go to the spool and opening is retried. */
  private attachSink(): void {
    if (this.stopped) return;
    try {
      this.shipper?.attachSink(this.openSink());
    } catch (error) {
      this.counters.busErrors += 1;
      this.logger.error({ err: error }, 'cannot open the bus: spooling, trying again in 5 s');
      const retry = setTimeout(() => this.attachSink(), 5000);
      retry.unref();
      this.timers.push(retry);
    }
  }

  private openSink(): TelemetrySink {
    const { config } = this;
    if (config.bus === 'http') {
      const token = config.ingestToken ?? '';
      const refusal = new TokenRefusalNotice(config.apiUrl);
      const shipper = this.shipper;
      const reachability = new DetectorReachabilityNotice(config.apiUrl, this.spoolDir, () => shipper?.hasBacklog ?? false);
      shipper?.onReplayed((events, drained) => reachability.replayed(events, drained));
      this.poller = new ApiQuarantinePoller(this.registry, config.apiUrl, token, config.quarantinePollMs, this.logger, this.overrides.fetchImpl, refusal, reachability);
      this.poller.start();
      return new HttpIngestSink(config.apiUrl, token, config.shipping.busTimeoutMs, this.overrides.fetchImpl, refusal, reachability);
    }
    const bus = this.overrides.openBus ? this.overrides.openBus() : openCollectorBus(busConfigFor(config.busEnv), this.logger);
    this.bus = bus;
    this.controlListener = new ControlChannelListener(this.registry, this.logger);
    this.controlListener.start(bus, this.identity.collectorId);
    void bus
      .lag(`collector-probe-${this.identity.collectorId}`, CONTROL_TOPIC)
      .then((lag) => {
        if (lag.messages === 0) this.registry.markReady();
      })
      .catch(() => undefined);
    return new BusSink(bus.producer(), config.topic, config.shipping.busTimeoutMs, bus.kind);
  }

  private async adoptOrphans(): Promise<void> {
    try {
      for (const dir of await this.spoolDirectory.claimOrphans()) {
        const spool = await DiskSpool.open(dir, { maxBytes: Number.MAX_SAFE_INTEGER });
        if (spool.isEmpty) {
          await spool.removeIfDrained();
          continue;
        }
        this.logger.info({ spool: dir, bytes: spool.unreadBytes }, 'claimed the spool of a collector that is gone: replaying it');
        this.shipper?.adopt(spool);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'could not look for spools left by other collectors');
    }
  }
}
