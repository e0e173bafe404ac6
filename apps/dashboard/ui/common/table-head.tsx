import type { ReactNode } from 'react';

export type Column = string | { label: ReactNode; numeric?: boolean; hiddenLabel?: string };

/** The header row of a data table; numeric columns align right. */
export function TableHead({ columns }: { columns: Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column, i) => {
          const c = typeof column === 'string' ? { label: column } : column;
          return (
            <th key={i} scope="col" className={c.numeric ? 'num' : undefined} aria-label={c.hiddenLabel}>
              {c.label}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}
