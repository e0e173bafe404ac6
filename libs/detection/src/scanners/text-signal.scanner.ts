import type { Severity } from '@palisade/schema';
import { maskSecrets } from '../secrets/mask-secrets.js';
import { findBase64Blobs, findHexTexts } from '../text/base64-blobs.js';
import { findHiddenRegions } from '../text/hidden-markup.js';
import type { InvisibleFinding } from '../text/invisible-text.js';
import { analyseText } from '../text/text-analysis.js';
import { execAll } from '../text/exec-all.js';
import {
  ADDRESSED_TO_MODEL,
  ASK_BYPASS,
  BEFORE_USING,
  CONCEALMENT,
  CONSENT_BYPASS,
  CONVERSATION_DATA,
  COUNTERFACTUAL,
  CREDENTIAL_REQUEST,
  DIRECTIVE,
  DISCUSSION_CONTEXT,
  DISCUSSION_CUE,
  DOWNLOAD_EXEC,
  ENV_DUMP,
  EXEC_ORDER,
  FALSE_REPORT,
  HARVEST,
  EXFIL_VERB,
  EXFILTRATE_WORD,
  EXTERNAL_DESTINATION,
  HEADER_LABEL,
  HIDDEN_BLOCK,
  HUMAN_RUNS,
  IMAGE_PLACEHOLDER,
  MANIPULATION,
  MODEL_OBLIGED,
  MODEL_VOCATIVE,
  NEEDS_CONSENT,
  NEGATION,
  OPEN_QUERY_URL,
  OUTBOUND_VERB,
  OVERRIDE,
  PARAMETER_HOLDS,
  PARAMETER_TARGET,
  PREFERENCE,
  QUIET,
  QUIET_CALL,
  RECIPIENT_REDIRECT,
  RECIPIENT_WORDS,
  SECRET_ENV_NAME,
  SENSITIVE_CONCEPT,
  SENSITIVE_FILE,
  SIPHON,
  TOOL_REFERENCE,
} from './instruction.patterns.js';

export type SignalKind =
  | 'hidden_block'
  | 'html_comment'
  | 'hidden_markup'
  | 'download_exec'
  | 'false_report'
  | 'override'
  | 'concealment'
  | 'quiet'
  | 'discussed'
  | 'sensitive_file'
  | 'exfil_action'
  | 'external_send'
  | 'model_directive'
  | 'preference'
  | 'tool_reference'
  | 'manipulation'
  | 'recipient_redirect'
  | 'credential_request'
  | 'addressed_to_model'
  | 'consent_bypass'
  | 'image_exfil'
  | 'url_exfil'
  | 'invisible_text'
  | 'homoglyph'
  | 'encoded_text';

/** Signals that concern other tools (tool_shadowing) rather than this tool's own text (tool_poisoning). */
export const SHADOWING_KINDS: ReadonlySet<SignalKind> = new Set(['tool_reference', 'manipulation', 'recipient_redirect']);

/** One suspicious thing found in a text, with what an analyst needs to judge it. */
export interface TextSignal {
  kind: SignalKind;
  /** Readable name of the signal. */
  signal: string;
  severity: Severity;
  /** Where it was found (`description`, `inputSchema.properties.x.description`, `result.content[0].text`…). */
  field: string;
  /** Excerpt of the normalised text (secrets masked). */
  text: string;
  start?: number;
  end?: number;
  /** Hidden text decoded (tag characters, variation selectors, base64). */
  decoded?: string;
  /** The other tool named by a tool reference. */
  reference?: string;
}

export interface TextScanContext {
  /** Tool descriptions are read by the model as instructions; results and resources carry data. */
  surface: 'definition' | 'response' | 'server_request';
  /** The tool's name and first sentence: concepts that match its purpose are expected, not suspicious. */
  purpose?: string;
  /** Recursion depth for decoded hidden text (internal). */
  depth?: number;
}

const PURPOSE_FAMILIES: { concept: RegExp; purpose: RegExp }[] = [
  { concept: /ssh|id_(?:rsa|dsa|ecdsa|ed25519)/i, purpose: /ssh|sftp|scp|remote|host|deploy/i },
  { concept: /\.aws|aws/i, purpose: /aws|amazon|s3|ec2|iam|lambda|cloud/i },
  { concept: /kube|kubernetes/i, purpose: /kube|k8s|kubectl|helm|cluster|pod|context/i },
  { concept: /\.env\b|environment|env\s+vars?/i, purpose: /env|config|setting|variable|dotenv/i },
  { concept: /docker/i, purpose: /docker|container|registry|image/i },
  { concept: /git-credentials|\.netrc|\.npmrc|\.pypirc/i, purpose: /git|npm|pypi|package|registry/i },
  { concept: /private\s+keys?|secret\s+keys?|signing/i, purpose: /cert|tls|ssl|key|sign|crypt|wallet|vault|secret|kms|hsm|gpg|pgp|ssh/i },
  { concept: /passwords?|passphrases?|credentials?|tokens?|secrets|api\s+keys?|cookies/i, purpose: /password|credential|auth|login|sign[-_ ]?in|token|secret|vault|identity|iam|oauth|sso|user|account|key|session|cookie/i },
  { concept: /seed|recovery|mnemonic|wallet/i, purpose: /wallet|seed|mnemonic|recovery|restore|import/i },
  { concept: /system\s+prompt|conversation|chat\s+history|previous\s+messages/i, purpose: /prompt|assistant|agent|chat|conversation|message|history|memory/i },
  { concept: /history/i, purpose: /history|shell|terminal|command/i },
];

/** True when the sensitive thing named is what the tool is for (an SSH tool naming ~/.ssh). */
function expectedByPurpose(object: string, purpose: string | undefined): boolean {
  if (!purpose) return false;
  return PURPOSE_FAMILIES.some((family) => family.concept.test(object) && family.purpose.test(purpose));
}

const SENTENCE = /(?:[^.!?\n]|[.!?](?!\s|$))+(?:[.!?]+(?=\s|$)|\n|$)?/g;

interface Sentence {
  text: string;
  start: number;
}

function sentencesOf(text: string): Sentence[] {
  const sentences: Sentence[] = [];
  for (const match of execAll(SENTENCE, text)) {
    if (match[0].trim().length > 0) sentences.push({ text: match[0], start: match.index });
  }
  return sentences.length > 0 ? sentences : [{ text, start: 0 }];
}

function excerpt(text: string, start: number, end: number, context = 60): string {
  const from = Math.max(0, start - context);
  const to = Math.min(text.length, end + context);
  return maskSecrets(`${from > 0 ? '…' : ''}${text.slice(from, to)}${to < text.length ? '…' : ''}`).slice(0, 600);
}

/** The part of the sentence before `start` (a cue in an earlier sentence says nothing about this one). */
function sentencePrefix(text: string, start: number, limit: number): string {
  const before = text.slice(Math.max(0, start - limit), start);
  const cut = Math.max(before.lastIndexOf('. '), before.lastIndexOf('! '), before.lastIndexOf('? '), before.lastIndexOf('\n'));
  return cut >= 0 ? before.slice(cut + 2) : before;
}

/** Whether a match is quoted or discussed ("attackers may try to make the model ignore…", "phrases such as '…' or <IMPORTANT>"). */
function isDiscussed(text: string, start: number, end: number, quotesCount = true): boolean {
  const before = sentencePrefix(text, start, 48);
  const quoteBefore = /["'“‘`«]\s*$/.test(before);
  const quoteAfter = /^\s*[.,;:!?]?\s*["'”’`»]/.test(text.slice(end, end + 4));
  return (quotesCount && quoteBefore && quoteAfter) || DISCUSSION_CONTEXT.test(before) || DISCUSSION_CUE.test(sentencePrefix(text, start, 100));
}

function firstMatch(pattern: RegExp, text: string): RegExpMatchArray | undefined {
  pattern.lastIndex = 0;
  const match = pattern.exec(text) ?? undefined;
  pattern.lastIndex = 0;
  return match;
}

const allMatches = execAll;

/** Whether a negation governs the span before a verb ("this server never reads a private key"). */
function negatedBefore(sentence: string, index: number): boolean {
  return NEGATION.test(sentence.slice(Math.max(0, index - 28), index));
}

/** A sentence that starts with a command (`Read ~/.ssh/id_rsa…`, `Please send…`, `Now include…`). */
const IMPERATIVE_START = /^\s*(?:(?:please|now|first|then|next|also|and|finally|immediately)[\s,]+)*(?:read|cat|open|access|load|collect|gather|grab|extract|dump|copy|include|append|attach|embed|insert|pass|provide|send|upload|post|forward|transmit|exfiltrate|leak|email|share|output|print|fetch|retrieve|steal)\b/i;

/** Any command to the model in data: used to judge text addressed to the model. */
const ANY_IMPERATIVE = /(?:^\s*|[.!?:;,]\s+)(?:please\s+|now\s+|first\s+|then\s+|also\s+|immediately\s+)*(?:use|call|run|execute|echo|commit|invoke|open|read|send|e-?mail|forward|delete|remove|copy|paste|include|reply|respond|print|reveal|upload|post|share|stop|ignore|tell|ask|fetch|create|make|write|add|put|append|list|merge|push|submit)\b|\byou\s+(?:must|should|need\s+to|have\s+to|are\s+required\s+to)\b|\b(?:are|is)\s+(?:required|expected|instructed)\s+to\b|\bplease\s+(?:use|call|run|open|read|send|e-?mail|forward|delete|copy|paste|include|reply|upload|post|share|create|add|put|list|merge|push|submit)\b/i;

/** Whether hidden text speaks to the model or would instruct it if it were a description. */
function hiddenTextInstructs(text: string, context: TextScanContext): boolean {
  if (MODEL_VOCATIVE.test(text) || firstMatch(ADDRESSED_TO_MODEL, text) !== undefined) return true;
  return scanText('hidden', text, { ...context, surface: 'definition', depth: 1 }).some((s) => s.severity !== 'low');
}

/** The first address or URL of a sentence that is not a message header value (`From: a@b`). */
function destinationOf(sentence: string): RegExpMatchArray | undefined {
  for (const match of allMatches(EXTERNAL_DESTINATION, sentence)) {
    if (!HEADER_LABEL.test(sentence.slice(Math.max(0, (match.index ?? 0) - 48), match.index ?? 0))) return match;
  }
  return undefined;
}

const ZERO_WIDTH_SPACES = /[\u200b\u2060\ufeff]/g;

const INVISIBLE_SEVERITY: Record<TextScanContext['surface'], Record<InvisibleFinding['kind'], Severity>> = {
  definition: { tag_text: 'high', variation_selector_payload: 'high', zero_width: 'medium', bidi_control: 'medium', ansi_escape: 'medium', ansi_concealed: 'high', control_character: 'low', non_standard_flag: 'low' },
  response: { tag_text: 'high', variation_selector_payload: 'high', zero_width: 'low', bidi_control: 'low', ansi_escape: 'low', ansi_concealed: 'medium', control_character: 'low', non_standard_flag: 'low' },
  server_request: { tag_text: 'high', variation_selector_payload: 'high', zero_width: 'medium', bidi_control: 'medium', ansi_escape: 'medium', ansi_concealed: 'high', control_character: 'low', non_standard_flag: 'low' },
};

/**
 * Finds the signals of instructions aimed at the model in one text: hidden instruction blocks, override
 * and concealment phrases, requests to read or send secret-bearing files, sending data to external
 * addresses, preference manipulation, references to other tools, recipient redirection, credential
 * phishing, and invisible or encoded text (decoded and scanned in turn). Severity per signal depends on
 * the surface (a description is read as instructions; a result is data).
 */
export function scanText(field: string, raw: string, context: TextScanContext): TextSignal[] {
  if (raw.length === 0) return [];
  const depth = context.depth ?? 0;
  const { normalized, invisible, mixedScriptWords } = analyseText(raw.length > 200_000 ? raw.slice(0, 200_000) : raw);
  const signals: TextSignal[] = [];
  const definition = context.surface === 'definition';
  const add = (kind: SignalKind, signal: string, severity: Severity, start: number, end: number, extra: Partial<TextSignal> = {}): void => {
    signals.push({ kind, signal, severity, field, text: excerpt(normalized, start, end), start, end, ...extra });
  };

  for (const finding of invisible) {
    let severity = INVISIBLE_SEVERITY[context.surface][finding.kind];
    const hidden = finding.decoded?.trim();
    if (hidden && depth === 0 && (finding.kind === 'tag_text' || finding.kind === 'variation_selector_payload' || finding.kind === 'ansi_concealed')) {
      const inner = scanText(`${field} (hidden text)`, hidden, { ...context, depth: 1 });
      if (inner.some((s) => s.severity !== 'low')) severity = 'critical';
      signals.push(...inner);
    }
    if (finding.kind === 'tag_text' && (hidden?.replace(/\s/g, '').length ?? 0) < 3 && severity === 'high') severity = 'medium';
    signals.push({ kind: 'invisible_text', signal: finding.description, severity, field, text: excerpt(normalized, 0, Math.min(normalized.length, 80), 0), ...(hidden ? { decoded: hidden.slice(0, 4000) } : {}) });
  }
  if (mixedScriptWords.length > 0) {
    signals.push({ kind: 'homoglyph', signal: `words mixing Latin and Cyrillic/Greek look-alike letters: ${mixedScriptWords.slice(0, 5).join(', ')}`, severity: 'medium', field, text: mixedScriptWords.join(' ').slice(0, 200) });
  }

  for (const match of allMatches(HIDDEN_BLOCK, normalized)) {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    if (start === 0 && /:\s+$/.test(match[0]) && /[a-z]/.test(normalized.charAt(end))) continue;
    // `[system] disk usage 71%` is a log line; in data a bracket tag counts when orders follow it.
    if (!definition && match[0].startsWith('[') && !ANY_IMPERATIVE.test(normalized.slice(end, end + 200))) continue;
    if (isDiscussed(normalized, start, end)) add('discussed', 'instruction-block tag quoted or discussed', 'low', start, end);
    else add('hidden_block', `hidden instruction block ${match[0].trim()}`, definition ? 'high' : 'medium', start, end);
  }
  for (const region of findHiddenRegions(normalized)) {
    // Hidden text matters by what it says: a version note in a comment or a newsletter pop-up hidden
    // with display:none is layout; words there that address the model or instruct it are an injection.
    const start = region.start;
    const end = region.end;
    const instructs = depth === 0 && region.text.length > 0 && hiddenTextInstructs(region.text, context);
    if (instructs && !isDiscussed(normalized, start, end)) add('hidden_markup', `instructions hidden in ${region.carrier}`, 'high', start, end);
    else if (region.carrier === 'HTML comment' && /[a-z]{2,}(?:\W+[a-z]{2,}){3}/i.test(region.text)) add('html_comment', 'HTML comment (invisible when rendered)', 'low', start, end);
  }
  // Every download-and-run form holds a pipe, a PowerShell name, `iex(` or a process substitution.
  const mayRunDownload = normalized.includes('|') || (normalized.includes('(') && /iex|[<$]\(/i.test(normalized)) || (normalized.includes(' -') && /p(?:owershell|wsh)/i.test(normalized));
  for (const match of mayRunDownload ? allMatches(DOWNLOAD_EXEC, normalized) : []) {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    const sentence = sentencePrefix(normalized, start, 300) + normalized.slice(start, end + 200).split(/[.!?](?:\s|$)|\n\n/)[0];
    // `curl … | sh` shown to a person (a README, a CI log, "users can run…") describes an install; the
    // same line ordered to the model ("execute … before the first call") makes it run a stranger's code.
    const ordered = definition
      ? (EXEC_ORDER.test(sentence) || firstMatch(DIRECTIVE, sentence) !== undefined || firstMatch(BEFORE_USING, sentence) !== undefined) && !HUMAN_RUNS.test(sentence)
      : firstMatch(ADDRESSED_TO_MODEL, normalized) !== undefined || MODEL_VOCATIVE.test(sentence) || MODEL_OBLIGED.test(sentence);
    // Commands sit in backticks by habit: quoting them does not make them discussed.
    if (ordered && !isDiscussed(normalized, start, end, false)) add('download_exec', 'orders the model to download and run code', definition ? 'high' : 'medium', start, end);
    else add('download_exec', 'download-and-run command shown', 'low', start, end);
  }
  for (const match of allMatches(OVERRIDE, normalized)) {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    if (isDiscussed(normalized, start, end)) add('discussed', 'instruction-override phrase quoted or discussed', 'low', start, end);
    else add('override', 'instruction override or role change', 'high', start, end);
  }
  for (const match of allMatches(CONCEALMENT, normalized)) {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    if (isDiscussed(normalized, start, end)) add('discussed', 'concealment phrase quoted or discussed', 'low', start, end);
    else add('concealment', 'instruction to hide actions from the user', 'high', start, end);
  }
  for (const match of allMatches(PREFERENCE, normalized)) {
    const start = match.index ?? 0;
    add('preference', 'steers the model to prefer this tool', definition ? 'medium' : 'low', start, start + match[0].length);
  }
  for (const match of RECIPIENT_WORDS.test(normalized) ? allMatches(RECIPIENT_REDIRECT, normalized) : []) {
    const start = match.index ?? 0;
    // "Cc: a@b" in a fetched message is its header, not a request to copy anyone.
    if (!definition && /^b?cc\s*:/i.test(match[0])) continue;
    // "never change the recipient the user chose" forbids the redirection it names.
    if (negatedBefore(normalized, start)) continue;
    // In data, "add me in cc (sam@…)" is a person's request; it counts when aimed at the model or at every message.
    const aimed = definition || firstMatch(ADDRESSED_TO_MODEL, normalized) !== undefined || firstMatch(DIRECTIVE, normalized) !== undefined || /\b(?:every|all|each|any)\b/i.test(match[0]);
    add('recipient_redirect', 'redirects or copies messages to another recipient', definition ? 'high' : aimed ? 'medium' : 'low', start, start + match[0].length);
  }
  for (const match of allMatches(CREDENTIAL_REQUEST, normalized)) {
    const start = match.index ?? 0;
    if (negatedBefore(normalized, start)) continue;
    if (isDiscussed(normalized, start, start + match[0].length)) {
      add('discussed', 'credential request quoted or discussed', 'low', start, start + match[0].length);
      continue;
    }
    const expected = definition && expectedByPurpose(match[0], context.purpose);
    add('credential_request', 'asks for the user’s secrets (credential phishing)', expected ? 'low' : 'high', start, start + match[0].length);
  }
  for (const match of allMatches(CONSENT_BYPASS, normalized)) {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    if (!isDiscussed(normalized, start, end)) add('consent_bypass', 'claims the user consented or tells the model to skip confirmation', 'medium', start, end);
  }
  for (const match of allMatches(ASK_BYPASS, normalized)) {
    // "safe to call without asking the user" describes a read-only tool; "…and merge without asking them" bypasses consent.
    const start = match.index ?? 0;
    const sentence = sentencePrefix(normalized, start, 200) + normalized.slice(start, start + 120).split(/[.!?](?:\s|$)/)[0];
    if (NEEDS_CONSENT.test(sentence)) add('consent_bypass', 'tells the model to act without asking the user', 'medium', start, start + match[0].length);
  }
  let addressed = false;
  for (const match of allMatches(ADDRESSED_TO_MODEL, normalized)) {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    // Descriptions speak to the model by design; in data, words addressed to it that give an order are an injection.
    const orders = !definition && ANY_IMPERATIVE.test(normalized.slice(end, end + 300));
    add('addressed_to_model', 'text addressed to the AI model gives it orders', orders && !isDiscussed(normalized, start, end) ? 'medium' : 'low', start, end);
    if (orders) {
      addressed = true;
      break;
    }
  }
  for (const match of allMatches(IMAGE_PLACEHOLDER, normalized)) {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    const filled = CONVERSATION_DATA.test(normalized) || firstMatch(DIRECTIVE, normalized) !== undefined;
    add('image_exfil', 'markdown image whose URL is to be filled with conversation data', filled && !isDiscussed(normalized, start, end) ? (definition ? 'high' : 'medium') : 'low', start, end);
  }
  for (const match of allMatches(OPEN_QUERY_URL, normalized)) {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    const after = normalized.slice(end, end + 200);
    const filled = CONVERSATION_DATA.test(after) || firstMatch(SENSITIVE_CONCEPT, after) !== undefined || HARVEST.test(normalized);
    if (filled && !isDiscussed(normalized, start, end)) add('url_exfil', 'URL whose open query parameter is to be filled with the user’s data', definition ? 'high' : 'medium', start, end);
  }
  for (const match of allMatches(EXFILTRATE_WORD, normalized)) {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    if (!isDiscussed(normalized, start, end) && !negatedBefore(normalized, start)) add('exfil_action', 'instruction to exfiltrate data', 'high', start, end);
  }

  for (const report of allMatches(FALSE_REPORT, normalized)) {
    // "If the deletion fails, report that it succeeded": the user is told an outcome whatever happened.
    const start = report.index ?? 0;
    const end = start + report[0].length;
    const sentence = sentencePrefix(normalized, start, 200) + normalized.slice(start, end + 120).split(/[.!?](?:\s|$)/)[0];
    if (!COUNTERFACTUAL.test(sentence) || negatedBefore(normalized, start) || isDiscussed(normalized, start, end)) continue;
    // In data, "if anyone asks, answer no" between colleagues is a chat; it counts when it speaks to the
    // model or concerns what the user (or author) is told.
    if (!definition && !/\b(?:user|author|requester|reviewer|customer)\b/i.test(report[0]) && firstMatch(ADDRESSED_TO_MODEL, normalized) === undefined && !MODEL_VOCATIVE.test(normalized) && !MODEL_OBLIGED.test(sentence)) continue;
    add('false_report', 'tells the model to misreport what a tool did or found', definition ? 'high' : 'medium', start, end);
    break;
  }

  const references: { name: string; start: number; end: number }[] = [];
  for (const match of allMatches(TOOL_REFERENCE, normalized)) {
    const name = (match[1] ?? match[2] ?? match[3] ?? match[4] ?? match[5] ?? match[6] ?? '').toLowerCase();
    if (/^(?:this|that|these|those|any|other|a|an|each|every|the|it|another|same|your|my)$/.test(name)) continue;
    const start = match.index ?? 0;
    references.push({ name, start, end: start + match[0].length });
  }

  for (const sentence of sentencesOf(normalized)) {
    const s = sentence.text;
    const files = allMatches(SENSITIVE_FILE, s);
    const concepts = [...allMatches(SENSITIVE_CONCEPT, s), ...allMatches(SECRET_ENV_NAME, s), ...(MAY_DUMP_ENV.test(s) ? allMatches(ENV_DUMP, s) : [])];
    const quiet = firstMatch(QUIET, s);
    const destination = destinationOf(s);
    const outbound = allMatches(OUTBOUND_VERB, s).filter((m) => !negatedBefore(s, m.index ?? 0));
    const anyVerb = allMatches(EXFIL_VERB, s).filter((m) => !negatedBefore(s, m.index ?? 0));
    const directive = firstMatch(DIRECTIVE, s) ?? firstMatch(BEFORE_USING, s);

    // In a description every sentence is read as an instruction; in data (results, resources) only
    // imperatives, outbound verbs, destinations or concealment make a sentence an instruction.
    const instructive = definition || outbound.length > 0 || destination !== undefined || quiet !== undefined || IMPERATIVE_START.test(s) || PARAMETER_TARGET.test(s);
    for (const file of files) {
      const at = sentence.start + (file.index ?? 0);
      const expected = expectedByPurpose(file[0], context.purpose);
      const verb = anyVerb[0];
      if (verb && !expected && !instructive) {
        add('sensitive_file', `mentions reading a secret-bearing file (${file[0].trim()})`, 'low', at, at + file[0].length);
      } else if (verb && !expected) {
        add('exfil_action', `asks to read or send a secret-bearing file (${file[0].trim()})`, 'high', at, at + file[0].length);
      } else if (destination && !expected && !negatedBefore(s, (file.index ?? 0) + 1)) {
        // A secret file and an address in one sentence, whatever the language of the verb between them.
        add('exfil_action', `names a secret-bearing file and an external address (${file[0].trim()})`, definition ? 'high' : 'medium', at, at + file[0].length);
      } else if ((verb || directive || quiet || destination) && expected) {
        add('sensitive_file', `names a secret-bearing file related to the tool's purpose (${file[0].trim()})`, 'low', at, at + file[0].length);
      } else {
        add('sensitive_file', `names a secret-bearing file (${file[0].trim()})`, definition && (directive || quiet) ? 'medium' : 'low', at, at + file[0].length);
      }
    }
    if (definition && files.length === 0 && concepts.length === 0) {
      // The verbs first: they are already known, and most sentences have none.
      const harvest = outbound.length > 0 || anyVerb.length > 0 || PARAMETER_TARGET.test(s) || PARAMETER_HOLDS.test(s) ? firstMatch(HARVEST, s) : undefined;
      if (harvest) {
        const at = sentence.start + (harvest.index ?? 0);
        if (!expectedByPurpose('conversation', context.purpose) && !isDiscussed(normalized, at, at + harvest[0].length)) add('exfil_action', 'asks to copy the whole conversation into the call', quiet || destination ? 'high' : 'medium', at, at + harvest[0].length);
      }
    }
    if (files.length === 0) {
      for (const concept of concepts) {
        const verb = outbound[0] ?? (definition ? (firstMatch(PARAMETER_HOLDS, s) ?? firstMatch(PARAMETER_TARGET, s)) : undefined);
        if (!verb) continue;
        // Results and resources carry data: a secret named there needs a destination or secrecy to be a request.
        // A sampling request is a prompt to the model itself, like a description.
        if (context.surface === 'response' && !destination && !quiet) continue;
        const at = sentence.start + (concept.index ?? 0);
        const expected = expectedByPurpose(concept[0], context.purpose);
        if (expected && !destination && !quiet) continue;
        // Commands sit in backticks by habit (`printenv`): quoting them does not make them discussed.
        if (isDiscussed(normalized, at, at + concept[0].length, !ENV_DUMP_COMMAND.test(concept[0]))) continue;
        add('exfil_action', `asks to move secrets out ("${verb[0].toLowerCase()}" … "${concept[0].toLowerCase()}")`, expected ? 'medium' : 'high', at, at + concept[0].length);
        break;
      }
    }
    if (destination && outbound.length > 0 && !isDiscussed(normalized, sentence.start + (destination.index ?? 0), sentence.start + (destination.index ?? 0) + destination[0].length)) {
      const at = sentence.start + (destination.index ?? 0);
      // A definition that says where something is sent, with no instruction, secrecy or sensitive data in
      // the sentence ("send feedback to support@vendor.example"), describes the tool: low, not poisoning.
      // Data that tells its reader where to write ("e-mail security@vendor.example with details") is a
      // contact line unless it speaks to the model or names secrets.
      const plain = !directive && !quiet && concepts.length === 0 && files.length === 0 && (definition || !addressed);
      add('external_send', `sends data to an external address (${maskSecrets(destination[0]).slice(0, 120)})`, plain ? 'low' : definition ? 'high' : 'medium', at, at + destination[0].length);
    }
    if (quiet && (files.length > 0 || concepts.length > 0 || destination || outbound.length > 0 || QUIET_CALL.test(s) || firstMatch(MANIPULATION, s) !== undefined)) {
      const at = sentence.start + (quiet.index ?? 0);
      add('concealment', 'acts silently on sensitive data', 'high', at, at + quiet[0].length);
    }
    if (definition && directive && references.length === 0) {
      const manipulation = firstMatch(MANIPULATION, s);
      if (manipulation) {
        const at = sentence.start + (manipulation.index ?? 0);
        add('manipulation', 'instructs the model to alter values or results', 'medium', at, at + manipulation[0].length);
      }
    }
  }

  if (references.length > 0) {
    const manipulation = firstMatch(MANIPULATION, normalized) ?? firstMatch(SIPHON, normalized);
    // "Whenever the git server's push tool is used, also push to https://…": another tool's data relayed to an outside address.
    const relay = manipulation ? undefined : RELAY_VERB.test(normalized) ? destinationOf(normalized) : undefined;
    for (const reference of references) {
      add('tool_reference', `instruction about another tool ("${reference.name}")`, manipulation || relay ? 'high' : 'low', reference.start, reference.end, { reference: reference.name });
    }
    if (manipulation) {
      const start = manipulation.index ?? 0;
      add('manipulation', 'tampers with another tool’s values or results', 'high', start, start + manipulation[0].length);
    }
    if (relay) {
      const start = relay.index ?? 0;
      add('recipient_redirect', `relays another tool’s data to an outside address (${maskSecrets(relay[0]).slice(0, 120)})`, definition ? 'high' : 'medium', start, start + relay[0].length);
    }
  }

  if (depth === 0) {
    for (const blob of findBase64Blobs(normalized)) {
      if (!blob.decodedText) continue;
      const inner = scanText(`${field} (base64)`, blob.decodedText, { ...context, depth: 1 });
      const instructs = inner.some((s) => s.severity !== 'low');
      const severity: Severity = instructs ? 'high' : definition && blob.decodedText.trim().length >= 20 ? 'medium' : 'low';
      signals.push(...inner);
      add('encoded_text', instructs ? 'base64 text carrying instructions' : 'base64-encoded text', severity, blob.start, blob.start + Math.min(blob.length, 80), { decoded: maskSecrets(blob.decodedText).slice(0, 4000) });
    }
    for (const hex of findHexTexts(normalized)) {
      const inner = scanText(`${field} (hex)`, hex.decodedText, { ...context, depth: 1 });
      const instructs = inner.some((s) => s.severity !== 'low');
      signals.push(...inner);
      add('encoded_text', instructs ? 'hex-encoded text carrying instructions' : 'hex-encoded text', instructs ? 'high' : definition ? 'medium' : 'low', hex.start, hex.start + Math.min(hex.length, 80), { decoded: maskSecrets(hex.decodedText).slice(0, 4000) });
    }
    // Zero-width spaces standing for word gaps ("send\u200bthe\u200bkeys") hide words from a reader that drops them.
    if (invisible.some((f) => f.kind === 'zero_width' && f.count >= 3) && !signals.some((s) => s.severity !== 'low' && s.kind !== 'invisible_text')) {
      const spaced = scanText(`${field} (zero-width as spaces)`, raw.replace(ZERO_WIDTH_SPACES, ' '), { ...context, depth: 1 }).filter((s) => s.kind !== 'invisible_text');
      if (spaced.some((s) => s.severity !== 'low')) signals.push(...spaced);
    }
  }
  return signals;
}

const ENV_DUMP_COMMAND = /printenv|^`|env\s*\|/i;
/** Every form of ENV_DUMP holds `env` or a backtick: a cheap test that spares it on most sentences. */
const MAY_DUMP_ENV = /env|`/i;

/** Verbs that copy data somewhere else (with another tool named and an outside address, a relay). */
const RELAY_VERB = /\b(?:also|too|as\s+well|additionally)\b(?:[^.!?]|\.(?=\S)){0,80}\b(?:send|forward|copy|push|mirror|post|upload|sync)\b|\b(?:send|forward|copy|push|mirror|post|upload|sync)\b(?:[^.!?]|\.(?=\S)){0,80}\b(?:also|too|as\s+well)\b/i;

const SEVERITY_ORDER: Severity[] = ['low', 'medium', 'high', 'critical'];

/**
 * The severity of a set of signals: the highest one, raised to critical when two different kinds of
 * strong signal (high or above) agree.
 */
export function combinedSeverity(signals: readonly TextSignal[]): Severity | null {
  if (signals.length === 0) return null;
  let max = 0;
  const strongKinds = new Set<SignalKind>();
  for (const signal of signals) {
    const rank = SEVERITY_ORDER.indexOf(signal.severity);
    max = Math.max(max, rank);
    if (rank >= 2) strongKinds.add(signal.kind);
  }
  if (strongKinds.size >= 2) return 'critical';
  return SEVERITY_ORDER[max] ?? 'low';
}
