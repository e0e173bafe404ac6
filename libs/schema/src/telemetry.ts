// `@palisade/schema/telemetry`: what a telemetry producer or the bus needs (the event, control messages,
// topics, ids, settings errors) without the alert, incident, audit, query and export schemas. The
// collector's worker holds only these in memory (about 1 MB of heap less than the whole package).
export * from './common.schema.js';
export * from './config.error.js';
export * from './canonical-json.js';
export * from './telemetry-event.schema.js';
export * from './control.schema.js';
export * from './ids.js';
export * from './data-home.js';
export * from './install-key.js';
export * from './sqlite-busy.js';
export * from './process-liveness.js';
