import { type NextRequest, NextResponse } from 'next/server';
import { DetectorApiError, callDetector } from '@/lib/detector-api';
import { isSameOrigin, safeReturnPath, seeOther } from '@/lib/same-origin';
import { sessionCookie } from '@/lib/session';

interface Me {
  id: string;
  name: string;
  role: 'admin' | 'analyst' | 'auditor' | 'collector';
  permissions: string[];
}

function back(error: string): Response {
  return seeOther(`/login?error=${error}`);
}

/**
 * Sign-in: the token is checked against the detector (`GET /api/me`) and kept, sealed, in an httpOnly,
 * SameSite=Strict cookie (Secure over https). It never reaches client JavaScript or a URL.
 */
export async function POST(request: NextRequest): Promise<Response> {
  if (!isSameOrigin(request.headers, request.url)) return back('origin');
  const form = await request.formData().catch(() => null);
  const token = String(form?.get('token') ?? '').trim();
  if (!token || token.length > 4096) return back('missing');
  let me: Me;
  try {
    const response = await callDetector(token, '/api/me');
    if (response.status === 401 || response.status === 403) return back('invalid');
    if (!response.ok) return back('unreachable');
    me = (await response.json()) as Me;
  } catch (error) {
    if (error instanceof DetectorApiError) return back('unreachable');
    throw error;
  }
  if (me.role === 'collector' || !me.permissions.includes('read')) return back('collector');
  const secure = request.nextUrl.protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https';
  const cookie = sessionCookie({ token, id: me.id, name: me.name, role: me.role, permissions: me.permissions }, secure);
  const response = new NextResponse(null, { status: 303, headers: { location: safeReturnPath(form?.get('next')), 'cache-control': 'no-store' } });
  response.cookies.set(cookie.name, cookie.value, cookie.options);
  return response;
}
