import type { Alert } from '@palisade/schema';
import type { DetectionContext, DetectorAlert } from '../engine/detection-context.js';
import { shadowingKey } from '../engine/engine-state.js';

/** The tool_shadowing findings raised for one shadowing tool (or at server level: its instructions, its twins), oldest first. */
export interface RaisedShadowingRecord {
  server: string;
  tool: string | null;
  findings: string[];
}

/** What one tool_shadowing finding is about: the shadowing definition (by hash) and the name it shadows. */
export interface ShadowingFinding {
  /**
   * How it shadows: its text gives instructions about other tools, its name imitates another server's
   * tool, or (`twin`, a server-level finding) the server lists tools exactly as another server does.
   */
  via: 'text' | 'name' | 'twin';
  /** Definition hash of the shadowing tool (or of the instructions); empty for a twin. */
  hash: string;
  /** The tool name shadowed or imitated (for a twin, the other server); empty when the text steers other tools without naming one. */
  shadowed: string;
  /** Whether the alert names the server that lists the shadowed name (unknown until that server lists it). */
  victimKnown: boolean;
}

/** Findings remembered per shadowing tool: beyond, the oldest is forgotten (a definition with that many versions is drift too). */
const MAX_FINDINGS_PER_TOOL = 32;
const MAX_NAME_CHARS = 200;

const fingerprint = (finding: ShadowingFinding, victimKnown: boolean): string => `${finding.via}\u0000${finding.hash}\u0000${finding.shadowed.slice(0, MAX_NAME_CHARS)}${victimKnown ? '' : '\u0000?'}`;

/**
 * Raises a tool_shadowing alert once per finding: per shadowing server, shadowing tool, shadowed name and
 * definition hash. The same definition found again (another server listing the shadowed name, the tool
 * listed again) raises nothing; a new definition hash, a new shadowing server or tool, or another shadowed
 * name does. An alert raised before the shadowed tool was listed anywhere does not stand for the one
 * naming the server that lists it, once it appears. What was raised is kept in the engine state (so it
 * survives restarts), bounded per tool. Returns the alert, or null when it was raised before or muted.
 */
export function emitShadowingOnce(ctx: DetectionContext, finding: ShadowingFinding, alert: DetectorAlert & { category: 'tool_shadowing' }): Alert | null {
  const server = alert.server ?? ctx.view.server;
  const key = shadowingKey(server, alert.tool);
  const record = ctx.state.get<RaisedShadowingRecord>(key);
  const raised = record?.findings ?? [];
  if (raised.includes(fingerprint(finding, true)) || (!finding.victimKnown && raised.includes(fingerprint(finding, false)))) return null;
  const made = ctx.emit(alert);
  if (!made) return null;
  const findings = [...raised, fingerprint(finding, finding.victimKnown)].slice(-MAX_FINDINGS_PER_TOOL);
  ctx.state.set<RaisedShadowingRecord>(key, { server, tool: alert.tool, findings });
  return made;
}

const twinOf = (server: string): ShadowingFinding => ({ via: 'twin', hash: '', shadowed: server, victimKnown: true });

/**
 * Raises the one tool_shadowing alert for a pair of servers listing the same definitions (one server run
 * under two collector names): once per pair, whichever of the two listed first, kept with the server-level
 * findings (`tool: null`) of the server that raised it. Returns the alert, or null when raised before or muted.
 */
export function emitTwinServersOnce(ctx: DetectionContext, twin: string, alert: DetectorAlert & { category: 'tool_shadowing'; tool: null }): Alert | null {
  const server = alert.server ?? ctx.view.server;
  const raisedByTwin = ctx.state.get<RaisedShadowingRecord>(shadowingKey(twin, null))?.findings ?? [];
  if (raisedByTwin.includes(fingerprint(twinOf(server), true))) return null;
  return emitShadowingOnce(ctx, twinOf(twin), alert);
}
