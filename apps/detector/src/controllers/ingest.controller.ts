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

/** NDJSON telemetry from collectors started with `--bus http`, and replays. */
@Controller('api/ingest')
export class IngestController {
  constructor(private readonly ingest: IngestService) {}

  @Post()
  @HttpCode(202)
  @RequirePermission('ingest')
  async post(@Req() req: RawBodyRequest, @Headers('content-type') contentType: string | undefined, @CurrentPrincipal() principal: Principal, @ClientAddress() source?: string): Promise<IngestResult> {
    const body = req.body;
    if (typeof body !== 'string') {
      throw new PalisadeException(PalisadeErrorCode.BadRequest, `send NDJSON with content-type application/x-ndjson (got ${contentType ?? 'none'})`);
    }
    return this.ingest.ingestNdjson(body, actorOf(principal), source);
  }
}
