import { BlockSkeleton, CardSkeleton } from '@/ui/common/skeletons';

export default function Loading() {
  return (
    <>
      <div className="page-head">
        <div style={{ width: '60%' }}>
          <BlockSkeleton height={26} />
          <div style={{ height: 10 }} />
          <BlockSkeleton height={14} />
        </div>
      </div>
      <div className="grid-2">
        <div className="stack">
          <CardSkeleton height={320} title="Alerts and evidence" />
          <CardSkeleton height={240} title="Session timeline" />
        </div>
        <div className="stack">
          <CardSkeleton height={180} title="Details" />
          <CardSkeleton height={120} title="Notes and activity" />
        </div>
      </div>
    </>
  );
}
