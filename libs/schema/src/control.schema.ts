import { z } from 'zod';
import { IsoTimestamp } from './common.schema.js';

/** Topic that carries quarantine decisions to collectors (contract section 2). */
export const CONTROL_TOPIC = 'mcp.control';
/** Default telemetry topic. */
export const TELEMETRY_TOPIC = 'mcp.telemetry';

const ToolDecision = z.object({
  id: z.string().min(1).max(80),
  server: z.string().min(1).max(200),
  tool: z.string().min(1).max(200),
  incidentId: z.string().max(80).nullable(),
  reason: z.string().max(1000),
  ts: IsoTimestamp,
  by: z.string().max(200).optional(),
});

/**
 * A containment decision on `mcp.control`. `quarantine.snapshot` carries the whole current set, so a
 * collector that starts late (or after retention) needs only the latest snapshot and what follows it.
 */
export const ControlMessage = z.discriminatedUnion('type', [
  ToolDecision.extend({ type: z.literal('tool.quarantined') }),
  ToolDecision.extend({ type: z.literal('tool.released') }),
  z.object({
    type: z.literal('quarantine.snapshot'),
    id: z.string().min(1).max(80),
    ts: IsoTimestamp,
    quarantined: z.array(z.object({ server: z.string(), tool: z.string(), incidentId: z.string().nullable(), reason: z.string() })).max(100000),
  }),
]);
export type ControlMessage = z.infer<typeof ControlMessage>;

/** Body of the containment webhook (contract section 6). */
export const WebhookPayload = z.object({
  type: z.enum(['tool.quarantined', 'tool.released']),
  server: z.string(),
  tool: z.string(),
  incidentId: z.string().nullable(),
  reason: z.string(),
  ts: IsoTimestamp,
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;
