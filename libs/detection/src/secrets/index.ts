export { findSecrets, findSecretsInTexts, secretlintType } from './find-secrets.js';
export { findSecretsSync } from './find-secrets-sync.js';
export { fingerprintSecret, FINGERPRINT_LENGTH } from './fingerprint-secret.js';
export { redactSecrets, redactSecretsSync, withheldPlaceholder, type RedactOptions, type RedactResult } from './redact-secrets.js';
export { redactionPlaceholder, findRedactionPlaceholders, REDACTION_PLACEHOLDER_PATTERN, type RedactionPlaceholder } from './redaction-placeholder.js';
export { isExampleSecret, EXAMPLE_SECRET_SUFFIX, type SecretMatch } from './secret-match.js';
