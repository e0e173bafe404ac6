/**
 * CSRF defence for route handlers (server actions get the same check from Next.js): a request whose
 * Origin names another host, or that the browser marks as cross-site, is refused. Requests without
 * either header do not come from a browser page, so they cannot ride on a victim's cookie.
 */
export function isSameOrigin(headers: Headers, requestUrl: string): boolean {
  const site = headers.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return false;
  const origin = headers.get('origin');
  if (!origin) return true;
  if (origin === 'null') return false;
  const host = headers.get('x-forwarded-host') ?? headers.get('host') ?? new URL(requestUrl).host;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

const isControl = (c: string): boolean => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f;

/**
 * A path to return to after sign-in: only a local absolute path, never another site. Whitespace, control
 * characters and backslashes are refused anywhere: browsers strip a tab from `/\t/evil.example`, which
 * then reads as the protocol-relative `//evil.example`.
 */
export function safeReturnPath(value: unknown, fallback = '/incidents'): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || /[\s\\]/.test(value) || [...value].some(isControl)) return fallback;
  if (value.startsWith('/login') || value.startsWith('/auth/')) return fallback;
  return value.slice(0, 2000);
}

/** The request header through which the proxy tells a console page which page was asked for (path and query). */
export const PAGE_HEADER = 'x-palisade-page';

/**
 * The sign-in page, saying why (`expired`: the session ended or its token was revoked) and which page to
 * come back to afterwards; a page that is not a safe return path is left out.
 */
export function signInPath(reason: 'expired' | undefined, page: string | null | undefined): string {
  const next = safeReturnPath(page, '');
  const search = [reason ? `error=${reason}` : '', next ? `next=${encodeURIComponent(next)}` : ''].filter(Boolean).join('&');
  return search ? `/login?${search}` : '/login';
}

/**
 * A 303 "see other" to a local path. The Location stays relative: behind `next start -H 127.0.0.1`
 * the request URL names `localhost`, and a redirect to another host name would lose the session cookie.
 */
export function seeOther(path: string): Response {
  return new Response(null, { status: 303, headers: { location: path, 'cache-control': 'no-store' } });
}
