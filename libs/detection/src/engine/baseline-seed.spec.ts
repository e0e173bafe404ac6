import { describe, expect, it } from 'vitest';
import type { Alert } from '@palisade/schema';
import { events, OK } from '../../test/engine.fixture.js';
import { learnBaselines } from './baseline-seed.js';
import { compileEngine } from './compile-engine.js';
import { evaluateBatch } from './evaluate.js';
import { compareTunings, replayAlerts } from './tuning-replay.js';
import { createState } from './engine-state.js';

const SERVER = 'example-server';
// Thirty calls to the team the day before, then one to a new domain: the replay's window holds that call only.
const all = events([
  { at: 0, tool: 'send_email', arguments: { to: 'team@corp.example', body: 'report' }, result: OK, repeat: 30, every: 60 },
  { at: 86_400, tool: 'send_email', arguments: { to: 'drop@exfil.example', body: 'report' }, result: OK },
]);
const earlier = all.slice(0, 30);
const window = all.slice(30);
const aboutMail = (a: Alert) => a.tool === 'send_email';
const categories = (alerts: readonly Alert[]) => alerts.map((a) => a.category);

describe(learnBaselines.name, () => {
  it('learns the calls into the tool baseline the live engine would hold, without judging them', () => {
    const engine = compileEngine();
    const seed = learnBaselines(engine, all);
    expect(seed.observations).toBe(31);
    // Only baselines, nothing else the engine remembers.
    expect(seed.entries.map((e) => e.key)).toEqual([`base:${SERVER}:send_email`]);
    const live = evaluateBatch(engine, all, createState()).nextState.get(`base:${SERVER}:send_email`);
    expect(live).toMatchObject({ observations: 31, recipients: { 'to:team@corp.example': 30, 'to:drop@exfil.example': 1 } });
    expect(seed.entries[0]!.value).toEqual(live);
  });

  it('skips blocked calls and events other than calls, as the engine does not learn them', () => {
    const mixed = events([
      { method: 'initialize' },
      { tool: 'send_email', arguments: { to: 'team@corp.example' }, result: OK },
      { tool: 'send_email', arguments: { to: 'drop@exfil.example' }, outcome: 'blocked' },
    ]);
    const seed = learnBaselines(compileEngine(), mixed);
    expect(seed.observations).toBe(1);
    expect(seed.entries[0]!.value).toMatchObject({ recipients: { 'to:team@corp.example': 1 } });
  });
});

describe('a replay seeded with what the tool learnt before its window', () => {
  const engine = compileEngine();
  const seed = learnBaselines(engine, earlier).entries;

  it('judges the window against the warmed baseline: a new recipient is a recipient_change, as it was live', () => {
    expect(categories(replayAlerts(engine, window, aboutMail))).toEqual([]);
    expect(categories(replayAlerts(engine, window, aboutMail, seed))).toEqual(['recipient_change']);
    const live = evaluateBatch(engine, all, createState()).alerts.filter(aboutMail);
    expect(replayAlerts(engine, window, aboutMail, seed).map((a) => a.id)).toEqual(live.map((a) => a.id));
  });

  it('lets each tuning judge the seeded baseline by its own allow-lists and warm-up size', () => {
    const allowed = compileEngine({ tunings: [{ server: SERVER, tool: 'send_email', allowRecipients: ['drop@exfil.example'] }] });
    const allowList = compareTunings(engine, allowed, window, aboutMail, seed);
    expect(categories(allowList.removed)).toEqual(['recipient_change']);
    expect(allowList.added).toEqual([]);

    // Thirty calls learnt: past a warm-up of 20 or 30, still learning with 31.
    const warmup = (size: number) => compileEngine({ tunings: [{ server: SERVER, tool: 'send_email', warmup: size }] });
    expect(categories(compareTunings(engine, warmup(31), window, aboutMail, seed).removed)).toEqual(['recipient_change']);
    expect(compareTunings(engine, warmup(30), window, aboutMail, seed).removed).toEqual([]);
    // From a larger warm-up to the default: the alert comes back.
    expect(categories(compareTunings(warmup(100), engine, window, aboutMail, seed).added)).toEqual(['recipient_change']);
  });

  it('leaves the seed as it was, so both replays start from the same baseline', () => {
    const before = structuredClone(seed);
    replayAlerts(engine, window, aboutMail, seed);
    expect(seed).toEqual(before);
  });
});
