import { type NextRequest, NextResponse } from 'next/server';
import { SESSION_COOKIE } from './lib/session-cookie';
import { PAGE_HEADER, signInPath } from './lib/same-origin';

/**
 * Signed out on a console page: to the login page with the page asked for, so that sign-in brings the
 * analyst back to it (a link to an incident in an alert e-mail, say). Pages still check the session
 * itself: an expired or revoked one goes to /login?error=expired with the page too, which they learn
 * from the PAGE_HEADER set here (a page cannot read its own URL; one sent by the browser is replaced).
 */
export function proxy(request: NextRequest): NextResponse {
  const page = `${request.nextUrl.pathname}${request.nextUrl.search}`;
  if (request.cookies.has(SESSION_COOKIE)) {
    const headers = new Headers(request.headers);
    headers.set(PAGE_HEADER, page);
    return NextResponse.next({ request: { headers } });
  }
  // The host the browser used (Host header): behind `next start -H 127.0.0.1` the request URL names
  // `localhost`, and a redirect to another host name would lose the session cookie.
  const origin = `${request.nextUrl.protocol}//${request.headers.get('host') ?? request.nextUrl.host}`;
  const response = NextResponse.redirect(new URL(signInPath(undefined, page), origin), 307);
  response.headers.set('cache-control', 'no-store');
  return response;
}

export const config = { matcher: ['/', '/incidents/:path*', '/tools/:path*', '/rules', '/exports'] };
