'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';

/**
 * Live updates without reload: re-renders the page's server components every few seconds while the
 * tab is visible and no dialog is open (client state such as the selection is kept).
 */
export function LiveRefresh({ seconds }: { seconds: number }) {
  const router = useRouter();
  const [updated, setUpdated] = useState<string | null>(null);
  useEffect(() => {
    if (seconds <= 0) return;
    const timer = setInterval(() => {
      if (document.visibilityState !== 'visible' || document.querySelector('dialog[open]')) return;
      router.refresh();
      setUpdated(new Date().toISOString().slice(11, 19));
    }, seconds * 1000);
    return () => clearInterval(timer);
  }, [router, seconds]);
  if (seconds <= 0) return null;
  return (
    <span className="live" title={`Refreshes every ${seconds} s`}>
      <span className="dot" aria-hidden="true" />
      Live{updated ? ` · ${updated} UTC` : ''}
    </span>
  );
}
