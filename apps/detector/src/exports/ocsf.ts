import type { Alert, Severity, TriageStatus } from '@palisade/schema';

const SEVERITY_ID: Record<Severity, number> = { low: 2, medium: 3, high: 4, critical: 5 };
const STATUS_ID: Record<TriageStatus, number> = { open: 1, triaging: 2, contained: 2, resolved: 4, false_positive: 3 };

/**
 * An alert as an OCSF 1.1 Detection Finding (class 2004), for SIEMs that ingest OCSF.
 * https://schema.ocsf.io/1.1.0/classes/detection_finding
 */
export function toOcsfDetectionFinding(alert: Alert, productVersion: string): Record<string, unknown> {
  const time = Date.parse(alert.ts);
  return {
    class_uid: 2004,
    class_name: 'Detection Finding',
    category_uid: 2,
    category_name: 'Findings',
    activity_id: 1,
    activity_name: 'Create',
    type_uid: 200401,
    type_name: 'Detection Finding: Create',
    time,
    severity_id: SEVERITY_ID[alert.severity],
    severity: alert.severity[0]!.toUpperCase() + alert.severity.slice(1),
    status_id: STATUS_ID[alert.status],
    status: alert.status,
    message: alert.title,
    metadata: { version: '1.1.0', product: { name: 'Palisade', vendor_name: 'Palisade', version: productVersion }, uid: alert.id, correlation_uid: alert.incidentId ?? undefined },
    finding_info: {
      uid: alert.id,
      title: alert.title,
      desc: alert.evidence.summary,
      types: [alert.category],
      created_time: time,
      analytic: { uid: alert.ruleId, name: alert.ruleId, type_id: 1, type: 'Rule', version: String(alert.ruleVersion) },
      related_events: alert.eventIds.map((uid) => ({ uid })),
    },
    resources: [{ name: alert.tool ?? alert.server, type: alert.tool ? 'MCP Tool' : 'MCP Server', group: { name: alert.server } }],
    unmapped: { session_id: alert.sessionId, evidence: alert.evidence },
  };
}
