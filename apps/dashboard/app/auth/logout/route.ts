import { type NextRequest, NextResponse } from 'next/server';
import { isSameOrigin } from '@/lib/same-origin';
import { SESSION_COOKIE, getSession, revokeSession } from '@/lib/session';

/**
 * Sign-out (same-origin requests only): the session is revoked on the server, not only its cookie
 * cleared, since the sealed cookie would otherwise open pages until its expiry wherever it was copied.
 */
export async function POST(request: NextRequest): Promise<NextResponse> {
  if (!isSameOrigin(request.headers, request.url)) return new NextResponse('cross-origin request refused', { status: 403 });
  const session = await getSession();
  if (session) revokeSession(session);
  const response = new NextResponse(null, { status: 303, headers: { location: '/login', 'cache-control': 'no-store' } });
  response.cookies.set(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', path: '/', maxAge: 0 });
  return response;
}
