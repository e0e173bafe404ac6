/** Placeholders with the final layout's size, so streamed content never shifts the page. */
export function TableSkeleton({ rows = 8, columns = 6, rowHeight = 44 }: { rows?: number; columns?: number; rowHeight?: number }) {
  return (
    <div aria-busy="true" aria-label="Loading">
      {Array.from({ length: rows }, (_, r) => (
        <div key={r} style={{ display: 'grid', gridTemplateColumns: `2fr repeat(${columns - 1}, 1fr)`, gap: 16, alignItems: 'center', height: rowHeight, padding: '0 14px', borderTop: r ? '1px solid var(--border)' : undefined }}>
          {Array.from({ length: columns }, (_, c) => (
            <span key={c} className="skeleton" style={{ height: 12, width: c === 0 ? '80%' : '60%' }} />
          ))}
        </div>
      ))}
    </div>
  );
}

export function BlockSkeleton({ height }: { height: number }) {
  return <span className="skeleton" style={{ height, width: '100%' }} aria-busy="true" aria-label="Loading" />;
}

export function CardSkeleton({ height = 160, title }: { height?: number; title?: string }) {
  return (
    <section className="card" aria-busy="true">
      {title ? (
        <div className="card-head">
          <h2>{title}</h2>
        </div>
      ) : null}
      <div className="card-body">
        <BlockSkeleton height={height} />
      </div>
    </section>
  );
}
