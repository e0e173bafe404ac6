import { type NextRequest, NextResponse } from 'next/server';
import { callDetector, errorOf } from '@/lib/detector-api';
import { isSameOrigin, seeOther, signInPath } from '@/lib/same-origin';
import { getSession } from '@/lib/session';

/**
 * Download of a compliance bundle: the .tar.gz is streamed from the detector with the analyst's own
 * token (the browser never holds it). Cross-site requests are refused.
 */
export async function GET(request: NextRequest, context: { params: Promise<{ id: string }> }): Promise<Response> {
  if (!isSameOrigin(request.headers, request.url)) return new NextResponse('cross-origin request refused', { status: 403 });
  const session = await getSession();
  if (!session) return seeOther('/login');
  const { id } = await context.params;
  if (!/^[\w.-]{1,80}$/.test(id)) return new NextResponse('bad export id', { status: 400 });
  const upstream = await callDetector(session.token, `/api/exports/${encodeURIComponent(id)}/archive`).catch((error: Error) => new Response(error.message, { status: 503 }));
  // A download has no page of its own: after signing in again, the exports page it was started from.
  if (upstream.status === 401) return seeOther(signInPath('expired', '/exports'));
  if (!upstream.ok) {
    const error = upstream.status === 503 ? { status: 503, message: await upstream.text() } : await errorOf(upstream);
    return new NextResponse(error.message, { status: error.status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }
  return new Response(upstream.body, {
    headers: {
      'content-type': 'application/gzip',
      'content-disposition': `attachment; filename="palisade-export-${id}.tar.gz"`,
      'cache-control': 'no-store',
      ...(upstream.headers.get('content-length') ? { 'content-length': upstream.headers.get('content-length')! } : {}),
    },
  });
}
