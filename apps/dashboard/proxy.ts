import { type NextRequest, NextResponse } from 'next/server';
import { SESSION_COOKIE } from './lib/session-cookie';
import { PAGE_HEADER, signInPath } from './lib/same-origin';
import { contentSecurityPolicy, cspNonce } from './lib/content-security-policy';

/**
 * Pages behind sign-in: the console (the sign-in page, route handlers and assets check for themselves).
 * `/tool` is a tool's page with its names in the query, for a tool or server named `.` or `..`.
 */
const CONSOLE_PAGE = /^\/(?:incidents(?:\/.*)?|tools?(?:\/.*)?|rules|exports)?$/;

/**
 * Every response gets a Content-Security-Policy with a nonce of its own (lib/content-security-policy.ts).
 * Next.js reads the nonce from the request's policy and puts it on every script it writes, which is why
 * the policy is set on the request too, replacing any a client sent.
 *
 * Signed out on a console page: to the login page with the page asked for, so that sign-in brings the
 * analyst back to it (a link to an incident in an alert e-mail, say). Pages still check the session
 * itself: an expired or revoked one goes to /login?error=expired with the page too, which they learn
 * from the PAGE_HEADER set here (a page cannot read its own URL; one sent by the browser is replaced).
 */
export function proxy(request: NextRequest): NextResponse {
  const page = `${request.nextUrl.pathname}${request.nextUrl.search}`;
  if (CONSOLE_PAGE.test(request.nextUrl.pathname) && !request.cookies.has(SESSION_COOKIE)) {
    // The host the browser used (Host header): behind `next start -H 127.0.0.1` the request URL names
    // `localhost`, and a redirect to another host name would lose the session cookie.
    const origin = `${request.nextUrl.protocol}//${request.headers.get('host') ?? request.nextUrl.host}`;
    const response = NextResponse.redirect(new URL(signInPath(undefined, page), origin), 307);
    response.headers.set('cache-control', 'no-store');
    return response;
  }
  const policy = contentSecurityPolicy(cspNonce(), { development: process.env.NODE_ENV === 'development' });
  const headers = new Headers(request.headers);
  headers.set(PAGE_HEADER, page);
  headers.set('content-security-policy', policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('content-security-policy', policy);
  return response;
}

// Everything but the build's static files (scripts, stylesheets, fonts: not documents, no policy needed).
export const config = { matcher: ['/((?!_next/static/|_next/image).*)'] };
