import type { CSSProperties, ReactNode } from 'react';

/** A card with a heading (and optional description and aside): the page sections of the dashboard. */
export function Panel({ id, title, description, aside, children, body = false, style, testId }: { id: string; title: ReactNode; description?: ReactNode; aside?: ReactNode; children: ReactNode; body?: boolean; style?: CSSProperties; testId?: string }) {
  return (
    <section className="card" aria-labelledby={id} style={style} data-testid={testId}>
      <div className="card-head">
        <div>
          <h2 id={id}>{title}</h2>
          {description ? <p>{description}</p> : null}
        </div>
        {aside}
      </div>
      {body ? <div className="card-body">{children}</div> : children}
    </section>
  );
}

/** A figure tile (label above a large value). */
export function Stat({ label, value, small, tone }: { label: string; value: ReactNode; small?: ReactNode; tone?: string }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value" style={tone ? { color: tone } : undefined}>
        {value}
        {small ? <small>{small}</small> : null}
      </div>
    </div>
  );
}
