import { Controller, Get, Inject, Query } from '@nestjs/common';
import { type AuditEntry, AuditQuery, type Page } from '@palisade/schema';
import type { Store } from '@palisade/store';
import { RequirePermission } from '../auth/permission.decorator.js';
import { zod } from '../common/zod-validation.pipe.js';
import { STORE } from '../infra/injection-tokens.js';

@Controller('api/audit')
@RequirePermission('read')
export class AuditController {
  constructor(@Inject(STORE) private readonly store: Store) {}

  @Get()
  list(@Query(zod(AuditQuery)) query: AuditQuery): Promise<Page<AuditEntry>> {
    return this.store.audit.list(query);
  }
}
