import { errors } from '@elastic/elasticsearch';

/** How requests that Elasticsearch refuses for load (429, 503) or cannot answer are tried again. */
export interface RetryPolicy {
  /** Attempts in all, the first included (default 6). */
  maxAttempts: number;
  /** Delay before the second attempt; doubled each time up to `maxDelayMs` (defaults 200 ms and 10 s). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Waits; injected so tests never sleep. */
  sleep: (ms: number) => Promise<void>;
  /** 0..1, for jitter; injected so tests are deterministic. */
  random: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** The delay before attempt `attempt + 1` (exponential, with "equal jitter": half fixed, half random). */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * policy.random());
}

/** HTTP statuses that mean "later": too many requests, unavailable, gateway trouble. */
export function isRetryableStatus(status: number | undefined): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/** Whether a failed request is worth trying again: overload statuses, connection trouble, timeouts. */
export function isRetryableError(error: unknown): boolean {
  if (error instanceof errors.ResponseError) return isRetryableStatus(error.statusCode);
  return error instanceof errors.ConnectionError || error instanceof errors.TimeoutError || error instanceof errors.NoLivingConnectionsError;
}

/** Whether a request failed with 409: the document exists (`create`) or a newer version does (external versions). */
export function isConflict(error: unknown): boolean {
  const cause = error instanceof Error && !(error instanceof errors.ResponseError) ? error.cause : error;
  return cause instanceof errors.ResponseError && cause.statusCode === 409;
}

/** The `error.type` Elasticsearch gave for a refused request (`resource_already_exists_exception`…). */
export function errorType(error: errors.ResponseError): string | undefined {
  return (error.body as { error?: { type?: string } } | undefined)?.error?.type;
}

/** One line about a failed request, never with credentials (the client's messages carry none). */
export function describeError(error: unknown): string {
  if (error instanceof errors.ResponseError) {
    const reason = (error.body as { error?: { reason?: string } } | undefined)?.error?.reason;
    const cause = errorType(error) ? `${errorType(error)}: ${reason ?? ''}` : error.message;
    return `HTTP ${error.statusCode ?? '?'} ${cause}`.slice(0, 300);
  }
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 300);
}
