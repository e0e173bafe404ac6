'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { exportStatus } from '@/lib/actions';
import type { ExportRecord } from '@/lib/data';
import { formatNumber } from '@/lib/format';

/** How often a running export is asked for its progress. */
const POLL_MS = 1_000;

/** "12,000 of about 40,000 records" (the estimate only while it is still ahead). */
function recordsText(record: ExportRecord): string {
  const { records, estimatedRecords } = record.progress;
  return estimatedRecords !== undefined && estimatedRecords >= records ? `${formatNumber(records)} of about ${formatNumber(estimatedRecords)} records` : `${formatNumber(records)} records`;
}

/**
 * An export the auditor just started: its progress while the detector writes it (asked every second),
 * then the finished bundle with its download, or why it failed in plain words.
 */
export function ExportProgress({ started }: { started: ExportRecord }) {
  const router = useRouter();
  const [record, setRecord] = useState(started);
  const [problem, setProblem] = useState<string | null>(null);
  const running = record.state === 'running';
  useEffect(() => {
    if (!running) return;
    let stopped = false;
    const timer = setTimeout(async () => {
      const result = await exportStatus(record.id).catch(() => null);
      if (stopped) return;
      if (!result?.ok || !result.data) {
        setProblem(result && !result.ok ? result.error : 'The detector did not answer; trying again.');
        setRecord((current) => ({ ...current })); // asks again
        return;
      }
      setProblem(null);
      setRecord(result.data);
      if (result.data.state !== 'running') router.refresh();
    }, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [record, running, router]);

  if (record.state === 'failed') {
    return (
      <div className="notice error" role="alert" data-testid="export-failed">
        Bundle <code>{record.id}</code> could not be written: {record.error ?? 'no reason was recorded'}. Nothing of it can be downloaded; create it
        again.
      </div>
    );
  }
  if (record.state === 'done') {
    return (
      <div className="notice success" data-testid="export-created">
        Bundle <code>{record.id}</code> is ready: {record.files.length} files, {formatNumber(record.files.reduce((n, f) => n + f.records, 0))} records.{' '}
        <a href={`/exports/${encodeURIComponent(record.id)}/archive`} download data-action="download-created">
          Download .tar.gz
        </a>
      </div>
    );
  }
  const current = record.progress.files.find((f) => f.records > 0 && !record.files.some((done) => done.path === f.path));
  const { records, estimatedRecords } = record.progress;
  const percent = estimatedRecords ? Math.min(99, Math.floor((records / estimatedRecords) * 100)) : undefined;
  return (
    <div className="notice" role="status" data-testid="export-running" data-export-id={record.id}>
      Writing bundle <code>{record.id}</code>: {recordsText(record)}
      {current ? ` (now ${current.path})` : ''}, {record.files.length} of {record.progress.files.length || 5} files done. You can leave this page; the bundle
      will be listed below when it is ready.
      {percent !== undefined ? <progress max={100} value={percent} style={{ display: 'block', width: '100%', marginTop: 6 }} aria-label="Export progress" /> : null}
      {problem ? <div className="hint">{problem}</div> : null}
    </div>
  );
}
