// The security vocabulary (alert categories, severities, triage statuses), in a module without zod: the
// schema builds its enums from these lists, and the dashboard's client components import them from
// `@palisade/schema/vocabulary` without bundling anything else of the schema.

/** The stable alert categories of the contract (section 5). */
export const ALERT_CATEGORIES = [
  'tool_poisoning',
  'tool_shadowing',
  'description_drift',
  'sensitive_data_exfiltration',
  'secret_in_response',
  'prompt_injection_in_response',
  'command_injection',
  'path_traversal',
  'recipient_change',
  'response_size_spike',
  'call_rate_spike',
  'new_egress_domain',
  'cross_server_flow',
  'correlation',
] as const;

/** Severities, least severe first (the schema's `Severity`). */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

/** Triage status, shared by incidents and the alerts they group (the schema's `TriageStatus`). */
export const TRIAGE_STATUSES = ['open', 'triaging', 'contained', 'resolved', 'false_positive'] as const;
