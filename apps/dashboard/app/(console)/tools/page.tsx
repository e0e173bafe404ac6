import type { Metadata } from 'next';
import { Suspense } from 'react';
import { TableSkeleton } from '@/ui/common/skeletons';
import { ToolInventory } from '@/ui/tools/tool-inventory';

export const metadata: Metadata = { title: 'Tools' };

export default function ToolsPage() {
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Tools</h1>
          <p>Every MCP server and tool the collectors have seen, with its pinned definition, containment state and open alerts.</p>
        </div>
      </div>
      <Suspense
        fallback={
          <section className="card" style={{ marginTop: 78 }}>
            <TableSkeleton rows={8} columns={8} />
          </section>
        }
      >
        <ToolInventory />
      </Suspense>
    </>
  );
}
