import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { type Alert, AlertQuery, type Page } from '@palisade/schema';
import type { Store } from '@palisade/store';
import { RequirePermission } from '../auth/permission.decorator.js';
import { PalisadeException } from '../common/palisade.exception.js';
import { zod } from '../common/zod-validation.pipe.js';
import { STORE } from '../infra/injection-tokens.js';

@Controller('api/alerts')
@RequirePermission('read')
export class AlertsController {
  constructor(@Inject(STORE) private readonly store: Store) {}

  @Get()
  list(@Query(zod(AlertQuery)) query: AlertQuery): Promise<Page<Alert>> {
    return this.store.alerts.search(query);
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<Alert> {
    const alert = await this.store.alerts.get(id);
    if (!alert) throw PalisadeException.notFound(`alert ${id}`);
    return alert;
  }
}
