import { z } from 'zod';
import { IsoTimestamp, Sha256Hex } from './common.schema.js';

/** An MCP tool definition as listed by `tools/list`. Unknown keys are kept: they are part of what the model reads. */
export const ToolDefinition = z.looseObject({
  name: z.string().min(1).max(1000),
  title: z.string().max(10000).optional(),
  description: z.string().max(1_000_000).optional(),
  inputSchema: z.unknown().optional(),
  outputSchema: z.unknown().optional(),
  annotations: z.unknown().optional(),
});
export type ToolDefinition = z.infer<typeof ToolDefinition>;

/** One version of a tool's definition in its description history. */
export const ToolVersion = z.object({
  server: z.string().min(1).max(200),
  tool: z.string().min(1).max(200),
  hash: Sha256Hex,
  definition: ToolDefinition,
  firstSeen: IsoTimestamp,
  lastSeen: IsoTimestamp,
  /** The tools/list event in which this version first appeared. */
  eventId: z.string().max(64),
});
export type ToolVersion = z.infer<typeof ToolVersion>;

export const QuarantineState = z.object({
  since: IsoTimestamp,
  by: z.string().max(200),
  reason: z.string().max(1000),
  incidentId: z.string().max(80).nullable(),
});
export type QuarantineState = z.infer<typeof QuarantineState>;

/**
 * A tool as the inventory knows it: the pinned (approved or first-seen) definition and its current one.
 * A tool seen only in calls (a client may call a tool it learnt of elsewhere; a server need not list what it
 * serves) has no definition: both hashes are null and `versions` is 0.
 */
export const ToolPin = z.object({
  server: z.string().min(1).max(200),
  tool: z.string().min(1).max(200),
  /** SHA-256 of the canonical definition first seen, or last approved; null when never listed. */
  pinnedHash: Sha256Hex.nullable(),
  /** SHA-256 of the definition most recently listed; null when never listed. */
  currentHash: Sha256Hex.nullable(),
  firstSeen: IsoTimestamp,
  lastSeen: IsoTimestamp,
  approvedAt: IsoTimestamp.nullable(),
  approvedBy: z.string().max(200).nullable(),
  versions: z.number().int().nonnegative(),
  calls: z.number().int().nonnegative(),
  quarantine: QuarantineState.nullable(),
});
export type ToolPin = z.infer<typeof ToolPin>;
