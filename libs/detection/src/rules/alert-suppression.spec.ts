import type { Alert, TelemetryEvent } from '@palisade/schema';
import { describe, expect, it } from 'vitest';
import { events } from '../../test/engine.fixture.js';
import { compileEngine, ruleSummaries, type CompiledEngine, type EngineConfig } from '../engine/compile-engine.js';
import { createState, exportState, importState, type EngineState } from '../engine/engine-state.js';
import { evaluate } from '../engine/evaluate.js';
import { evaluateCorrelation } from './correlation.evaluator.js';
import { parseRulePack } from './rule-pack.parser.js';

/** As rules/repeated-blocked-calls.yaml: three blocked calls to one tool within ten minutes. */
const BLOCKED = `id: test.blocked
title: Repeated blocked calls
severity: high
kind: event_count
timespan: 10m
group_by: [server, tool]
where:
  method: tools/call
  outcome: blocked
condition: { gte: 3 }
suppress: 10m
`;
const UNSUPPRESSED = BLOCKED.replace('suppress: 10m\n', '');

const T0 = Date.UTC(2026, 0, 1);
const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();

function engineWith(text: string, config: EngineConfig = {}): CompiledEngine {
  const { rules, errors } = parseRulePack([{ path: 'rules/test.yaml', text }]);
  expect(errors).toEqual([]);
  return compileEngine({ ...config, rules });
}

/** The rule's alerts over events in the order given (arrival order, not event time). */
function run(engine: CompiledEngine, arrival: readonly TelemetryEvent[], state: EngineState = createState()): Alert[] {
  return arrival.flatMap((event) => evaluate(engine, event, state).alerts).filter((a) => a.ruleId === 'test.blocked');
}

/** An agent calling a quarantined tool in a loop: `count` blocked calls, `every` seconds apart from `from`. */
function loop(prefix: string, from: number, count: number, every = 1, tool = 'send_email'): TelemetryEvent[] {
  return events([{ at: from, server: 'mail', tool, outcome: 'blocked', 'palisade.block.reason': 'quarantined', repeat: count, every }], prefix);
}

const suppressedOf = (alert: Alert | undefined): unknown => alert?.evidence.details?.['suppressed'];

describe(`${evaluateCorrelation.name} with suppress`, () => {
  it('raises one alert for a tight loop where a rule without suppress raises one per firing', () => {
    const calls = loop('tight', 0, 30, 0.2);
    const engine = engineWith(BLOCKED);
    const state = createState();
    const fired = run(engine, calls, state);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ ts: calls[2]!.ts, eventIds: calls.slice(0, 3).map((e) => e.id) });
    expect(fired[0]!.evidence.details).toMatchObject({ suppressSeconds: 600 });
    expect(suppressedOf(fired[0])).toBeUndefined();
    // Every firing is a hit or a suppressed one.
    expect(ruleSummaries(engine, state)[0]).toMatchObject({ id: 'test.blocked', hits: 1, suppressed: 9, suppressSeconds: 600 });
    // Without `suppress`, today's behaviour: an alert every third call, no suppression in the evidence.
    const loud = run(engineWith(UNSUPPRESSED), calls);
    expect(loud).toHaveLength(10);
    expect(loud.every((a) => a.evidence.details?.['suppressSeconds'] === undefined && suppressedOf(a) === undefined)).toBe(true);
  });

  it("reports the suppressed firings and their span in the group's next alert after the window", () => {
    const first = loop('first', 0, 30);
    const next = loop('next', 700, 3);
    const fired = run(engineWith(BLOCKED), [...first, ...next]);
    expect(fired).toHaveLength(2);
    expect(fired[1]!.evidence.details?.['suppressed']).toEqual({ count: 9, events: 27, first: at(5), last: at(29), spanSeconds: 24, previousAlertId: fired[0]!.id });
    expect(fired[1]!.evidence.summary).toContain(`9 further firings for this group (27 matching events) suppressed since the previous alert ${fired[0]!.id}, from ${at(5)} to ${at(29)} (24s).`);
    // The count is reported once: the alert after that one starts from nothing.
    const third = run(engineWith(BLOCKED), [...first, ...next, ...loop('third', 1400, 3)]);
    expect(third).toHaveLength(3);
    expect(suppressedOf(third[2])).toBeUndefined();
  });

  it('keeps a window per group: loops on two tools raise one alert each', () => {
    const a = loop('mail-a', 0, 30, 1, 'send_email');
    const b = loop('mail-b', 0.5, 30, 1, 'list_inbox');
    const interleaved = a.flatMap((event, i) => [event, b[i]!]);
    const fired = run(engineWith(BLOCKED), interleaved);
    expect(fired.map((x) => x.tool)).toEqual(['send_email', 'list_inbox']);
  });

  it('survives a restart: the windows and counts are in the state, restored from its serialised entries', () => {
    const calls = [...loop('first', 0, 30), ...loop('next', 700, 3)];
    const engine = engineWith(BLOCKED);
    const whole = run(engine, calls);
    const before = createState();
    const raised = run(engine, calls.slice(0, 15), before);
    const restored = importState(JSON.parse(JSON.stringify(exportState(before))));
    const after = run(engineWith(BLOCKED), calls.slice(15), restored);
    expect([...raised, ...after]).toEqual(whole);
    expect(suppressedOf(after[after.length - 1])).toMatchObject({ count: 9 });
  });

  it('suppresses late events too: any arrival order of a loop within the reorder window is one alert', () => {
    const calls = loop('late', 0, 30);
    const reversed = [...calls].reverse();
    const shuffled = calls.map((event, i) => calls[(i * 7) % 30]!);
    for (const arrival of [reversed, shuffled]) {
      const fired = run(engineWith(BLOCKED), [...arrival, ...loop('next', 700, 3)]);
      expect(fired).toHaveLength(2);
      expect(suppressedOf(fired[1])).toMatchObject({ count: 9 });
    }
    // A firing older than the open window by more than `suppress` is raised as it is and leaves the window alone.
    const engine = engineWith(BLOCKED, { options: { reorderWindowMs: 3_600_000 } });
    const fired = run(engine, [...loop('now', 1000, 3), ...loop('old', 0, 3), ...loop('more', 1010, 3)]);
    expect(fired.map((a) => a.ts)).toEqual([at(1002), at(2)]);
  });

  it('keeps a count until the next alert, past the sweeps, and forgets a window that suppressed nothing', () => {
    const engine = engineWith(BLOCKED);
    const state = createState();
    run(engine, loop('quiet', 0, 3), state);
    run(engine, loop('busy', 0, 6, 1, 'list_inbox'), state);
    // An hour later an unrelated event moves the clock on and sweeps: the quiet window goes, the busy count stays.
    run(engine, events([{ at: 3600, server: 'other', tool: 'noop', arguments: {} }], 'tick'), state);
    expect([...state.keysWithPrefix('supp:')]).toEqual(['supp:test.blocked:mail\u001flist_inbox']);
    const fired = run(engine, loop('later', 7200, 3, 1, 'list_inbox'), state);
    expect(suppressedOf(fired[0])).toMatchObject({ count: 1, events: 3 });
  });

  it('does not let an alert muted by tuning open a window', () => {
    const expiresAt = at(60);
    const engine = engineWith(BLOCKED, { tunings: [{ server: 'mail', tool: 'send_email', exceptions: [{ category: 'correlation', expiresAt, author: 'ann' }] }] });
    const fired = run(engine, loop('muted', 0, 90));
    // Muted up to 60 s; the first firing after raises the alert.
    expect(fired).toHaveLength(1);
    expect(Date.parse(fired[0]!.ts)).toBeGreaterThan(Date.parse(expiresAt));
    expect(suppressedOf(fired[0])).toBeUndefined();
  });
});
