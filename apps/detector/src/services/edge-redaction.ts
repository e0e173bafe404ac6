import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { redactSecretsSync } from '@palisade/detection/secrets';
import { type CaptureInfo, type TelemetryEvent, loadInstallKey } from '@palisade/schema';
import type { DetectorConfig } from '../config/detector-config.js';
import { DETECTOR_CONFIG } from '../infra/injection-tokens.js';

/** Findings kept per event, as collectors keep them. */
const MAX_FINDINGS = 200;

/**
 * The detector's own redaction edge, for telemetry that no collector captured: events posted to
 * `/api/ingest` by third-party producers, and events a producer wrote straight to the bus (a Kafka
 * producer of its own). Secrets are replaced by typed fingerprints with the install's key, as a collector
 * would have done, so no store, export or dead letter holds one raw, while the engine still sees each
 * secret through its finding.
 */
@Injectable()
export class EdgeRedaction {
  private key: Buffer | null = null;

  constructor(@Inject(DETECTOR_CONFIG) private readonly config: DetectorConfig) {}

  /**
   * Redacts, in place, the parts of an event no collector captured (no `palisade.capture.*`), recording
   * their size and SHA-256 as captured and the findings. Parts a collector captured are already redacted
   * and left as they are. Returns whether anything was redacted (the caller re-serialises only then).
   */
  uncaptured(event: TelemetryEvent): boolean {
    const responseCaptured = event['palisade.capture.response'] !== undefined;
    let changed = false;
    if (event['palisade.capture.request'] === undefined && event['palisade.request.params'] !== undefined) {
      event['palisade.capture.request'] = captureInfo(event['palisade.request.params']);
      event['palisade.request.params'] = this.redact(event, event['palisade.request.params'], 'request');
      changed = true;
    }
    if (!responseCaptured && event['palisade.response.result'] !== undefined) {
      event['palisade.capture.response'] = captureInfo(event['palisade.response.result']);
      event['palisade.response.result'] = this.redact(event, event['palisade.response.result'], 'response');
      changed = true;
    }
    const error = event['palisade.response.error'];
    if (!responseCaptured && error?.data !== undefined) {
      event['palisade.response.error'] = { ...error, data: this.redact(event, error.data, 'response') };
      changed = true;
    }
    return changed;
  }

  /** Text kept aside as a dead letter (a line that is not a valid event), its secrets fingerprinted. */
  text(value: string): string {
    const redacted = redactSecretsSync(value, { key: this.installKey(), where: 'request' }).value;
    return typeof redacted === 'string' ? redacted : '';
  }

  private redact(event: TelemetryEvent, value: unknown, where: 'request' | 'response'): unknown {
    const result = redactSecretsSync(value, { key: this.installKey(), where });
    event['palisade.findings'] = [...event['palisade.findings'], ...result.findings].slice(0, MAX_FINDINGS);
    return result.value;
  }

  private installKey(): Buffer {
    this.key ??= loadInstallKey(this.config.home);
    return this.key;
  }
}

function captureInfo(value: unknown): CaptureInfo {
  const raw = JSON.stringify(value);
  return { bytes: Buffer.byteLength(raw), sha256: createHash('sha256').update(raw).digest('hex'), truncated: false };
}
