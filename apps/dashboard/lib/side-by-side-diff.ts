// A unified diff (as the detector returns for tool definitions) laid out side by side: removed lines
// on the left, added lines on the right, paired in order, with the changed part of paired lines marked.

export interface DiffCell {
  line: number;
  text: string;
  kind: 'context' | 'removed' | 'added';
  /** For a changed line paired with its counterpart: the span that differs. */
  changed?: { start: number; end: number };
}

export type DiffRow = { kind: 'hunk'; header: string } | { kind: 'line'; left: DiffCell | null; right: DiffCell | null };

export interface SideBySideDiff {
  oldLabel: string;
  newLabel: string;
  rows: DiffRow[];
  added: number;
  removed: number;
}

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@(.*)$/;

/** The span of `a` that differs from `b` once their common prefix and suffix are set aside. */
function changedSpan(a: string, b: string): { start: number; end: number } {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }
  return { start, end: endA };
}

export function parseUnifiedDiff(diff: string): SideBySideDiff {
  const result: SideBySideDiff = { oldLabel: '', newLabel: '', rows: [], added: 0, removed: 0 };
  let oldLine = 0;
  let newLine = 0;
  let removed: DiffCell[] = [];
  let added: DiffCell[] = [];
  const flush = () => {
    const n = Math.max(removed.length, added.length);
    for (let i = 0; i < n; i += 1) {
      const left = removed[i] ?? null;
      const right = added[i] ?? null;
      if (left && right) {
        left.changed = changedSpan(left.text, right.text);
        right.changed = changedSpan(right.text, left.text);
      }
      result.rows.push({ kind: 'line', left, right });
    }
    removed = [];
    added = [];
  };
  let inHunk = false;
  for (const raw of diff.split('\n')) {
    if (!inHunk && raw.startsWith('--- ')) {
      result.oldLabel = raw.slice(4).split('\t')[0]!.trim();
      continue;
    }
    if (!inHunk && raw.startsWith('+++ ')) {
      result.newLabel = raw.slice(4).split('\t')[0]!.trim();
      continue;
    }
    const hunk = HUNK.exec(raw);
    if (hunk) {
      flush();
      inHunk = true;
      oldLine = Number(hunk[1]);
      newLine = Number(hunk[2]);
      result.rows.push({ kind: 'hunk', header: raw });
      continue;
    }
    if (!inHunk) continue;
    if (raw.startsWith('\\')) continue; // "\ No newline at end of file"
    const mark = raw[0];
    const text = raw.slice(1);
    if (mark === '-') {
      removed.push({ line: oldLine++, text, kind: 'removed' });
      result.removed += 1;
    } else if (mark === '+') {
      added.push({ line: newLine++, text, kind: 'added' });
      result.added += 1;
    } else if (mark === ' ') {
      flush();
      result.rows.push({ kind: 'line', left: { line: oldLine++, text, kind: 'context' }, right: { line: newLine++, text, kind: 'context' } });
    }
  }
  flush();
  return result;
}
