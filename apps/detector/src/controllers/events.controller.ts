import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { EventQuery, type Page, type TelemetryEvent } from '@palisade/schema';
import type { Store } from '@palisade/store';
import { RequirePermission } from '../auth/permission.decorator.js';
import { PalisadeException } from '../common/palisade.exception.js';
import { zod } from '../common/zod-validation.pipe.js';
import { STORE } from '../infra/injection-tokens.js';

@Controller('api/events')
@RequirePermission('read')
export class EventsController {
  constructor(@Inject(STORE) private readonly store: Store) {}

  @Get()
  list(@Query(zod(EventQuery)) query: EventQuery): Promise<Page<TelemetryEvent>> {
    return this.store.events.search(query);
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<TelemetryEvent> {
    const event = await this.store.events.get(id);
    if (!event) throw PalisadeException.notFound(`event ${id}`);
    return event;
  }
}
