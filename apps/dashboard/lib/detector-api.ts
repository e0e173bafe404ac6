import 'server-only';
import { env } from '../env';
import { redirectToSignIn, requireSession } from './session';

/** An error answer of the detector API (`{error: {code, message}}`) or a failure to reach it. */
export class DetectorApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DetectorApiError';
  }
}

export interface ApiRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Query parameters; undefined and empty values are left out. */
  query?: Record<string, string | number | undefined | null>;
}

export function apiUrl(path: string, query?: ApiRequest['query']): string {
  const url = new URL(path, env().PALISADE_API_URL);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, String(value));
  }
  return url.toString();
}

/** Calls the detector API with a given bearer token; never cached (every read is live). */
export async function callDetector(token: string, path: string, request: ApiRequest = {}): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  try {
    return await fetch(apiUrl(path, request.query), {
      method: request.method ?? 'GET',
      headers,
      cache: 'no-store',
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
    });
  } catch (error) {
    throw new DetectorApiError(503, 'unreachable', `the detector API at ${env().PALISADE_API_URL} is unreachable (${(error as Error).message})`);
  }
}

export async function errorOf(response: Response): Promise<DetectorApiError> {
  let code = `http_${response.status}`;
  let message = `the detector API answered ${response.status}`;
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch {
    // not JSON
  }
  return new DetectorApiError(response.status, code, message);
}

/**
 * The API as the signed-in analyst: their own token, from the sealed session. An expired or revoked
 * token sends them back to sign in.
 */
export async function api<T>(path: string, request: ApiRequest = {}): Promise<T> {
  const session = await requireSession();
  const response = await callDetector(session.token, path, request);
  if (response.status === 401) await redirectToSignIn('expired');
  if (!response.ok) throw await errorOf(response);
  return (await response.json()) as T;
}
