import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError, prepareDataHome } from '@palisade/schema/telemetry';
import { UsageError } from '../cli/usage.error.js';
import type { RelayMessage, TelemetryWorkerData, WorkerMessage } from './telemetry.link.js';

// The telemetry worker: validates the settings, then reads the relay's copies from the ring and runs the
// whole pipeline off the relay thread. It reports the config (or the one bad setting), quarantine changes
// and `stopped` to the relay thread.
const port = parentPort;
if (!port) throw new Error('telemetry.worker must run as a worker thread');
const { settings, ring } = workerData as TelemetryWorkerData;
const post = (message: WorkerMessage) => port.postMessage(message);

// Validation first, with as little loaded as possible: the relay waits for it before starting the server.
const { resolveCollectorConfig } = await import('../config/collector-config.schema.js');
let config: ReturnType<typeof resolveCollectorConfig>;
try {
  config = resolveCollectorConfig(settings.mode, settings.flags, settings.env, settings.command, settings.cwd);
  if (config.bus !== 'http') (await import('../sinks/bus.factory.js')).busConfigFor(config.busEnv, settings.cwd);
  prepareDataHome(config.home, settings.flags['home'] === undefined ? 'PALISADE_HOME' : '--home');
} catch (error) {
  if (!(error instanceof UsageError || (error as Error).name === 'UsageError' || error instanceof ConfigError)) throw error;
  post({ type: 'config-error', message: (error as Error).message });
  port.close();
  process.exit(0);
}

// The relay thread wins any contention for the CPU: telemetry runs at a lower priority (Linux).
const { lowerThreadPriority } = await import('./thread.priority.js');
const lowered = lowerThreadPriority(10);

const { CollectorRuntime } = await import('../collector.runtime.js');
const { TapRingReader } = await import('./tap.ring.js');
const { TapRouter } = await import('./tap.router.js');
let runtime: InstanceType<typeof CollectorRuntime>;
try {
  runtime = new CollectorRuntime(config, { onQuarantineChange: (entries, ready) => post({ type: 'quarantine', entries, ready }) });
} catch (error) {
  // The data folder or the log file cannot be used (not writable, not a folder): a bad setting, named as such.
  const { code, path: where } = error as NodeJS.ErrnoException;
  if (!code) throw error;
  const logFile = config.log.file;
  const message = logFile && where && (where === logFile || logFile.startsWith(`${where}/`)) ? `--log-file "${logFile}": cannot be written (${code})` : `--home / PALISADE_HOME "${config.home}": cannot be used (${code})`;
  post({ type: 'config-error', message });
  port.close();
  process.exit(0);
}
const router = new TapRouter(runtime, { parseLimitBytes: config.capture.parseLimitBytes, headBytes: config.capture.limitBytes });
const reader = new TapRingReader(ring);
runtime.counters.addSource(() => ({ ringDrops: reader.drops }));
const reading = reader.run((record) => router.route(record));
runtime.logger.debug({ lowered }, 'telemetry worker running');

port.on('message', (message: RelayMessage) => {
  if (message.type === 'log') {
    runtime.logger[message.level](message.fields, message.message);
    return;
  }
  if (message.type === 'request-ids') {
    // The relay wrote the exchange's records before asking: take them now, so its body has been seen whole.
    reader.drain((record) => router.route(record));
    post({ type: 'request-ids', query: message.query, answer: router.requestIds(message.channel) });
    return;
  }
  void (async () => {
    reader.stop();
    await reading;
    reader.drain((record) => router.route(record));
    router.closeAll(runtime.clock.now());
    await runtime.shutdown(message.why);
    post({ type: 'stopped' });
    port.close();
    process.exit(0);
  })();
});

post({ type: 'ready', config });
await runtime.start().catch((error: unknown) => runtime.logger.error({ err: error }, 'telemetry could not start fully: relaying goes on'));
// The relay bounds its wait for the quarantine state from here.
post({ type: 'started' });
