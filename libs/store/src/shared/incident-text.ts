import type { Incident } from '@palisade/schema';

/** The text an incident's `q` searches: title, server, tool, disposition and notes. */
export function incidentSearchText(incident: Incident): string {
  return [incident.title, incident.server, incident.tool ?? '', incident.disposition ?? '', ...(incident.notes ?? []).map((note) => note.text)].join('\n');
}
