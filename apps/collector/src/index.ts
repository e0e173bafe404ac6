// @palisade/collector: the CLI is the product (`palisade-collector`); these exports serve the end-to-end
// tests and tools that read what a collector left behind.
export { runCollectorCli } from './cli/collector.cli.js';
export { DiskSpool, type SpoolRecord } from './pipeline/disk.spool.js';
export { SpoolDirectory } from './pipeline/spool.directory.js';
export { installKeyFile, loadInstallKey } from '@palisade/schema/telemetry';
export { QUARANTINE_ERROR_CODE } from './quarantine/quarantine.policy.js';
