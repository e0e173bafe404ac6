import { z } from 'zod';

/**
 * The dashboard's environment (contract section 2), parsed once with every bad variable named. The
 * session secret is optional: without it one is generated into PALISADE_HOME/secrets on first start.
 */
export const DashboardEnv = z.object({
  PALISADE_API_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).default('http://127.0.0.1:4000'),
  PALISADE_DASHBOARD_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** The data folder shared with the detector (the session key is kept in its secrets/). */
  PALISADE_HOME: z.string().min(1).default('./.palisade'),
  /** Key material for the session cookie (at least 32 characters); generated into PALISADE_HOME when unset. */
  PALISADE_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** How long a sign-in lasts, in hours. */
  PALISADE_SESSION_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  /** How often the queue and the incident page refresh themselves, in seconds (0 turns it off). */
  PALISADE_DASHBOARD_REFRESH_SECONDS: z.coerce.number().int().min(0).max(3600).default(5),
});
export type DashboardEnv = z.infer<typeof DashboardEnv>;

export class DashboardConfigError extends Error {}

/** One line naming every bad variable, as the other Palisade programs report it. */
export function parseDashboardEnv(source: Record<string, string | undefined>): DashboardEnv {
  const blankless = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = DashboardEnv.safeParse(blankless);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
  throw new DashboardConfigError(`palisade-dashboard: bad configuration: ${problems.join('; ')}`);
}

let cached: DashboardEnv | undefined;

/** The parsed environment, cached; `resetEnv` is for tests. */
export function env(): DashboardEnv {
  cached ??= parseDashboardEnv(process.env);
  return cached;
}

export function resetEnv(): void {
  cached = undefined;
}
