import { z } from 'zod';
import { ALERT_CATEGORIES } from './vocabulary';

/** A domain for the allow-list (the detector matches it as a suffix). */
const Domain = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(253)
  .regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'is not a domain name');

/** A tool's tuning as the dashboard edits it (the detector validates it again). */
export const TuningFields = z.object({
  sensitivity: z.number().min(0.25, 'at least 0.25').max(4, 'at most 4'),
  warmup: z.number().int('a whole number').min(1, 'at least 1').max(10000, 'at most 10,000'),
  allowRecipients: z.array(z.string().trim().min(1).max(320)).max(1000),
  allowDomains: z.array(Domain).max(1000),
  mutedDetectors: z.array(z.enum(ALERT_CATEGORIES)).max(20),
  /** Indexes of the saved exceptions to keep. */
  keepExceptions: z.array(z.number().int().min(0)).max(1000),
});
export type TuningFields = z.infer<typeof TuningFields>;
