import { TriageStatus } from '@palisade/schema';

/** Statuses of an incident still being worked on: new alerts of the same key join it. */
export const ACTIVE_STATUSES: readonly TriageStatus[] = ['open', 'triaging', 'contained'];

/** A count of zero for every status, so a status no incident has yet still shows up. */
export function zeroStatusCounts(): Record<TriageStatus, number> {
  return Object.fromEntries(TriageStatus.options.map((status) => [status, 0])) as Record<TriageStatus, number>;
}
