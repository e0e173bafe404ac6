import type { OptionSpec } from './argv.parser.js';

/** Options shared by `stdio` and `http`. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  help: { kind: 'flag', short: 'h' },
  verbose: { kind: 'flag', short: 'v' },
  server: { kind: 'value' },
  bus: { kind: 'value' },
  home: { kind: 'value' },
  topic: { kind: 'value' },
  'api-url': { kind: 'value' },
  'capture-limit': { kind: 'value' },
  'parse-limit': { kind: 'value' },
  'request-timeout': { kind: 'value' },
  'flush-ms': { kind: 'value' },
  'batch-size': { kind: 'value' },
  'queue-events': { kind: 'value' },
  'queue-bytes': { kind: 'value' },
  'spool-max': { kind: 'value' },
  'bus-timeout': { kind: 'value' },
  'quarantine-poll': { kind: 'value' },
  'shutdown-grace': { kind: 'value' },
  'log-file': { kind: 'value' },
  'stats-interval': { kind: 'value' },
};
