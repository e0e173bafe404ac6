import { type NextRequest, NextResponse } from 'next/server';
import { isSameOrigin } from '@/lib/same-origin';
import { SESSION_COOKIE } from '@/lib/session';

/** Sign-out: the session cookie is cleared (same-origin requests only). */
export async function POST(request: NextRequest): Promise<NextResponse> {
  if (!isSameOrigin(request.headers, request.url)) return new NextResponse('cross-origin request refused', { status: 403 });
  const response = new NextResponse(null, { status: 303, headers: { location: '/login', 'cache-control': 'no-store' } });
  response.cookies.set(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', path: '/', maxAge: 0 });
  return response;
}
