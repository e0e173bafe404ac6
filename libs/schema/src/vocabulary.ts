// The alert categories of the contract (section 5), in a module without zod: the dashboard's client
// components import it from `@palisade/schema/categories` and bundle nothing else of the schema.

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
