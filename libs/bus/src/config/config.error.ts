// The settings error every part of Palisade raises lives in the schema library.
export { ConfigError, type ConfigProblem } from '@palisade/schema/telemetry';
