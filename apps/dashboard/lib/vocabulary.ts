import { ALERT_CATEGORIES, SEVERITIES as LEAST_SEVERE_FIRST, TRIAGE_STATUSES } from '@palisade/schema/vocabulary';

// Names and labels of the security vocabulary, shared by server and client components (the lists come
// from the schema's zod-free module, so client bundles stay free of zod).

export { ALERT_CATEGORIES };
export type AlertCategoryName = (typeof ALERT_CATEGORIES)[number];

export const CATEGORY_LABELS: Record<AlertCategoryName, string> = {
  tool_poisoning: 'Tool poisoning',
  tool_shadowing: 'Tool shadowing',
  description_drift: 'Description drift',
  sensitive_data_exfiltration: 'Data exfiltration',
  secret_in_response: 'Secret in response',
  prompt_injection_in_response: 'Prompt injection',
  command_injection: 'Command injection',
  path_traversal: 'Path traversal',
  recipient_change: 'Recipient change',
  response_size_spike: 'Response size spike',
  call_rate_spike: 'Call rate spike',
  new_egress_domain: 'New egress domain',
  cross_server_flow: 'Cross-server flow',
  correlation: 'Correlation',
};

/** Most severe first, as the dashboard lists them. */
export const SEVERITIES = [...LEAST_SEVERE_FIRST].reverse() as readonly SeverityName[];
export type SeverityName = (typeof LEAST_SEVERE_FIRST)[number];

export const STATUSES = TRIAGE_STATUSES;
export type StatusName = (typeof STATUSES)[number];

export const STATUS_LABELS: Record<StatusName, string> = {
  open: 'Open',
  triaging: 'Triaging',
  contained: 'Contained',
  resolved: 'Resolved',
  false_positive: 'False positive',
};

export function categoryLabel(category: string): string {
  return CATEGORY_LABELS[category as AlertCategoryName] ?? category;
}
