import type { ReactNode } from 'react';
import { type DiffCell, parseUnifiedDiff } from '@/lib/side-by-side-diff';
import { SafeText } from '../common/rich-text';

function CellText({ cell }: { cell: DiffCell }) {
  if (!cell.changed || cell.changed.end <= cell.changed.start) return <SafeText text={cell.text} />;
  const { start, end } = cell.changed;
  return (
    <>
      <SafeText text={cell.text.slice(0, start)} />
      <mark>
        <SafeText text={cell.text.slice(start, end)} />
      </mark>
      <SafeText text={cell.text.slice(end)} />
    </>
  );
}

function Cells({ cell, side }: { cell: DiffCell | null; side: 'left' | 'right' }): ReactNode {
  const mid = side === 'right' ? ' mid' : '';
  if (!cell) {
    return (
      <>
        <td className={`no empty${mid}`} />
        <td className="empty" />
      </>
    );
  }
  return (
    <>
      <td className={`no${mid}`}>{cell.line}</td>
      <td className={cell.kind === 'context' ? '' : cell.kind}>
        <CellText cell={cell} />
      </td>
    </>
  );
}

/** A unified diff shown side by side: the older definition on the left, the newer on the right. */
export function DiffView({ diff, oldTitle, newTitle }: { diff: string; oldTitle?: string; newTitle?: string }) {
  const parsed = parseUnifiedDiff(diff);
  return (
    <div data-testid="side-by-side-diff">
      <div className="diff-head">
        <div>
          <span className="del">−{parsed.removed}</span> {oldTitle ?? parsed.oldLabel}
        </div>
        <div>
          <span className="add">+{parsed.added}</span> {newTitle ?? parsed.newLabel}
        </div>
      </div>
      <table className="diff">
        <colgroup>
          <col className="no" />
          <col />
          <col className="no" />
          <col />
        </colgroup>
        <tbody>
          {parsed.rows.map((row, i) =>
            row.kind === 'hunk' ? (
              <tr key={i} className="hunk">
                <td colSpan={4}>{row.header}</td>
              </tr>
            ) : (
              <tr key={i}>
                <Cells cell={row.left} side="left" />
                <Cells cell={row.right} side="right" />
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}
