import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { RequirePermission } from '../auth/permission.decorator.js';
import type { Principal } from '../auth/principal.js';
import { PalisadeErrorCode, PalisadeException } from '../common/palisade.exception.js';
import { ClientAddress, CurrentPrincipal } from '../common/request-context.js';
import { actorOf } from '../services/audit.service.js';
import { type IngestResult, IngestService } from '../services/ingest.service.js';

interface RawBodyRequest {
  body: unknown;
}

/** The content types the API's text parser reads (serve.command.ts). */
const NDJSON_TYPE = /^\s*(application\/x-ndjson|application\/jsonl|text\/plain)\s*(;|$)/i;

/** NDJSON telemetry from collectors started with `--bus http`, and replays. */
@Controller('api/ingest')
export class IngestController {
  constructor(private readonly ingest: IngestService) {}

  @Post()
  @HttpCode(202)
  @RequirePermission('ingest')
  async post(@Req() req: RawBodyRequest, @Headers('content-type') contentType: string | undefined, @CurrentPrincipal() principal: Principal, @ClientAddress() source?: string): Promise<IngestResult> {
    let body = req.body;
    if (typeof body !== 'string') {
      // The text parser leaves an empty body unparsed: with an NDJSON content type it is zero events.
      if (!NDJSON_TYPE.test(contentType ?? '')) throw new PalisadeException(PalisadeErrorCode.BadRequest, `send NDJSON with content-type application/x-ndjson (got ${contentType ?? 'none'})`);
      body = '';
    }
    return this.ingest.ingestNdjson(body as string, actorOf(principal), source);
  }
}
