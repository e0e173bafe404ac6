import { createPublicKey } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Body, Controller, Get, Headers, Param, Post, Query, Res } from '@nestjs/common';
import { ExportFormat, ExportQuery, type ExportRecord, type Page, QueryInstant } from '@palisade/schema';
import { z } from 'zod';
import { RequirePermission } from '../auth/permission.decorator.js';
import type { Principal } from '../auth/principal.js';
import { ClientAddress, CurrentPrincipal } from '../common/request-context.js';
import { zod } from '../common/zod-validation.pipe.js';
import { keyFingerprint } from '../exports/bundle-format.js';
import { ExportService, type StoredExport } from '../exports/export.service.js';
import { actorOf } from '../services/audit.service.js';

export const ExportRequest = z.strictObject({
  from: QueryInstant,
  to: QueryInstant,
  format: ExportFormat.default('ndjson'),
  /** Answer at once (202) with the export `running`, instead of when its bundle is signed. */
  async: z.boolean().default(false),
});

type PublicRecord = ExportRecord;

function visible({ path: _path, runner: _runner, ...record }: StoredExport): PublicRecord {
  return record;
}

/** RFC 7240: `Prefer: respond-async` (among other preferences) asks for the asynchronous form. */
function prefersAsync(prefer: string | undefined): boolean {
  return (prefer ?? '').split(',').some((token) => token.split(';')[0]!.trim().toLowerCase() === 'respond-async');
}

/** The part of the Express response the asynchronous form sets. */
interface AcceptedResponse {
  status(code: number): unknown;
  setHeader(name: string, value: string): void;
}

/** The HTTP response a download is streamed into. */
interface FileResponse extends NodeJS.WritableStream {
  setHeader(name: string, value: string): void;
}

@Controller('api/exports')
@RequirePermission('export')
export class ExportsController {
  constructor(private readonly exports: ExportService) {}

  /**
   * Without `async` (and without `Prefer: respond-async`): writes the bundle and answers 201 with its
   * finished record. With either: answers 202 at once with the record `running`; `GET /api/exports/:id`
   * follows it to `done` or `failed`. 429 while PALISADE_EXPORT_CONCURRENCY exports are being written.
   */
  @Post()
  async create(
    @Body(zod(ExportRequest)) body: z.infer<typeof ExportRequest>,
    @CurrentPrincipal() principal: Principal,
    @Headers('prefer') prefer: string | undefined,
    @Res({ passthrough: true }) res: AcceptedResponse,
    @ClientAddress() source?: string,
  ): Promise<PublicRecord> {
    const { async: asked, ...request } = body;
    const started = await this.exports.start(request, actorOf(principal), source);
    if (!asked && !prefersAsync(prefer)) return visible(await started.finished);
    // The service records the failure (state, reason, audit); nobody waits on this promise.
    started.finished.catch(() => undefined);
    res.status(202);
    res.setHeader('location', `/api/exports/${started.record.id}`);
    res.setHeader('preference-applied', 'respond-async');
    return visible(started.record);
  }

  /** Newest first by when each export started: `state`, `from`/`to` on that start, `limit`, `cursor`. */
  @Get()
  async list(@Query(zod(ExportQuery)) query: ExportQuery): Promise<Page<PublicRecord>> {
    const page = await this.exports.list(query);
    return { ...page, items: page.items.map(visible) };
  }

  /** The install's export public key and its fingerprint: what an auditor pins to verify bundles with `--key`. */
  @Get('key')
  key(): { algorithm: 'Ed25519'; publicKey: string; fingerprint: string } {
    const { publicKey } = this.exports.signingKeys();
    const pem = createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }).toString();
    return { algorithm: 'Ed25519', publicKey: pem, fingerprint: keyFingerprint(publicKey) };
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<PublicRecord> {
    return visible(await this.exports.get(id));
  }

  @Get(':id/files/:name')
  async file(@Param('id') id: string, @Param('name') name: string, @Res() res: FileResponse): Promise<void> {
    const { content, bytes, contentType } = await this.exports.file(id, name);
    res.setHeader('content-type', contentType);
    res.setHeader('content-length', String(bytes));
    res.setHeader('content-disposition', `attachment; filename="${id}-${name}"`);
    await pipeline(content, res);
  }

  @Get(':id/archive')
  async archive(@Param('id') id: string, @Res() res: FileResponse): Promise<void> {
    const content = await this.exports.archive(id);
    res.setHeader('content-type', 'application/gzip');
    res.setHeader('content-disposition', `attachment; filename="${id}.tar.gz"`);
    await pipeline(content, res);
  }
}
