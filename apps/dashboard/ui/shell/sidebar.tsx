import { Suspense } from 'react';
import { health, incidentCounts } from '@/lib/data';
import type { Session } from '@/lib/session';
import { Brand } from '../common/brand';
import { AlertIcon, ExportIcon, LogoutIcon, RuleIcon, ToolIcon } from '../common/icons';
import { NavLink } from '../common/nav-link';

async function OpenCount() {
  const counts = await incidentCounts().catch(() => null);
  if (!counts || counts.open === 0) return null;
  return (
    <span className="count" title={`${counts.open} open incidents`}>
      {counts.open > 999 ? '999+' : counts.open}
    </span>
  );
}

async function DetectorHealth() {
  const state = await health().catch(() => null);
  if (!state) {
    return (
      <div className="health">
        <span className="dot down" /> Detector unreachable
      </div>
    );
  }
  const lag = state.lagEvents > 0 ? `, ${state.lagEvents} events behind` : '';
  return (
    <div className="health" title={`detector ${state.version} · bus ${state.bus} · store ${state.store}`}>
      <span className={`dot ${state.status === 'ok' ? '' : 'degraded'}`} /> Detector {state.status === 'ok' ? 'healthy' : 'degraded'}
      {lag}
    </div>
  );
}

export function Sidebar({ session }: { session: Session }) {
  return (
    <aside className="sidebar">
      <a className="brand" href="/incidents">
        <Brand />
      </a>
      <nav className="nav" aria-label="Main">
        <NavLink href="/incidents">
          <AlertIcon /> Incidents
          <Suspense fallback={null}>
            <OpenCount />
          </Suspense>
        </NavLink>
        {/* /tool?server=&tool= is a tool's page too, for names a path cannot carry (lib/tool-links.ts). */}
        <NavLink href="/tools" also={['/tool']}>
          <ToolIcon /> Tools
        </NavLink>
        <NavLink href="/rules">
          <RuleIcon /> Rules
        </NavLink>
        {session.can('export') ? (
          <NavLink href="/exports">
            <ExportIcon /> Exports
          </NavLink>
        ) : null}
      </nav>
      <div className="sidebar-foot">
        <Suspense fallback={<div className="health">&nbsp;</div>}>
          <DetectorHealth />
        </Suspense>
        <div className="who">
          <span className="avatar" aria-hidden="true">
            {session.name.slice(0, 2)}
          </span>
          <span style={{ minWidth: 0, flex: 1 }}>
            <div className="who-name" data-testid="user-name">
              {session.name}
            </div>
            <div className="who-role" data-testid="user-role">
              {session.role}
            </div>
          </span>
          <form action="/auth/logout" method="post">
            <button type="submit" className="btn ghost small" title="Sign out" aria-label="Sign out">
              <LogoutIcon />
            </button>
          </form>
        </div>
      </div>
    </aside>
  );
}
