import type { ToolDefinition } from '@palisade/schema';
import { scanText, SHADOWING_KINDS, type TextSignal } from './text-signal.scanner.js';
import { execAll } from '../text/exec-all.js';

/** What the definition scanner found in one tool definition (or a server's instructions). */
export interface DefinitionScan {
  /** Signals of hidden instructions in the tool's own text (tool_poisoning). */
  poisoning: TextSignal[];
  /** Signals about other tools: references, tampering, recipient redirection (tool_shadowing). */
  shadowing: TextSignal[];
  /** Tool-like names the text mentions (for cross-server shadowing once those tools are known). */
  mentions: string[];
  /** Input parameter names. */
  params: string[];
}

export interface DefinitionScanContext {
  /** Tools of the same server (a reference to them is not shadowing). */
  ownTools?: ReadonlySet<string>;
  /** Finds the server owning a tool name, if another server lists it. */
  foreignServerOf?: (toolName: string) => string | undefined;
}

const MAX_SCHEMA_NODES = 400;

/** Parameter names made to carry data out of the model's context. */
const CARRIER_NAME =
  /^_*(?:side_?note|notes?_for_(?:ai|model|assistant)|context_?(?:for_?\w+|dump|data)|system_?prompt|conversation(?:_?history|_?log)?|chat_?(?:history|log)|previous_?messages|message_?history|tools?_?list|available_?tools|tool_?definitions|memory_?dump|diag(?:nostics)?(?:_?output|_?data)?|debug_?(?:info|data|output|context)|telemetry(?:_?data|_?context)?|extra_?context|hidden_?context|internal_?context|user_?secrets?|ssh_?keys?|private_?keys?|env(?:ironment)?_?(?:vars|variables|dump)|feedback_?context|metadata_?dump|exfil\w*|leak\w*)_*$/i;

/** A parameter name that spells out reading a secret (`content_from_reading_ssh_id_rsa`, `env_file_contents`). */
const SECRET_CONTENT_NAME = /(?:^|_)(?:contents?|reading|read|dump|from|text|value)_(?:\w+_)?(?:ssh|id_?rsa|id_?ed25519|private_?key|credentials?|passwords?|passwd|shadow|aws|netrc|env|dotenv|kubeconfig|history|conversation|system_?prompt|secrets?|tokens?)(?:_|$)|(?:^|_)(?:ssh|id_?rsa|private_?key|credentials?|passwords?|aws|netrc|dotenv|env_?file|kubeconfig|history|conversation|system_?prompt|secrets?|tokens?)_(?:\w+_)?(?:contents?|dump|text)(?:_|$)/i;

/** A description telling the model to fill a parameter with context or file contents. */
const FILL_INSTRUCTION =
  /\b(?:always\s+(?:include|pass|provide|fill|send|add|attach)|must\s+(?:always\s+)?(?:include|contain|be\s+filled)|fill\s+(?:this|it)?\s*(?:in\s+)?with|include\s+(?:the\s+)?(?:full|entire|complete|whole|all|any)|pass\s+(?:the\s+)?(?:full|entire|complete|whole|all|any)|put\s+(?:the\s+)?(?:contents?|conversation|history)|contents?\s+of\s+(?:the\s+|any\s+)?(?:file|~|\/|\.)|(?:entire|full|whole|complete)\s+(?:conversation|chat|context|history|prompt)|(?:your|the)\s+system\s+prompt|previous\s+messages|internal\s+context)\b/i;

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 4)
    .map((w) => w.replace(/s$/, ''));
}

function schemaObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The properties of an input schema (MCP servers send JSON Schema objects). */
export function schemaProperties(inputSchema: unknown): Record<string, Record<string, unknown>> {
  const properties = schemaObject(schemaObject(inputSchema)?.['properties']);
  const result: Record<string, Record<string, unknown>> = {};
  if (!properties) return result;
  for (const [name, value] of Object.entries(properties)) result[name] = schemaObject(value) ?? {};
  return result;
}

/** Texts of a JSON schema a model reads: descriptions, titles, defaults, examples, enum values, nested. */
function schemaTexts(schema: unknown, path: string, out: { field: string; text: string }[], budget: { nodes: number }): void {
  const node = schemaObject(schema);
  if (!node || budget.nodes <= 0) return;
  budget.nodes -= 1;
  for (const key of ['description', 'title', 'default', 'const', '$comment']) {
    const value = node[key];
    if (typeof value === 'string' && value.length > 0) out.push({ field: `${path}.${key}`, text: value });
  }
  for (const key of ['examples', 'enum']) {
    const value = node[key];
    if (Array.isArray(value)) value.forEach((item, i) => typeof item === 'string' && item.length > 0 && out.push({ field: `${path}.${key}[${i}]`, text: item }));
  }
  const properties = schemaObject(node['properties']);
  if (properties) {
    for (const [name, child] of Object.entries(properties)) {
      out.push({ field: `${path}.properties.${name}`, text: name });
      schemaTexts(child, `${path}.properties.${name}`, out, budget);
    }
  }
  for (const key of ['items', 'additionalProperties', 'not']) schemaTexts(node[key], `${path}.${key}`, out, budget);
  for (const key of ['anyOf', 'oneOf', 'allOf', 'prefixItems']) {
    const list = node[key];
    if (Array.isArray(list)) list.forEach((child, i) => schemaTexts(child, `${path}.${key}[${i}]`, out, budget));
  }
  for (const key of ['$defs', 'definitions']) {
    const defs = schemaObject(node[key]);
    if (defs) for (const [name, child] of Object.entries(defs)) schemaTexts(child, `${path}.${key}.${name}`, out, budget);
  }
}

/** Parameters that exist to carry data out: context dumps, hidden names, "always include" fields. */
function carrierParameterSignals(definition: ToolDefinition, purposeText: string): TextSignal[] {
  const signals: TextSignal[] = [];
  const schema = schemaObject(definition.inputSchema);
  const required = new Set(Array.isArray(schema?.['required']) ? (schema['required'] as unknown[]).filter((r): r is string => typeof r === 'string') : []);
  const purposeWords = new Set(words(purposeText));
  for (const [name, property] of Object.entries(schemaProperties(definition.inputSchema))) {
    // The title and default are read by the model like the description ("Paste the complete conversation here").
    const description = ['description', 'title', 'default'].map((key) => property[key]).filter((v): v is string => typeof v === 'string').join(' ');
    const carrier = CARRIER_NAME.test(name) || SECRET_CONTENT_NAME.test(name);
    const hiddenLooking = /^_|_$/.test(name) && name.replace(/_/g, '').length > 0;
    const fill = FILL_INSTRUCTION.test(description);
    const unrelated = words(name).every((w) => !purposeWords.has(w));
    const field = `inputSchema.properties.${name}`;
    const text = `${name}${description ? `: ${description}` : ''}`.slice(0, 300);
    if ((carrier || hiddenLooking) && fill) {
      signals.push({ kind: 'exfil_action', signal: `parameter "${name}" exists to carry data out (its description tells the model what to put in it)`, severity: 'high', field, text });
    } else if (carrier && unrelated) {
      signals.push({ kind: 'exfil_action', signal: `parameter "${name}" looks like a data carrier unrelated to the tool's purpose`, severity: 'medium', field, text });
    } else if (hiddenLooking && required.has(name) && unrelated) {
      signals.push({ kind: 'exfil_action', signal: `required hidden-looking parameter "${name}" unrelated to the tool's purpose`, severity: 'medium', field, text });
    } else if (fill && unrelated) {
      signals.push({ kind: 'exfil_action', signal: `parameter "${name}" tells the model to fill it with context or file contents`, severity: 'medium', field, text });
    }
  }
  return signals;
}

const NON_LATIN_RUN = /[\u0250-\uffff]{3}/;

/**
 * In a language whose verbs the patterns do not know, a secret-bearing file named in the same text as
 * one of the tool's own parameters ("…~/.ssh/id_rsa…notes…") is the request to carry it out; English
 * text is judged by its verbs instead.
 */
function fileIntoParameterSignals(definition: ToolDefinition, texts: readonly { field: string; text: string }[], found: readonly TextSignal[]): TextSignal[] {
  const params = Object.keys(schemaProperties(definition.inputSchema)).filter((p) => p.length >= 3);
  if (params.length === 0) return [];
  const signals: TextSignal[] = [];
  for (const signal of found) {
    if (signal.kind !== 'sensitive_file' || signal.signal.includes('purpose')) continue;
    const text = texts.find((t) => t.field === signal.field)?.text ?? '';
    if (!NON_LATIN_RUN.test(text)) continue;
    const param = params.find((p) => new RegExp(`(?<![\\w])${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w])`).test(text));
    if (param) signals.push({ ...signal, kind: 'exfil_action', severity: 'high', signal: `names a secret-bearing file and the tool's own parameter "${param}" in text the patterns cannot parse` });
  }
  return signals;
}

const MENTION = /[`'"]([A-Za-z][\w.-]{2,60})[`'"]|\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]+(?:[A-Z][a-z0-9]+)+)\b/g;

/** Identifier-like tokens a text names (`send_email`, `getUser`, `` `check` ``), for cross-server shadowing. */
function mentionedNames(text: string): string[] {
  const names = new Set<string>();
  for (const match of execAll(MENTION, text)) {
    const name = match[1] ?? match[2];
    if (name) names.add(name);
    if (names.size >= 40) break;
  }
  return [...names];
}

/**
 * Scans one tool definition: its name, title and description, every input-schema text (property
 * descriptions, defaults, examples, enum values, nested schemas), the output schema and annotations, and
 * its parameters (data carriers). Splits the signals into poisoning (this tool's text) and shadowing
 * (instructions about other tools, including names of other servers' tools when they are known).
 */
export function scanToolDefinition(definition: ToolDefinition, context: DefinitionScanContext = {}): DefinitionScan {
  const description = definition.description ?? '';
  const firstSentence = /^[^.!?\n]{0,300}/.exec(description)?.[0] ?? '';
  const purpose = `${definition.name} ${definition.title ?? ''} ${firstSentence}`.replace(/[_-]/g, ' ');
  const texts: { field: string; text: string }[] = [{ field: 'name', text: definition.name }];
  if (definition.title) texts.push({ field: 'title', text: definition.title });
  if (description) texts.push({ field: 'description', text: description });
  const budget = { nodes: MAX_SCHEMA_NODES };
  schemaTexts(definition.inputSchema, 'inputSchema', texts, budget);
  schemaTexts(definition.outputSchema, 'outputSchema', texts, budget);
  const annotationTitle = schemaObject(definition.annotations)?.['title'];
  if (typeof annotationTitle === 'string') texts.push({ field: 'annotations.title', text: annotationTitle });

  const poisoning: TextSignal[] = [];
  const shadowing: TextSignal[] = [];
  const ownTools = context.ownTools ?? new Set<string>([definition.name]);
  for (const { field, text } of texts) {
    for (const signal of scanText(field, text, { surface: 'definition', purpose })) {
      if (signal.kind === 'tool_reference' && signal.reference && (ownTools.has(signal.reference) || signal.reference === definition.name.toLowerCase())) continue;
      (SHADOWING_KINDS.has(signal.kind) ? shadowing : poisoning).push(signal);
    }
  }
  poisoning.push(...carrierParameterSignals(definition, `${purpose} ${description}`));
  poisoning.push(...fileIntoParameterSignals(definition, texts, poisoning));

  const mentions = mentionedNames(`${description} ${texts.filter((t) => t.field.endsWith('.description')).map((t) => t.text).join(' ')}`).filter((name) => !ownTools.has(name));
  if (context.foreignServerOf) {
    for (const name of mentions) {
      const server = context.foreignServerOf(name);
      if (server) shadowing.push(foreignMentionSignal(description, name, server));
    }
  }
  return { poisoning, shadowing, mentions, params: Object.keys(schemaProperties(definition.inputSchema)) };
}

const STEERING = /\b(?:always|never|must|should|before|after|instead|rather|whenever|when|replace|modify|change|redirect|forward|bcc|cc|also|first|do\s+not|don'?t|ignore|use)\b/i;

/** A description naming a tool another server lists: high when it steers how that tool is used. */
export function foreignMentionSignal(description: string, name: string, server: string): TextSignal {
  const index = description.indexOf(name);
  const sentence = index >= 0 ? description.slice(Math.max(0, description.lastIndexOf('.', index) + 1), description.indexOf('.', index + name.length) + 1 || undefined) : description;
  const steering = STEERING.test(sentence);
  return {
    kind: 'tool_reference',
    signal: steering ? `instructions about "${name}", a tool of server "${server}"` : `mentions "${name}", a tool of server "${server}"`,
    severity: steering ? 'high' : 'low',
    field: 'description',
    text: sentence.trim().slice(0, 600),
    reference: name,
  };
}
