import 'server-only';
import { DetectorApiError } from './detector-api';

export type Attempt<T> = { ok: true; value: T } | { ok: false; error: DetectorApiError };

/** A read whose API failure the page shows in place; anything else (redirects included) propagates. */
export async function attempt<T>(promise: Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    if (error instanceof DetectorApiError) return { ok: false, error };
    throw error;
  }
}
