import { redactSecrets, redactSecretsSync, type RedactResult } from '@palisade/detection/secrets';

/** Replaces secrets in a captured value by their typed fingerprints before anything leaves the process. */
export interface EdgeRedactor {
  redact(value: unknown, where: 'request' | 'response'): RedactResult | Promise<RedactResult>;
}

/**
 * Edge redaction with the detection library: Palisade's own patterns (`fast`, synchronous) or those plus
 * the secretlint preset (`thorough`). Fingerprints are HMACs with the per-install key.
 */
export class SecretRedactor implements EdgeRedactor {
  constructor(
    private readonly key: Buffer,
    private readonly mode: 'fast' | 'thorough',
  ) {}

  redact(value: unknown, where: 'request' | 'response'): RedactResult | Promise<RedactResult> {
    return this.mode === 'thorough' ? redactSecrets(value, { key: this.key, where, thorough: true }) : redactSecretsSync(value, { key: this.key, where });
  }
}
