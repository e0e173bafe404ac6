import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { safeReturnPath } from '@/lib/same-origin';
import { getSession } from '@/lib/session';
import { Brand } from '@/ui/common/brand';

export const metadata: Metadata = { title: 'Sign in' };

const MESSAGES: Record<string, string> = {
  invalid: 'That token was not accepted. Check it and try again.',
  expired: 'Your session ended or your token was revoked. Sign in again.',
  collector: 'Collector tokens cannot sign in to the dashboard.',
  unreachable: 'The detector API cannot be reached. Is it running?',
  origin: 'The sign-in request did not come from this page.',
  missing: 'Paste your API token to sign in.',
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const error = typeof params.error === 'string' ? params.error : undefined;
  const next = safeReturnPath(params.next);
  if (!error && (await getSession())) redirect(next);
  return (
    <main className="signin">
      <section className="card">
        <form action="/auth/login" method="post">
          <div className="brand">
            <Brand size={26} />
          </div>
          <div>
            <h1>Sign in</h1>
            <p className="muted" style={{ margin: '4px 0 0' }}>
              Use your own API token (an admin creates it with <code>POST /api/tokens</code>). It stays on the server, in an encrypted session
              cookie.
            </p>
          </div>
          {error ? (
            <div className="notice error" role="alert">
              {MESSAGES[error] ?? 'Sign-in failed.'}
            </div>
          ) : null}
          <div className="field">
            <label htmlFor="token">API token</label>
            <input id="token" name="token" type="password" autoComplete="off" spellCheck={false} required autoFocus />
          </div>
          <input type="hidden" name="next" value={next} />
          <button type="submit" className="btn primary">
            Sign in
          </button>
        </form>
      </section>
    </main>
  );
}
