import { Alert, type AlertInput, type Incident } from '@palisade/schema';
import { MemoryStore } from '@palisade/store/testing';
import { describe, expect, it } from 'vitest';
import { SystemClock } from '../common/clock.js';
import { AuditService } from './audit.service.js';
import { IncidentService } from './incident.service.js';

let n = 0;
const alert = (fields: Partial<AlertInput> & Pick<AlertInput, 'category' | 'server' | 'tool' | 'sessionId'>): Alert =>
  Alert.parse({ id: `alert-${(n += 1)}`, ts: new Date(Date.now() + n).toISOString(), severity: 'high', title: `${fields.category} on ${fields.tool}`, ruleId: `detector.${fields.category}`, evidence: { summary: 'why' }, eventIds: [`event-${n}`], incidentId: null, ...fields });

function service() {
  const store = new MemoryStore();
  const clock = new SystemClock();
  return { store, incidents: new IncidentService(store, new AuditService(store, clock), clock) };
}

/** Groups in one call (one batch) or alert by alert with the incidents stored between (later batches). */
async function groupAll(incidents: IncidentService, store: MemoryStore, alerts: Alert[], oneBatch: boolean): Promise<Map<string, string>> {
  const incidentOf = new Map<string, string>();
  const batches = oneBatch ? [alerts] : alerts.map((a) => [a]);
  const cache = new Map<string, Incident | null>();
  for (const batch of batches) {
    const grouped = await incidents.group(batch, oneBatch ? cache : new Map());
    for (const incident of grouped.incidents) await store.incidents.upsert(incident);
    for (const a of grouped.alerts) incidentOf.set(a.id, a.incidentId!);
  }
  return incidentOf;
}

describe(IncidentService.name, () => {
  for (const oneBatch of [true, false]) {
    it(`groups alerts linked to a tool's incident with it (${oneBatch ? 'one batch' : 'batch after batch'}): a session-less shadowing alert, a correlation naming the tool as its source`, async () => {
      const { store, incidents } = service();
      const poisoning = alert({ category: 'tool_poisoning', severity: 'critical', server: 'weather', tool: 'get_weather', sessionId: 'sess-a' });
      const shadowing = alert({ category: 'tool_shadowing', server: 'weather', tool: 'get_weather', sessionId: null });
      const recipient = alert({ category: 'recipient_change', server: 'mail', tool: 'send_email', sessionId: 'sess-b' });
      const correlation = alert({ category: 'correlation', severity: 'critical', server: 'mail', tool: 'send_email', sessionId: 'sess-b', ruleId: 'shadowed-recipient', evidence: { summary: 'the recipient named in a description', source: { server: 'weather', tool: 'get_weather' } } });
      const nextOnMail = alert({ category: 'recipient_change', server: 'mail', tool: 'send_email', sessionId: 'sess-b' });
      const unrelated = alert({ category: 'correlation', server: 'files', tool: 'read_file', sessionId: 'sess-c', evidence: { summary: 'x', source: { server: 'nowhere', tool: 'nothing' } } });
      const of = await groupAll(incidents, store, [poisoning, shadowing, recipient, correlation, nextOnMail, unrelated], oneBatch);
      expect(of.get(shadowing.id)).toBe(of.get(poisoning.id));
      expect(of.get(correlation.id)).toBe(of.get(poisoning.id));
      expect(of.get(recipient.id)).not.toBe(of.get(poisoning.id));
      expect(of.get(nextOnMail.id)).toBe(of.get(recipient.id));
      expect(new Set([of.get(unrelated.id), of.get(poisoning.id), of.get(recipient.id)]).size).toBe(3);
      const attack = await store.incidents.get(of.get(poisoning.id)!);
      expect(attack).toMatchObject({ severity: 'critical', alertCount: 3, server: 'weather', tool: 'get_weather' });
      expect(attack!.alertIds.sort()).toEqual([poisoning.id, shadowing.id, correlation.id].sort());
    });
  }
});
