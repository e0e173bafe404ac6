import { Body, Controller, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import {
  BaselineTuning,
  type NamedToolQuery,
  type Page,
  PageLimit,
  Sha256Hex,
  ToolVersionQuery,
  TuningException,
  type QuarantineState,
  type ToolDetail,
  type ToolSummary,
  type ToolVersionView,
  type TuningPreview,
} from '@palisade/schema';
import { z } from 'zod';
import { RequirePermission } from '../auth/permission.decorator.js';
import type { Principal } from '../auth/principal.js';
import { NamedTool, ToolRouteQuery } from '../common/named-tool.decorator.js';
import { ClientAddress, CurrentPrincipal } from '../common/request-context.js';
import { zod } from '../common/zod-validation.pipe.js';
import { actorOf } from '../services/audit.service.js';
import { BaselineService } from '../services/baseline.service.js';
import { TuningPreviewService } from '../services/tuning-preview.service.js';
import { ToolService } from '../services/tool.service.js';
import { ContainmentService } from '../services/containment.service.js';

const ContainmentBody = z.strictObject({ reason: z.string().min(1).max(1000).optional(), incidentId: z.string().max(80).nullable().optional() }).default({});
/** `hash`: the definition the analyst read; when the tool was redefined since, approving it would pin one nobody read. */
export const ApproveBody = z.strictObject({ hash: Sha256Hex.optional() }).default({});
/**
 * Strict like the other list queries. `limit` is accepted and the inventory still returned whole (collectors
 * with `--bus http` page through it with `limit=500` and stop without a `nextCursor`).
 */
const ToolsQuery = z.strictObject({ quarantined: z.enum(['true', 'false']).optional(), server: z.string().max(200).optional(), limit: PageLimit.optional() });
/**
 * A PUT of the tuning: `exceptions` omitted keeps the saved ones; a new exception's author is the caller.
 * Strict: a PUT replaces the tuning, so a misspelt field (`allowDomain`) would save the default in its place.
 */
export const TuningBody = BaselineTuning.omit({ server: true, tool: true, updatedAt: true, updatedBy: true, exceptions: true })
  .extend({ exceptions: z.array(TuningException.extend({ author: z.string().max(200).optional() }).strict()).max(1000).optional() })
  .strict();
export const PreviewBody = TuningBody.extend({ days: z.number().int().min(1).max(90).default(7) }).strict();

/**
 * Each route on one tool in two forms: the path form `tools/:server/:tool/…` (the contract's, for every name a
 * path can carry) and the query form `tool/…?server=&tool=`, which reaches every name. A monitored server
 * picks its own tool names: one named `..` or `.` is a dot segment, which browsers, fetch and every WHATWG URL
 * remove from a path (`%2e%2e` too), so the path form cannot name it. `tool` is not `tools`: no name is read
 * from one form as the other.
 */
function onTool(action = ''): string[] {
  return [`tools/:server/:tool${action}`, `tool${action}`];
}

@Controller('api')
export class ToolsController {
  constructor(
    private readonly tools: ToolService,
    private readonly baselines: BaselineService,
    private readonly previews: TuningPreviewService,
    private readonly containment: ContainmentService,
  ) {}

  /** Every tool seen. `?quarantined=true` is what collectors with `--bus http` poll (role collector may read it). */
  @Get('tools')
  @RequirePermission('quarantine_state')
  async list(@Query(zod(ToolsQuery)) query: z.infer<typeof ToolsQuery>, @CurrentPrincipal() principal: Principal): Promise<Page<ToolSummary | { server: string; tool: string; quarantine: QuarantineState }>> {
    if (principal.role === 'collector' || query.quarantined === 'true') {
      const items = (await this.containment.quarantined()).filter((q) => !query.server || q.server === query.server).map((q) => ({ server: q.server, tool: q.tool, quarantine: q.state }));
      return { items, total: items.length };
    }
    const items = (await this.tools.list()).filter((t) => (!query.server || t.server === query.server) && (query.quarantined !== 'false' || !t.quarantine));
    return { items, total: items.length };
  }

  @Get(onTool())
  @RequirePermission('read')
  detail(@NamedTool() { server, tool }: NamedToolQuery): Promise<ToolDetail> {
    return this.tools.detail(server, tool);
  }

  /** A page of the tool's definition history, newest first: `limit` (default 50, at most 500) and `cursor`. */
  @Get(onTool('/versions'))
  @RequirePermission('read')
  versions(@NamedTool(Object.keys(ToolVersionQuery.shape)) { server, tool }: NamedToolQuery, @ToolRouteQuery(ToolVersionQuery) query: ToolVersionQuery): Promise<Page<ToolVersionView>> {
    return this.tools.versions(server, tool, query);
  }

  @Post(onTool('/quarantine'))
  @HttpCode(200)
  @RequirePermission('triage')
  quarantine(@NamedTool() { server, tool }: NamedToolQuery, @Body(zod(ContainmentBody)) body: z.infer<typeof ContainmentBody>, @CurrentPrincipal() principal: Principal, @ClientAddress() source?: string): Promise<QuarantineState> {
    return this.tools.quarantine(server, tool, body, actorOf(principal), source);
  }

  @Post(onTool('/release'))
  @HttpCode(200)
  @RequirePermission('triage')
  release(@NamedTool() { server, tool }: NamedToolQuery, @Body(zod(ContainmentBody)) body: z.infer<typeof ContainmentBody>, @CurrentPrincipal() principal: Principal, @ClientAddress() source?: string): Promise<{ released: boolean }> {
    return this.tools.release(server, tool, body, actorOf(principal), source);
  }

  @Post(onTool('/approve'))
  @HttpCode(200)
  @RequirePermission('triage')
  approve(@NamedTool() { server, tool }: NamedToolQuery, @Body(zod(ApproveBody)) body: z.infer<typeof ApproveBody>, @CurrentPrincipal() principal: Principal, @ClientAddress() source?: string): Promise<{ approved: true; hash: string }> {
    return this.tools.approve(server, tool, body.hash, actorOf(principal), source);
  }

  @Get(onTool('/baseline'))
  @RequirePermission('read')
  async baseline(@NamedTool() { server, tool }: NamedToolQuery) {
    await this.tools.requireSeen(server, tool);
    const [tuning, summary] = await Promise.all([this.baselines.tuning(server, tool), this.tools.baselineSummary(server, tool)]);
    return { ...tuning, summary };
  }

  /** What a tuning change would have done to the last `days` of the alerts about this tool, before saving it. */
  @Post(onTool('/baseline/preview'))
  @HttpCode(200)
  @RequirePermission('triage')
  async preview(@NamedTool() { server, tool }: NamedToolQuery, @Body(zod(PreviewBody)) body: z.infer<typeof PreviewBody>, @CurrentPrincipal() principal: Principal): Promise<TuningPreview> {
    await this.tools.requireSeen(server, tool);
    const { days, ...tuning } = body;
    return this.previews.preview(server, tool, await this.baselines.proposal(server, tool, tuning, actorOf(principal)), days);
  }

  @Put(onTool('/baseline'))
  @RequirePermission('triage')
  async tune(@NamedTool() { server, tool }: NamedToolQuery, @Body(zod(TuningBody)) body: z.infer<typeof TuningBody>, @CurrentPrincipal() principal: Principal, @ClientAddress() source?: string) {
    await this.tools.requireSeen(server, tool);
    const actor = actorOf(principal);
    return this.baselines.save(await this.baselines.proposal(server, tool, body, actor), actor, source);
  }
}
