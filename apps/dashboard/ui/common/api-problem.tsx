import type { DetectorApiError } from '@/lib/detector-api';

/** An API failure shown where the data would have been. */
export function ApiProblem({ error, what }: { error: DetectorApiError; what: string }) {
  const text = error.status === 403 ? `Your role cannot see ${what}.` : error.status === 404 ? `${what} not found.` : `Could not load ${what}: ${error.message}`;
  return (
    <div className="notice error" role="alert" style={{ margin: 12 }}>
      {text}
    </div>
  );
}
