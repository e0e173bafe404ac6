/** Exponential backoff: `initialMs`, doubling (or `factor`) per attempt, capped at `maxMs`. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  factor?: number;
  /** Fraction of the delay randomised either way (0.2 = ±20 %), so many clients do not retry in step. */
  jitter?: number;
}

/** Delay before retry number `attempt` (1 = first retry). Pure: randomness is passed in. */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const factor = policy.factor ?? 2;
  const exponent = Math.max(0, attempt - 1);
  const base = Math.min(policy.maxMs, policy.initialMs * factor ** exponent);
  const jitter = policy.jitter ?? 0;
  if (jitter <= 0) return Math.round(base);
  const spread = base * jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(Math.min(policy.maxMs, base + spread)));
}
