import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { TokenQuery } from '@palisade/schema';
import { z } from 'zod';
import { RequirePermission } from '../auth/permission.decorator.js';
import { type Principal, permissionsOf } from '../auth/principal.js';
import { TokenService } from '../auth/token.service.js';
import { PalisadeException } from '../common/palisade.exception.js';
import { ClientAddress, CurrentPrincipal } from '../common/request-context.js';
import { zod } from '../common/zod-validation.pipe.js';
import { AuditService, actorOf } from '../services/audit.service.js';

export const TokenRequest = z.strictObject({
  name: z.string().min(1).max(200).regex(/^[\w.@ -]+$/, 'letters, digits, space, dot, @, dash and underscore only'),
  role: z.enum(['admin', 'analyst', 'auditor', 'collector']),
});

@Controller('api')
export class TokensController {
  constructor(
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
  ) {}

  /** Who am I: the dashboard shows only what the role may do. */
  @Get('me')
  @RequirePermission('quarantine_state')
  me(@CurrentPrincipal() principal: Principal): { id: string; name: string; role: string; permissions: readonly string[] } {
    return { id: principal.id, name: principal.name, role: principal.role, permissions: permissionsOf(principal.role) };
  }

  /** Creates a token; its secret is in this response only (it is stored hashed, never logged). */
  @Post('tokens')
  @RequirePermission('admin')
  async create(@Body(zod(TokenRequest)) body: z.infer<typeof TokenRequest>, @CurrentPrincipal() principal: Principal, @ClientAddress() source?: string) {
    const created = await this.tokens.create(body.name, body.role, principal.name);
    await this.audit.record(actorOf(principal), 'token.create', `token:${created.record.id}`, { name: body.name, role: body.role }, source);
    return { ...created.record, token: created.token };
  }

  /** Newest first: `from`/`to` on `createdAt`, `limit`, `cursor`. */
  @Get('tokens')
  @RequirePermission('admin')
  list(@Query(zod(TokenQuery)) query: TokenQuery) {
    return this.tokens.list(query);
  }

  @Delete('tokens/:id')
  @RequirePermission('admin')
  async revoke(@Param('id') id: string, @CurrentPrincipal() principal: Principal, @ClientAddress() source?: string): Promise<{ revoked: true }> {
    const revoked = await this.tokens.revoke(id);
    if (!revoked) throw PalisadeException.notFound(`token ${id}`);
    await this.audit.record(actorOf(principal), 'token.revoke', `token:${id}`, revoked, source);
    return { revoked: true };
  }
}
