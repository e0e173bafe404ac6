'use client';

/** What a page shows when the detector API fails (unreachable, or an unexpected answer). */
export default function ConsoleError({ error, reset }: { error: Error & { digest?: string }; reset(): void }) {
  return (
    <div className="card" style={{ maxWidth: 640 }}>
      <div className="card-head">
        <h2>This page could not be loaded</h2>
      </div>
      <div className="card-body stack">
        <p style={{ margin: 0 }}>{error.message || 'The detector API did not answer as expected.'}</p>
        {error.digest ? <p className="hint">Reference: {error.digest}</p> : null}
        <div>
          <button type="button" className="btn primary" onClick={reset}>
            Try again
          </button>
        </div>
      </div>
    </div>
  );
}
