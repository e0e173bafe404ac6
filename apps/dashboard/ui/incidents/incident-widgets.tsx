import { printableText } from '@palisade/schema/printable-text';
import { attempt } from '@/lib/attempt';
import { type IncidentDetail, getTool, toolAudit } from '@/lib/data';
import { formatInstant } from '@/lib/format';
import { ToolActions } from '../tools/tool-actions';
import { Activity } from './activity';

/** Quarantine / release / approve for the incident's tool, with its current containment state. */
export async function ContainmentActions({ server, tool, incidentId }: { server: string; tool: string; incidentId: string }) {
  const result = await attempt(getTool(server, tool));
  if (!result.ok) return <span className="muted">Tool state unavailable ({result.error.message})</span>;
  const { tool: summary } = result.value;
  return (
    <>
      <ToolActions server={server} tool={tool} quarantined={!!summary.quarantine} drifted={summary.drifted} currentHash={summary.currentHash} incidentId={incidentId} />
      {summary.quarantine ? (
        <span className="badge st-contained" title={`${printableText(summary.quarantine.reason)} — ${formatInstant(summary.quarantine.since)}`} data-testid="quarantine-state">
          Quarantined by {summary.quarantine.by}
        </span>
      ) : null}
      {summary.drifted ? <span className="badge warn">Definition changed since pinned</span> : null}
    </>
  );
}

/** The incident's notes and audit entries, with the containment decisions taken on its tool. */
export async function IncidentActivity({ incident, now }: { incident: IncidentDetail; now: number }) {
  const tool = incident.tool ? await attempt(toolAudit(incident.server, incident.tool)) : null;
  const seen = new Set(incident.actions.map((a) => a.seq));
  const toolEntries = tool?.ok ? tool.value.items.filter((a) => !seen.has(a.seq) && a.action.startsWith('tool.')) : [];
  return <Activity notes={incident.notes} actions={[...incident.actions, ...toolEntries]} now={now} />;
}
