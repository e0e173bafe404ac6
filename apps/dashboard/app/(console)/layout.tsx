import type { ReactNode } from 'react';
import { requireSession } from '@/lib/session';
import { ToastProvider } from '@/ui/common/toast';
import { Sidebar } from '@/ui/shell/sidebar';

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const session = await requireSession();
  return (
    <ToastProvider>
      <div className="shell">
        <Sidebar session={session} />
        <main className="main">{children}</main>
      </div>
    </ToastProvider>
  );
}
