import { severityRank, type Alert, type EvidenceMatch, type Severity, type ToolDefinition } from '@palisade/schema';
import { createAlert } from '../engine/alert.factory.js';
import type { DetectionContext } from '../engine/detection-context.js';
import { foldToolName, indexTool, pinKey, serverKey, sessionKey, type EngineState } from '../engine/engine-state.js';
import { foreignMentionSignal, scanToolDefinition, schemaProperties, type DefinitionScan } from '../scanners/tool-definition.scanner.js';
import { combinedSeverity, scanText, SHADOWING_KINDS, type TextSignal } from '../scanners/text-signal.scanner.js';
import type { OutboundCall } from './cross-server-flow.detector.js';
import { definitionHash, diffDefinitions, pinnedShape } from './definition-diff.js';
import { assessDrift, driftMatches } from './description-drift.detector.js';
import { classifyChange, foldedSummary, newVolatility, noteDriftAlert, volatilityNotes, weighChange, type DefinitionVolatility } from './definition-volatility.js';
import { rememberNamedRecipients } from './named-recipient.detector.js';
import { emitShadowingOnce, emitTwinServersOnce } from './raised-shadowing.js';

/** A tool's pin: the first-seen or approved definition, the current one, and what was flagged. */
export interface ToolPinRecord {
  server: string;
  tool: string;
  pinnedHash: string;
  currentHash: string;
  firstSeen: string;
  lastSeen: string;
  approvedAt: string | null;
  approvedBy: string | null;
  versions: number;
  pinned: ToolDefinition;
  current: ToolDefinition;
  /** Hashes already seen for this tool (a flip back and forth alerts once per version). */
  seenHashes: string[];
  /** Session in which the current definition was last listed. */
  lastSession: string;
  /** Parameters the current definition has and the pinned one had not. */
  addedParams: string[];
  /** Flags of the current definition. */
  poisoning: Severity | null;
  shadowing: Severity | null;
  /** Tool-like names the description mentions (cross-server shadowing once they appear). */
  mentions: string[];
  /** Addresses and URL hosts the definition names, when it is flagged (a call sending to one is caught). */
  namedRecipients?: string[];
  /** Flags of each version seen (by hash), so a known version is never scanned again. */
  versionFlags: Record<string, { poisoning: Severity | null; shadowing: Severity | null }>;
  /** The tools/list event in which the current definition first appeared. */
  eventId: string;
  /** Benign changes of the definition, and whether the tool counts as volatile (absent until it first changes). */
  volatility?: DefinitionVolatility;
}

/** A server's instructions (from initialize) and the paths its clients allow (roots/list). */
export interface ServerRecord {
  server: string;
  instructionsHash: string | null;
  instructions: string | null;
  instructionsFlag: Severity | null;
  roots: string[];
  /** Benign changes of the instructions, and whether they count as volatile (absent until they first change). */
  volatility?: DefinitionVolatility;
}

export interface SessionRecord {
  session: string;
  server: string;
  lastTs: number;
  calls: number;
  /** A tools/list_changed notification came in this session (a following redefinition is mid-session). */
  listChanged: boolean;
  rate: { minute: number; count: number; alerted: boolean; history: number[] };
  /** Recent calls by argument-line hashes, for a sensitive read of another server arriving after them (cross-server flow). */
  out?: OutboundCall[];
}

const MAX_TOOLS_PER_LIST = 2000;
const MAX_SEEN_HASHES = 16;
const MAX_DEFINITION_CHARS = 65_536;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A definition whose description or title is not a string (a server controls its own tools/list) is
 * read with that value as JSON text: the model may still see it, so it is scanned, never trusted to be
 * a string (a number here once stopped the whole pipeline).
 */
export function definitionAsText(definition: ToolDefinition): ToolDefinition {
  const { description, title } = definition as { description?: unknown; title?: unknown };
  if ((description === undefined || typeof description === 'string') && (title === undefined || typeof title === 'string')) return definition;
  const asText = (value: unknown): string | undefined => (value === undefined || typeof value === 'string' ? value : JSON.stringify(value) ?? String(value));
  const out: Record<string, unknown> = { ...definition };
  const text = { description: asText(description), title: asText(title) };
  for (const [field, value] of Object.entries(text)) if (value !== undefined) out[field] = value;
  return out as ToolDefinition;
}

/** Keeps a stored definition bounded (descriptions and schemas of absurd size are cut). */
function boundedDefinition(definition: ToolDefinition): ToolDefinition {
  const shape = pinnedShape(definition);
  if (JSON.stringify(shape).length <= MAX_DEFINITION_CHARS) return shape;
  return { name: shape.name, description: (shape.description ?? '').slice(0, MAX_DEFINITION_CHARS / 2), inputSchema: { truncated: true } };
}

function signalMatch(signal: TextSignal): EvidenceMatch {
  return {
    field: signal.field,
    text: signal.text,
    signal: signal.signal,
    ...(signal.start !== undefined && signal.end !== undefined ? { start: signal.start, end: signal.end } : {}),
    ...(signal.decoded ? { decoded: signal.decoded } : {}),
  };
}

function bySeverity(signals: readonly TextSignal[]): TextSignal[] {
  return [...signals].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
}

export function sessionRecord(state: EngineState, session: string, server: string, tsMs: number): SessionRecord {
  const key = sessionKey(session);
  let record = state.get<SessionRecord>(key);
  if (!record) record = state.set<SessionRecord>(key, { session, server, lastTs: tsMs, calls: 0, listChanged: false, rate: { minute: 0, count: 0, alerted: false, history: [] } });
  else {
    record.lastTs = Math.max(record.lastTs, tsMs);
    state.touch(key);
  }
  return record;
}

function scanContext(state: EngineState, server: string, ownTools: ReadonlySet<string>) {
  return {
    ownTools,
    foreignServerOf: (name: string): string | undefined => {
      for (const other of state.toolsByName.get(name) ?? []) if (other !== server) return other;
      return undefined;
    },
  };
}

/** Raises tool_poisoning and tool_shadowing alerts for one scanned definition (`hash`: its definition hash). */
function raiseDefinitionAlerts(ctx: DetectionContext, tool: string | null, scan: DefinitionScan, where: string, state: EngineState, hash: string): { poisoning: Severity | null; shadowing: Severity | null } {
  const label = tool === null ? `server "${ctx.view.server}" instructions` : `tool "${tool}"`;
  const poisoning = combinedSeverity(scan.poisoning);
  if (poisoning) {
    const top = bySeverity(scan.poisoning);
    ctx.emit({
      category: 'tool_poisoning',
      severity: poisoning,
      title: tool === null ? `Server instructions carry hidden instructions (${ctx.view.server})` : `Tool description carries hidden instructions: ${tool}`,
      tool,
      discriminator: `${where}:${tool ?? '(instructions)'}`,
      evidence: {
        summary: `The ${where} of ${label} on server "${ctx.view.server}" holds text aimed at the model: ${[...new Set(top.map((s) => s.signal))].slice(0, 4).join('; ')}.`,
        matches: top.map(signalMatch),
        details: { signals: top.length, strongest: top[0]?.kind },
      },
    });
  }
  const shadowing = combinedSeverity(scan.shadowing);
  if (shadowing) {
    const top = bySeverity(scan.shadowing);
    const reference = top.find((s) => s.reference)?.reference;
    const victimServer = reference ? [...(state.toolsByName.get(reference) ?? [])].find((s) => s !== ctx.view.server) : undefined;
    emitShadowingOnce(ctx, { via: 'text', hash, shadowed: reference ?? '', victimKnown: victimServer !== undefined }, {
      category: 'tool_shadowing',
      severity: shadowing,
      title: tool === null ? `Server instructions try to steer other tools (${ctx.view.server})` : `Tool description tries to change how other tools behave: ${tool}`,
      tool,
      discriminator: `${where}:${tool ?? '(instructions)'}`,
      evidence: {
        summary: `The ${where} of ${label} gives instructions about other tools or recipients: ${[...new Set(top.map((s) => s.signal))].slice(0, 4).join('; ')}.`,
        matches: top.map(signalMatch),
        ...(reference ? { victim: { server: victimServer ?? ctx.view.server, tool: reference } } : {}),
      },
    });
  }
  return { poisoning, shadowing };
}

/** A remembered flag re-announced to the correlation rules when a flagged tool is listed again. */
function rememberFlag(ctx: DetectionContext, pin: ToolPinRecord): void {
  for (const category of ['tool_poisoning', 'tool_shadowing'] as const) {
    const severity = category === 'tool_poisoning' ? pin.poisoning : pin.shadowing;
    if (!severity || severityRank(severity) < severityRank('medium')) continue;
    const alert: Alert = createAlert({
      category,
      severity,
      title: `Flagged tool listed again: ${pin.tool}`,
      server: pin.server,
      tool: pin.tool,
      sessionId: ctx.view.session,
      ts: ctx.view.event.ts,
      eventIds: [ctx.view.event.id],
      discriminator: `remembered:${pin.tool}`,
      evidence: { summary: `Tool "${pin.tool}" was flagged ${category} (${severity}) when its current definition was first seen (event ${pin.eventId}).` },
    });
    ctx.records.push(ctx.alertRecord(alert, true));
  }
}

/** When a new tool name appears, the definitions of other servers that already named it are shadowing it. */
function checkEarlierMentions(ctx: DetectionContext, server: string, tool: string): void {
  const state = ctx.state;
  for (const key of state.mentionIndex.get(tool) ?? []) {
    const pin = state.get<ToolPinRecord>(key);
    if (!pin || pin.server === server) continue;
    const signal = foreignMentionSignal(pin.current.description ?? '', tool, server);
    if (signal.severity === 'low') continue;
    emitShadowingOnce(ctx, { via: 'text', hash: pin.currentHash, shadowed: tool, victimKnown: true }, {
      category: 'tool_shadowing',
      severity: signal.severity,
      title: `Tool description gives instructions about another server's tool: ${pin.tool}`,
      server: pin.server,
      tool: pin.tool,
      sessionId: null,
      discriminator: `mention:${pin.server}:${pin.tool}:${server}:${tool}`,
      evidence: {
        summary: `Tool "${pin.tool}" on server "${pin.server}" (listed in event ${pin.eventId}) gives instructions about "${tool}", which server "${server}" has just listed.`,
        matches: [signalMatch(signal)],
        victim: { server, tool, eventId: ctx.view.event.id },
      },
    });
  }
}

/** Shared tools named in a twin alert's evidence (the count says how many there are). */
const MAX_TWIN_TOOLS_SHOWN = 10;

/**
 * A tool name another server already lists: a look-alike (`send_email_`, `sendEmail`, `send-email` for
 * `send_email`) is squatting (medium); the same name with another definition is ambiguous for the model
 * (low); both are raised per tool. The same name with the same definition is the same server run under
 * another collector name: nothing is raised per tool, and the servers listing it so are returned (the
 * caller raises one alert per pair of servers, `raiseTwinServers`).
 */
function checkNameCollision(ctx: DetectionContext, server: string, tool: string, hash: string): string[] {
  const others = [...(ctx.state.foldedNames.get(foldToolName(tool)) ?? [])].map((entry) => entry.split('\u0000') as [string, string]).filter(([s]) => s !== server);
  if (others.length === 0) return [];
  const lookAlike = others.find(([, t]) => t !== tool);
  const differing = others.find(([s, t]) => t === tool && ctx.state.get<ToolPinRecord>(pinKey(s, t))?.currentHash !== hash);
  if (!lookAlike && !differing) return others.map(([s]) => s);
  const [victimServer, victimTool] = lookAlike ?? differing ?? ['', ''];
  emitShadowingOnce(ctx, { via: 'name', hash, shadowed: victimTool, victimKnown: true }, {
    category: 'tool_shadowing',
    severity: lookAlike ? 'medium' : 'low',
    title: lookAlike ? `Tool name imitates a tool of server "${victimServer}": ${tool}` : `Tool name also listed by server "${victimServer}": ${tool}`,
    tool,
    discriminator: `name:${tool}`,
    evidence: {
      summary: lookAlike
        ? `Server "${server}" lists "${tool}", a look-alike of "${victimTool}" on server "${victimServer}": the model may call the wrong one (name squatting).`
        : `Server "${server}" lists "${tool}", a name server "${victimServer}" already uses for another definition: the model may call either.`,
      matches: [{ field: 'name', text: tool, signal: lookAlike ? `look-alike of ${victimServer}/${victimTool}` : `same name as ${victimServer}/${victimTool}` }],
      victim: { server: victimServer, tool: victimTool },
    },
  });
  return [];
}

/**
 * One low alert per other server whose tools this listing repeats definition for definition (a server run
 * twice, as `files` and `files-home`): one finding for the pair, not one per shared tool.
 */
function raiseTwinServers(ctx: DetectionContext, twins: ReadonlyMap<string, readonly string[]>): void {
  const server = ctx.view.server;
  for (const [twin, tools] of twins) {
    const shown = tools.slice(0, MAX_TWIN_TOOLS_SHOWN);
    const count = `${tools.length} tool${tools.length === 1 ? '' : 's'}`;
    emitTwinServersOnce(ctx, twin, {
      category: 'tool_shadowing',
      severity: 'low',
      title: `Server lists ${count} exactly as server "${twin}" does: ${server}`,
      tool: null,
      discriminator: `twin:${twin}`,
      evidence: {
        summary: `Server "${server}" lists ${count} with the same names and definitions as server "${twin}" (${shown.join(', ')}${tools.length > shown.length ? ', …' : ''}): most likely the same server under two collector names; the model may call either.`,
        matches: shown.map((tool) => ({ field: 'name', text: tool, signal: `same definition as ${twin}/${tool}` })),
        victim: { server: twin, tool: null },
        details: { sharedTools: tools.length },
      },
    });
  }
}

function indexMentions(state: EngineState, key: string, mentions: readonly string[]): void {
  for (const name of mentions) {
    let keys = state.mentionIndex.get(name);
    if (!keys) state.mentionIndex.set(name, (keys = new Set()));
    keys.add(key);
  }
}

/**
 * tools/list: pins each tool's definition on first sight (and scans it for poisoning and shadowing),
 * raises description_drift when a definition differs from its pin (severity by what changed, with a
 * diff), and re-announces flagged tools to the correlation rules.
 */
export function handleToolsList(ctx: DetectionContext): void {
  const { state, view } = ctx;
  const result = view.result;
  const tools = isRecord(result) && Array.isArray(result['tools']) ? (result['tools'] as unknown[]).slice(0, MAX_TOOLS_PER_LIST) : [];
  const definitions = tools.filter((t): t is ToolDefinition => isRecord(t) && typeof t['name'] === 'string' && t['name'].length > 0 && t['name'].length <= 1000).map(definitionAsText);
  const ownTools = new Set(definitions.map((d) => d.name));
  const session = sessionRecord(state, view.session, view.server, view.tsMs);
  const context = scanContext(state, view.server, ownTools);
  /** Other servers listing the same definitions as this listing's new tools → those tools. */
  const twins = new Map<string, string[]>();

  for (const definition of definitions) {
    const key = pinKey(view.server, definition.name);
    const hash = definitionHash(definition);
    const pin = state.get<ToolPinRecord>(key);
    if (!pin) {
      const scan = scanToolDefinition(definition, context);
      const flags = raiseDefinitionAlerts(ctx, definition.name, scan, 'definition', state, hash);
      const stored = boundedDefinition(definition);
      state.set<ToolPinRecord>(key, {
        server: view.server,
        tool: definition.name,
        pinnedHash: hash,
        currentHash: hash,
        firstSeen: view.event.ts,
        lastSeen: view.event.ts,
        approvedAt: null,
        approvedBy: null,
        versions: 1,
        pinned: stored,
        current: stored,
        seenHashes: [hash],
        lastSession: view.session,
        addedParams: [],
        poisoning: flags.poisoning,
        shadowing: flags.shadowing,
        mentions: scan.mentions.slice(0, 20),
        versionFlags: { [hash]: flags },
        eventId: view.event.id,
      });
      for (const twin of checkNameCollision(ctx, view.server, definition.name, hash)) {
        const shared = twins.get(twin);
        if (shared) shared.push(definition.name);
        else twins.set(twin, [definition.name]);
      }
      indexTool(state, view.server, definition.name);
      indexMentions(state, key, scan.mentions.slice(0, 20));
      rememberNamedRecipients(state, key, state.get<ToolPinRecord>(key)!, definition);
      checkEarlierMentions(ctx, view.server, definition.name);
      continue;
    }
    if (hash === pin.currentHash) {
      if (view.tsMs - Date.parse(pin.lastSeen) > 60_000 || pin.lastSession !== view.session) {
        pin.lastSeen = view.event.ts;
        pin.lastSession = view.session;
        state.touch(key);
      }
      rememberFlag(ctx, pin);
      continue;
    }
    // The definition differs from the current one.
    const midSession = pin.lastSession === view.session;
    const alreadySeen = pin.seenHashes.includes(hash);
    const stored = boundedDefinition(definition);
    const pinnedParams = Object.keys(schemaProperties(pin.pinned.inputSchema));
    const newParams = Object.keys(schemaProperties(definition.inputSchema)).filter((p) => !pinnedParams.includes(p));
    const known = pin.versionFlags?.[hash];
    if (hash !== pin.pinnedHash && !alreadySeen) {
      const afterScan = scanToolDefinition(definition, context);
      const beforeScan = scanToolDefinition(pin.pinned, context);
      const drift = assessDrift(pin.pinned, definition, beforeScan, afterScan);
      const benign = severityRank(drift.severity) < severityRank('medium') && drift.newSignals.length === 0;
      const classified = benign ? classifyChange(pin.current, stored) : null;
      const volatility = (pin.volatility ??= newVolatility());
      const weighed = weighChange(volatility, classified, view.tsMs, view.event.ts);
      if (weighed.alert) {
        const when = midSession ? `mid-session${session.listChanged ? ' after tools/list_changed' : ''}` : 'in a new session (reconnect or restart)';
        const folded = foldedSummary(volatility);
        const notes = volatilityNotes(weighed.becameVolatile, folded);
        const alert = ctx.emit({
          category: 'description_drift',
          severity: drift.severity,
          title: `Tool definition changed since it was ${pin.approvedAt ? 'approved' : 'first seen'}: ${definition.name}`,
          tool: definition.name,
          discriminator: `drift:${definition.name}`,
          evidence: {
            summary: [`The definition of "${definition.name}" on server "${view.server}" changed ${when}: ${drift.changes.slice(0, 6).join('; ')}.`, ...notes].join(' '),
            matches: driftMatches(drift),
            diff: drift.diff,
            details: {
              changes: drift.changes,
              addedParams: drift.addedParams,
              removedParams: drift.removedParams,
              pinnedHash: pin.pinnedHash,
              previousHash: pin.currentHash,
              currentHash: hash,
              when: midSession ? 'mid-session' : 'new-session',
              listChanged: session.listChanged,
              pinnedSince: pin.approvedAt ?? pin.firstSeen,
              ...(classified ? { change: classified.change } : {}),
              ...(volatility.since ? { volatileSince: volatility.since } : {}),
              ...(folded ? { folded } : {}),
            },
          },
        });
        noteDriftAlert(volatility, alert, view.tsMs);
        raiseDefinitionAlerts(ctx, definition.name, { ...afterScan, poisoning: afterScan.poisoning.filter((s) => drift.newSignals.includes(s)), shadowing: afterScan.shadowing.filter((s) => drift.newSignals.includes(s)) }, 'new definition', state, hash);
      }
      pin.poisoning = combinedSeverity(afterScan.poisoning);
      pin.shadowing = combinedSeverity(afterScan.shadowing);
      pin.mentions = afterScan.mentions.slice(0, 20);
      indexMentions(state, key, pin.mentions);
    } else if (known) {
      pin.poisoning = known.poisoning;
      pin.shadowing = known.shadowing;
      rememberFlag(ctx, pin);
    } else {
      const scan = scanToolDefinition(definition, context);
      pin.poisoning = combinedSeverity(scan.poisoning);
      pin.shadowing = combinedSeverity(scan.shadowing);
      rememberFlag(ctx, pin);
    }
    pin.versionFlags = { ...Object.fromEntries(Object.entries(pin.versionFlags ?? {}).filter(([h]) => pin.seenHashes.includes(h) || h === hash)), [hash]: { poisoning: pin.poisoning, shadowing: pin.shadowing } };
    pin.current = stored;
    pin.currentHash = hash;
    pin.lastSeen = view.event.ts;
    pin.lastSession = view.session;
    pin.versions += alreadySeen ? 0 : 1;
    pin.eventId = view.event.id;
    pin.addedParams = newParams;
    if (!alreadySeen) pin.seenHashes = [...pin.seenHashes, hash].slice(-MAX_SEEN_HASHES);
    rememberNamedRecipients(state, key, pin, definition);
    state.touch(key);
  }
  raiseTwinServers(ctx, twins);
  if (session.listChanged) {
    session.listChanged = false;
    state.touch(sessionKey(view.session));
  }
}

/**
 * initialize: scans the server's instructions (tool_poisoning / tool_shadowing with `tool: null`) when
 * they are new or changed, and raises description_drift when they changed.
 */
export function handleInitialize(ctx: DetectionContext): void {
  const { state, view } = ctx;
  sessionRecord(state, view.session, view.server, view.tsMs);
  const result = view.result;
  const instructions = isRecord(result) && typeof result['instructions'] === 'string' ? result['instructions'] : null;
  const key = serverKey(view.server);
  const record = state.get<ServerRecord>(key) ?? state.set<ServerRecord>(key, { server: view.server, instructionsHash: null, instructions: null, instructionsFlag: null, roots: [] });
  if (instructions === null) return;
  const hash = definitionHash({ name: '(instructions)', description: instructions });
  if (hash === record.instructionsHash) return;
  const signals = scanText('instructions', instructions, { surface: 'definition', purpose: view.server });
  const scan: DefinitionScan = { poisoning: signals.filter((s) => !SHADOWING_KINDS.has(s.kind)), shadowing: signals.filter((s) => SHADOWING_KINDS.has(s.kind)), mentions: [], params: [] };
  const flags = raiseDefinitionAlerts(ctx, null, scan, 'instructions', state, hash);
  if (record.instructions !== null) {
    const before = { name: '(instructions)', description: record.instructions };
    const after = { name: '(instructions)', description: instructions };
    const severity: Severity = flags.poisoning && severityRank(flags.poisoning) >= severityRank('high') ? 'critical' : flags.poisoning || flags.shadowing ? 'high' : 'low';
    const classified = severity === 'low' ? classifyChange(before, { ...after, description: instructions.slice(0, MAX_DEFINITION_CHARS) }) : null;
    const volatility = (record.volatility ??= newVolatility());
    const weighed = weighChange(volatility, classified, view.tsMs, view.event.ts);
    if (weighed.alert) {
      const folded = foldedSummary(volatility);
      const alert = ctx.emit({
        category: 'description_drift',
        severity,
        title: `Server instructions changed (${view.server})`,
        tool: null,
        discriminator: 'drift:(instructions)',
        evidence: {
          summary: [`The instructions of server "${view.server}" changed since they were first seen.`, ...volatilityNotes(weighed.becameVolatile, folded)].join(' '),
          diff: diffDefinitions(before, after, 'before', 'now'),
          details: { previousHash: record.instructionsHash, currentHash: hash, ...(classified ? { change: classified.change } : {}), ...(volatility.since ? { volatileSince: volatility.since } : {}), ...(folded ? { folded } : {}) },
        },
      });
      noteDriftAlert(volatility, alert, view.tsMs);
    }
  }
  record.instructionsHash = hash;
  record.instructions = instructions.slice(0, MAX_DEFINITION_CHARS);
  record.instructionsFlag = flags.poisoning;
  state.touch(key);
}

/** notifications/tools/list_changed: the next tools/list of this session is a mid-session redefinition. */
export function handleListChanged(ctx: DetectionContext): void {
  const session = sessionRecord(ctx.state, ctx.view.session, ctx.view.server, ctx.view.tsMs);
  session.listChanged = true;
}
