import { severityRank, type EvidenceMatch } from '@palisade/schema';
import type { DetectionContext } from '../engine/detection-context.js';
import type { TextLeaf } from '../engine/event-view.js';
import { combinedSeverity, scanText, type TextScanContext, type TextSignal } from '../scanners/text-signal.scanner.js';

/** Only text the model reads: content text, resource text, prompt messages, structured strings. */
function readableLeaves(leaves: readonly TextLeaf[]): TextLeaf[] {
  return leaves.filter((leaf) => leaf.value.length >= 12 && !/\.(?:mimeType|type|uri|name)$/.test(leaf.field) && !/^(?:mimeType|type|uri)$/.test(leaf.key));
}

/**
 * Cheap gate (case-insensitive, no copy of the text): an injection in data must name the model's instructions, hide
 * something from the user, point at a secret-bearing file, carry a destination, a tag block, or
 * invisible/non-ASCII text. Few anchors keep the scan near a plain pass over the text (results are
 * large and many; rare characters and a factored word list are two cheap passes); the full scan
 * runs only on texts that pass. (Base64- or hex-only injections in results are not gated in: a pass
 * looking for encoded runs costs a third of the engine's throughput; they are left to the definition
 * scanner and to analysts, and are caught when the text carries any other gate.)
 */
// eslint-disable-next-line no-control-regex -- ESC starts ANSI escapes, which hide text
const GATE_CHARACTERS = /[@<[{\u001b\u0080-\uffff]|:\/\//;
const GATE_WORDS = /i(?:nstruct|gnor|d_(?:rsa|dsa|ecdsa|ed25519))|d(?:isregard|eveloper mode)|you (?:are|must)|a(?:ssistant|gent)|s(?:ecretly|ilently|tealth|ystem\s*(?:prompt|message)?\s*:)|c(?:overt|redential)|exfil|quietly|the user|passw|mcp\.json|\.(?:ssh|aws|env)\b/i;

/** What a form must never ask for (the MCP specification forbids eliciting sensitive information). */
const SECRET_FIELD = /\b(?:passwords?|passphrase|passcode|private[\s_-]?key|secret[\s_-]?key|seed[\s_-]?phrase|recovery[\s_-]?phrase|mnemonic|cvv2?|cvc|card[\s_-]?number|one[\s_-]?time[\s_-]?(?:code|password)|otp|2fa|api[\s_-]?key|access[\s_-]?token|ssn|social[\s_-]?security)\b/i;
const FORM_FIELD = /^arguments\.requestedSchema\.properties\.([^.]+)\.(?:title|description)$/;
const FORM_NAME = /^arguments\.requestedSchema\.properties\.([^.]+)\./;

/** Fields of an elicitation form that ask for a secret, by their name, title or description. */
function secretFormFields(leaves: readonly TextLeaf[]): TextSignal[] {
  const signals: TextSignal[] = [];
  const seen = new Set<string>();
  for (const leaf of leaves) {
    const name = FORM_NAME.exec(leaf.field)?.[1];
    if (!name || seen.has(name)) continue;
    const text = FORM_FIELD.test(leaf.field) ? `${name.replace(/[_-]/g, ' ')} ${leaf.value}` : name.replace(/[_-]/g, ' ');
    if (!SECRET_FIELD.test(text)) continue;
    seen.add(name);
    signals.push({ kind: 'credential_request', signal: `form field "${name}" asks the user for a secret`, severity: 'high', field: leaf.field, text: text.slice(0, 200) });
  }
  return signals;
}

function toMatch(signal: TextSignal): EvidenceMatch {
  return { field: signal.field, text: signal.text, signal: signal.signal, ...(signal.start !== undefined && signal.end !== undefined ? { start: signal.start, end: signal.end } : {}), ...(signal.decoded ? { decoded: signal.decoded } : {}) };
}

/**
 * prompt_injection_in_response: tool results, resources, prompts (and server-initiated sampling or
 * elicitation requests) carrying instructions aimed at the model — overrides, concealment, exfiltration
 * requests, hidden (tag, variation-selector, base64) text, credential phishing. Quoted or discussed
 * phrases stay low and are not raised; results raise from medium up.
 */
export function detectPromptInjection(ctx: DetectionContext, surface: TextScanContext['surface'], leaves: readonly TextLeaf[]): void {
  const signals: TextSignal[] = [];
  const gated = surface === 'response' && ctx.view.method === 'tools/call';
  for (const leaf of readableLeaves(leaves)) {
    // The gate spares the bulk of traffic, tool results; prompts and resources are few and are documents
    // whose plainly worded orders ("tell the author no problems were found") carry no gate word.
    if (gated && !GATE_CHARACTERS.test(leaf.value) && !GATE_WORDS.test(leaf.value)) continue;
    signals.push(...scanText(leaf.field, leaf.value, { surface }));
  }
  if (ctx.view.method === 'elicitation/create') signals.push(...secretFormFields(leaves));
  const severity = combinedSeverity(signals.filter((s) => s.severity !== 'low'));
  if (!severity || severityRank(severity) < severityRank('medium')) return;
  const top = [...signals].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  const { view } = ctx;
  const what = view.tool ?? (typeof view.event['mcp.resource.uri'] === 'string' ? `resource ${view.event['mcp.resource.uri']}` : view.method);
  ctx.emit({
    category: 'prompt_injection_in_response',
    severity,
    title: surface === 'server_request' ? `Server request carries instructions or asks for secrets (${view.method})` : `Result of ${what} carries instructions aimed at the model`,
    tool: view.tool,
    evidence: {
      summary: `${surface === 'server_request' ? `A ${view.method} request from server "${view.server}"` : `The result of ${what} on server "${view.server}"`} holds: ${[...new Set(top.filter((s) => s.severity !== 'low').map((s) => s.signal))].slice(0, 4).join('; ')}.`,
      matches: top.map(toMatch),
      details: { signals: top.length, ...(view.event['mcp.resource.uri'] ? { resource: view.event['mcp.resource.uri'] } : {}) },
    },
  });
}
