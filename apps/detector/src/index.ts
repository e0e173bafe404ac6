// The detector as a library, for the end-to-end tests, the demo and the benchmarks.
export { createDetectorApp, type DetectorAppOptions } from './cli/serve.command.js';
export { openInfrastructure } from './cli/bootstrap.js';
export { loadDetectorConfig, ConfigError, type DetectorConfig } from './config/detector-config.js';
export { TokenService, generateToken, hashToken } from './auth/token.service.js';
export { verifyBundle, type VerifyResult } from './exports/bundle.verifier.js';
export { signWebhook, verifyWebhookSignature } from './outbox/webhook-signature.js';
export { PIPELINE_GROUP } from './consumers/telemetry.consumer.js';
export { readRuleFiles } from './services/engine.service.js';
