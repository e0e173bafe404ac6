// The pure detection engine: scanners, baselines, correlation rules. No I/O, no clock of its own.
export * from './secrets/index.js';
