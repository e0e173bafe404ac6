'use client';

import { useEffect } from 'react';

/** Closes a popup menu (anything inside `.menu`) on a click elsewhere. */
export function useDismiss(open: boolean, close: () => void): void {
  useEffect(() => {
    if (!open) return;
    const onDown = (event: MouseEvent) => {
      if (!(event.target as HTMLElement).closest('.menu')) close();
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open, close]);
}
