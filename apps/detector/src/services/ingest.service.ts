import { Inject, Injectable } from '@nestjs/common';
import type { Bus, BusProducer, OutgoingMessage } from '@palisade/bus';
import { parseTelemetryEventJson } from '@palisade/schema';
import { PalisadeErrorCode, PalisadeException } from '../common/palisade.exception.js';
import type { DetectorConfig } from '../config/detector-config.js';
import { BUS, DETECTOR_CONFIG } from '../infra/injection-tokens.js';

export interface IngestResult {
  accepted: number;
  rejected: number;
  /** The first rejected lines with their reason (1-based line numbers). */
  errors: { line: number; reason: string }[];
}

/**
 * Validates NDJSON telemetry and publishes it to the bus, so ingested events take the same path as
 * events from collectors (deduplicated by id, analysed in order). Invalid lines are dead-lettered with
 * their reason and reported back; valid lines of the same body are still accepted.
 */
@Injectable()
export class IngestService {
  private producer: BusProducer | null = null;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(DETECTOR_CONFIG) private readonly config: DetectorConfig,
  ) {}

  async ingestNdjson(body: string): Promise<IngestResult> {
    const messages: OutgoingMessage[] = [];
    const errors: IngestResult['errors'] = [];
    let rejected = 0;
    const lines = body.split('\n');
    for (let index = 0; index < lines.length; index += 1) {
      const line = lines[index]!.trim();
      if (!line) continue;
      const parsed = parseTelemetryEventJson(line);
      if (parsed.ok) {
        messages.push({ key: `${parsed.value['palisade.server.name']}/${parsed.value['mcp.session.id']}`, value: JSON.stringify(parsed.value), timestampMs: Date.parse(parsed.value.ts) });
        continue;
      }
      rejected += 1;
      if (errors.length < 20) errors.push({ line: index + 1, reason: parsed.reason });
      await this.bus.deadLetter({ topic: this.config.topic, partition: 0, offset: `ingest:${index + 1}`, group: 'ingest', reason: parsed.reason, value: line.slice(0, 100_000) });
    }
    if (messages.length > 0) {
      this.producer ??= this.bus.producer();
      for (let start = 0; start < messages.length; start += 500) {
        const result = await this.producer.publish(this.config.topic, messages.slice(start, start + 500));
        if (result.kind !== 'success') {
          throw new PalisadeException(PalisadeErrorCode.Unavailable, `the bus did not take the events (${result.error}); ${start} of ${messages.length} were accepted, retry the rest`);
        }
      }
    }
    return { accepted: messages.length, rejected, errors };
  }
}
