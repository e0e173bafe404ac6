import Link from 'next/link';
import { attempt } from '@/lib/attempt';
import { type ToolSummary, listTools } from '@/lib/data';
import { formatNumber, shortHash } from '@/lib/format';
import { toolHref } from '@/lib/tool-links';
import { ApiProblem } from '../common/api-problem';
import { Stat } from '../common/panel';
import { SafeText } from '../common/rich-text';
import { TableHead } from '../common/table-head';
import { Time } from '../common/time';

function state(tool: ToolSummary) {
  if (tool.quarantine) return <span className="badge st-contained">Quarantined</span>;
  if (tool.pinnedHash === null)
    return (
      <span className="badge outline" title="Seen in calls; its server never listed it in tools/list">
        Never listed
      </span>
    );
  if (tool.drifted) return <span className="badge warn">Drifted</span>;
  return <span className="badge ok">Pinned</span>;
}

/** Every server and tool seen, grouped by server: state, versions, calls, open alerts, pin. */
export async function ToolInventory() {
  const result = await attempt(listTools());
  if (!result.ok) return <ApiProblem error={result.error} what="the tool inventory" />;
  const tools = [...result.value.items].sort((a, b) => a.server.localeCompare(b.server) || a.tool.localeCompare(b.tool));
  const now = Date.now();
  const servers = new Map<string, ToolSummary[]>();
  for (const t of tools) servers.set(t.server, [...(servers.get(t.server) ?? []), t]);
  const quarantined = tools.filter((t) => t.quarantine).length;
  const drifted = tools.filter((t) => t.drifted).length;
  const alerting = tools.filter((t) => t.openAlerts > 0).length;
  return (
    <>
      <div className="stats">
        <Stat label="Servers" value={servers.size} />
        <Stat label="Tools" value={tools.length} />
        <Stat label="Quarantined" value={quarantined} tone={quarantined ? 'var(--st-contained)' : undefined} />
        <Stat label="Drifted from pin" value={drifted} tone={drifted ? 'var(--warn)' : undefined} />
        <Stat label="With open alerts" value={alerting} tone={alerting ? 'var(--sev-critical)' : undefined} />
      </div>
      <section className="card">
        {tools.length === 0 ? (
          <div className="empty">No tools seen yet. Start a collector in front of an MCP server.</div>
        ) : (
          <div className="table-wrap">
            <table className="data" aria-label="Tools">
              <TableHead columns={['Tool', 'State', { label: 'Open alerts', numeric: true }, { label: 'Calls', numeric: true }, { label: 'Versions', numeric: true }, 'Pinned hash', 'First seen', 'Last seen']} />
              <tbody>
                {[...servers.entries()].map(([server, list]) => [
                  <tr key={`s-${server}`} className="group">
                    <td colSpan={8}>
                      <span className="mono">
                        <SafeText inline text={server} />
                      </span>{' '}
                      <span className="muted">· {list.length} tools</span>
                    </td>
                  </tr>,
                  ...list.map((t) => (
                    <tr key={`${t.server}/${t.tool}`} data-tool={`${t.server}/${t.tool}`}>
                      <td>
                        <Link className="mono" href={toolHref(t.server, t.tool)} style={{ fontWeight: 600 }}>
                          <SafeText inline text={t.tool} />
                        </Link>
                      </td>
                      <td>{state(t)}</td>
                      <td className="num">{t.openAlerts ? <span className="badge sev-high">{t.openAlerts}</span> : <span className="muted">0</span>}</td>
                      <td className="num">{formatNumber(t.calls)}</td>
                      <td className="num">{t.versions}</td>
                      {t.pinnedHash === null ? (
                        <td className="muted">none</td>
                      ) : (
                        <td className="mono" title={t.pinnedHash}>
                          {shortHash(t.pinnedHash)}
                          {t.drifted && t.currentHash ? <span className="muted"> → {shortHash(t.currentHash, 8)}</span> : null}
                        </td>
                      )}
                      <td className="nowrap">
                        <Time iso={t.firstSeen} now={now} />
                      </td>
                      <td className="nowrap">
                        <Time iso={t.lastSeen} now={now} relative />
                      </td>
                    </tr>
                  )),
                ])}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
