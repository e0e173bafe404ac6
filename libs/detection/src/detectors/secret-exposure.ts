import { maxSeverity, type EvidenceMatch, type Finding, type Severity } from '@palisade/schema';
import type { EventView, TextLeaf } from '../engine/event-view.js';
import type { ResolvedEngineOptions } from '../engine/engine-options.js';
import { findSecretsSync } from '../secrets/find-secrets-sync.js';
import { isExampleSecret } from '../secrets/secret-match.js';
import { isPlaceholderSecret } from '../secrets/secret.patterns.js';

/** Secret types that are full credentials on their own. */
const STRONG_TYPES = new Set([
  'private_key', 'aws_secret_key', 'github_token', 'gitlab_token', 'slack_token', 'slack_webhook', 'stripe_key', 'openai_api_key', 'anthropic_api_key',
  'google_api_key', 'google_oauth_token', 'npm_token', 'huggingface_token', 'sendgrid_api_key', 'twilio_api_key', 'digitalocean_token', 'azure_storage_key',
  'gcp_service_account_key', 'password_in_url', 'card_number', 'credential_file',
]);

/** How serious one exposed secret is: a full credential high, partial or generic medium, a documentation example low. */
export function secretSeverity(type: string, detector: string | undefined): Severity {
  if (isExampleSecret(detector)) return 'low';
  return STRONG_TYPES.has(type) ? 'high' : 'medium';
}

/** Credential files pasted whole: AWS credentials, .env files with secrets, kubeconfigs, netrc, shadow, service accounts. */
const CREDENTIAL_CONTENT: { name: string; anchors: string[]; pattern: RegExp; real?: (text: string) => boolean }[] = [
  { name: 'AWS credentials file', anchors: ['aws_'], pattern: /\[[\w-]+\]\s*\n\s*aws_access_key_id\s*=|aws_secret_access_key\s*=\s*\S/i },
  { name: '.env file with secrets', anchors: ['SECRET', 'PASSWORD', 'PASSWD', 'TOKEN', 'API_KEY', 'PRIVATE_KEY', 'ACCESS_KEY'], pattern: /(?:^|\n)\s*(?:export\s+)?[A-Z][A-Z0-9_]*(?:SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|PRIVATE_KEY|ACCESS_KEY)[A-Z0-9_]*\s*=\s*\S+[^\n]*\n(?:[^\n]*\n){0,20}?\s*(?:export\s+)?[A-Z][A-Z0-9_]*\s*=\s*\S/, real: hasRealEnvSecret },
  { name: 'kubeconfig with credentials', anchors: ['-data:', 'token:'], pattern: /client-(?:key|certificate)-data:\s*[A-Za-z0-9+/=]{20,}|\btoken:\s*[A-Za-z0-9._-]{20,}[\s\S]{0,200}\bcluster:/ },
  { name: 'netrc entry', anchors: ['machine'], pattern: /\bmachine\s+\S+\s+login\s+\S+\s+password\s+\S+/ },
  { name: 'shadow password entry', anchors: [':$'], pattern: /(?:^|\n)[a-z_][\w-]*:\$(?:1|2[aby]|5|6|y)\$[^:\n]{8,}:\d*:/ },
  { name: 'cloud service account key', anchors: ['service_account'], pattern: /"type"\s*:\s*"service_account"[\s\S]{0,400}"private_key(?:_id)?"\s*:/ },
  { name: 'Docker registry auth', anchors: ['"auths"'], pattern: /"auths"\s*:\s*\{[\s\S]{0,300}"auth"\s*:\s*"[A-Za-z0-9+/=]{12,}"/ },
];

const ENV_SECRET_LINE = /(?:^|\n)\s*(?:export\s+)?(?=[A-Z])[A-Z0-9_]*(?:SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|PRIVATE_KEY|ACCESS_KEY)[A-Z0-9_]*\s*=([^\n#]*)/g;

/**
 * A `.env` text holds a secret only when some secret-named line has a value a template would not ship
 * (a value the collector already redacted was a real one).
 */
function hasRealEnvSecret(text: string): boolean {
  for (const [, value = ''] of text.matchAll(ENV_SECRET_LINE)) if (value.includes('[REDACTED:') || !isPlaceholderSecret(value)) return true;
  return false;
}

export interface SecretExposure {
  severity: Severity;
  matches: EvidenceMatch[];
  fingerprints: string[];
  types: string[];
}

/** Whether the engine should look for raw secrets in this part (the collector already redacted what it captured). */
export function shouldRescan(view: EventView, where: Finding['where'], options: ResolvedEngineOptions): boolean {
  if (options.rescanSecrets === 'always') return true;
  if (options.rescanSecrets === 'never') return false;
  return view.event[where === 'request' ? 'palisade.capture.request' : 'palisade.capture.response'] === undefined;
}

/**
 * Secrets a message part carries: the collector's findings (fingerprints, never values), raw secrets
 * still in the text (when re-scanning applies), and whole credential files. Null when none.
 */
export function secretExposure(view: EventView, where: Finding['where'], leaves: readonly TextLeaf[], rescan: boolean): SecretExposure | null {
  let severity: Severity | null = null;
  const matches: EvidenceMatch[] = [];
  const fingerprints: string[] = [];
  const types = new Set<string>();
  const raise = (to: Severity): void => {
    severity = severity ? maxSeverity(severity, to) : to;
  };
  for (const finding of view.findings) {
    if (finding.where !== where) continue;
    raise(secretSeverity(finding.type, finding.detector));
    fingerprints.push(finding.fingerprint);
    types.add(finding.type);
    matches.push({ field: finding.path || where, text: `[REDACTED:${finding.type}:${finding.fingerprint}]`, signal: `${finding.type} found by ${finding.detector ?? 'the collector'}${isExampleSecret(finding.detector) ? ' (documentation example)' : ''}` });
  }
  for (const leaf of leaves) {
    if (rescan) {
      for (const match of findSecretsSync(leaf.value)) {
        raise(secretSeverity(match.type, match.detector));
        types.add(match.type);
        matches.push({ field: leaf.field, text: `[${match.type}]`, signal: `raw ${match.type} in the captured text (${match.detector})`, start: match.start, end: match.end });
      }
    }
    // Every credential file format has an '=' or ':' (netrc aside); prose without them is skipped cheaply.
    if (leaf.value.length < 24 || !(leaf.value.includes('=') || leaf.value.includes(':') || leaf.value.includes('machine '))) continue;
    for (const { name, anchors, pattern, real } of CREDENTIAL_CONTENT) {
      if (!anchors.some((anchor) => leaf.value.includes(anchor)) || !pattern.test(leaf.value) || (real && !real(leaf.value))) continue;
      raise('high');
      types.add('credential_file');
      matches.push({ field: leaf.field, text: `${name} (${leaf.value.length} characters, not shown)`, signal: `contents of a credential file: ${name}` });
    }
  }
  if (!severity) return null;
  return { severity, matches: matches.slice(0, 50), fingerprints: [...new Set(fingerprints)], types: [...types] };
}
