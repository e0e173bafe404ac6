import { Body, Controller, Get, Param, Patch, Query } from '@nestjs/common';
import { type BaselineTuningInput, type Incident, type IncidentDetail, IncidentQuery, type Page, TriageStatus, type TriageStatus as Status } from '@palisade/schema';
import { z } from 'zod';
import { RequirePermission } from '../auth/permission.decorator.js';
import type { Principal } from '../auth/principal.js';
import { PalisadeException } from '../common/palisade.exception.js';
import { ClientAddress, CurrentPrincipal } from '../common/request-context.js';
import { zod } from '../common/zod-validation.pipe.js';
import { actorOf } from '../services/audit.service.js';
import { IncidentService } from '../services/incident.service.js';
import { BaselineService } from '../services/baseline.service.js';

export const IncidentPatchBody = z
  .object({
    status: TriageStatus.optional(),
    assignee: z.string().min(1).max(200).nullable().optional(),
    note: z.string().min(1).max(10000).optional(),
    disposition: z.string().max(1000).optional(),
    /** When closing as false_positive: add a tuning exception for the tool (with an expiry). */
    tuningException: z.strictObject({ value: z.string().max(500).optional(), expiresInDays: z.number().int().min(1).max(365).default(30) }).optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'give at least one of status, assignee, note, disposition')
  .refine((body) => !body.tuningException || body.status === 'false_positive', { message: 'a tuning exception is added only when closing as false_positive (give status "false_positive" with it)', path: ['tuningException'] });
export type IncidentPatchBody = z.infer<typeof IncidentPatchBody>;

@Controller('api/incidents')
export class IncidentsController {
  constructor(
    private readonly incidents: IncidentService,
    private readonly baselines: BaselineService,
  ) {}

  @Get()
  @RequirePermission('read')
  list(@Query(zod(IncidentQuery)) query: IncidentQuery): Promise<Page<Incident>> {
    return this.incidents.list(query);
  }

  @Get('counts')
  @RequirePermission('read')
  counts(): Promise<Record<Status, number>> {
    return this.incidents.counts();
  }

  @Get(':id')
  @RequirePermission('read')
  get(@Param('id') id: string): Promise<IncidentDetail> {
    return this.incidents.detail(id);
  }

  @Patch(':id')
  @RequirePermission('triage')
  async update(
    @Param('id') id: string,
    @Body(zod(IncidentPatchBody)) body: IncidentPatchBody,
    @CurrentPrincipal() principal: Principal,
    @ClientAddress() source: string | undefined,
  ): Promise<Incident> {
    const actor = actorOf(principal);
    const { tuningException, ...patch } = body;
    let tuning: BaselineTuningInput | null = null;
    if (tuningException) {
      const current = await this.incidents.get(id);
      if (!current.tool) throw PalisadeException.badRequest(`tuningException: incident ${id} is not about one tool, so no tool can be tuned`);
      tuning = await this.baselines.falsePositiveTuning(current, tuningException, actor);
    }
    const incident = await this.incidents.update(id, patch, actor, source);
    if (tuning) await this.baselines.save(tuning, actor, source);
    return incident;
  }
}
