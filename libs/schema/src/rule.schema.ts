import { z } from 'zod';
import { AlertCategory } from './alert.schema.js';
import { Severity } from './common.schema.js';

/** A correlation rule as the API lists it. */
export const RuleSummary = z.object({
  id: z.string().min(1).max(120),
  version: z.number().int().positive(),
  title: z.string().max(300),
  description: z.string().max(4000),
  category: AlertCategory,
  severity: Severity,
  kind: z.enum(['event_count', 'value_count', 'temporal', 'temporal_ordered']),
  enabled: z.boolean(),
  /** Alerts the rule raised. */
  hits: z.number().int().nonnegative().default(0),
  /** The rule's `suppress` window, seconds: further firings for a group within it after an alert raise none. */
  suppressSeconds: z.number().positive().optional(),
  /** Firings suppressed by that window (each reported by its group's next alert), not counted in hits. */
  suppressed: z.number().int().nonnegative().default(0),
  file: z.string().max(500).optional(),
});
export type RuleSummary = z.infer<typeof RuleSummary>;
