import { Body, Controller, Get, Param, Patch } from '@nestjs/common';
import type { Page, RuleSummary } from '@palisade/schema';
import { z } from 'zod';
import { RequirePermission } from '../auth/permission.decorator.js';
import type { Principal } from '../auth/principal.js';
import { ClientAddress, CurrentPrincipal } from '../common/request-context.js';
import { zod } from '../common/zod-validation.pipe.js';
import { actorOf } from '../services/audit.service.js';
import { RuleService } from '../services/rule.service.js';

const RulePatch = z.strictObject({ enabled: z.boolean() });

@Controller('api/rules')
export class RulesController {
  constructor(private readonly rules: RuleService) {}

  @Get()
  @RequirePermission('read')
  async list(): Promise<Page<RuleSummary>> {
    const items = await this.rules.list();
    return { items, total: items.length };
  }

  @Patch(':id')
  @RequirePermission('triage')
  update(@Param('id') id: string, @Body(zod(RulePatch)) body: z.infer<typeof RulePatch>, @CurrentPrincipal() principal: Principal, @ClientAddress() source?: string): Promise<RuleSummary> {
    return this.rules.setEnabled(id, body.enabled, actorOf(principal), source);
  }
}
