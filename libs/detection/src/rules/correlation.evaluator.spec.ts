import type { Alert, TelemetryEvent } from '@palisade/schema';
import { describe, expect, it } from 'vitest';
import { events } from '../../test/engine.fixture.js';
import { compileEngine } from '../engine/compile-engine.js';
import type { EngineOptions } from '../engine/engine-options.js';
import { createState, importState } from '../engine/engine-state.js';
import { evaluate } from '../engine/evaluate.js';
import { evaluateCorrelation } from './correlation.evaluator.js';
import { parseRulePack } from './rule-pack.parser.js';

/** A secret returned by one server, then sent to another (as rules/cross-server-secret-flow.yaml). */
const SECRET_FLOW = `id: test.secret-flow
title: Secret flow
severity: high
category: cross_server_flow
kind: temporal_ordered
timespan: 10m
for_each: finding
group_by: [finding.fingerprint]
distinct: [server]
steps:
  - name: returned
    where:
      finding.where: response
  - name: sent
    where:
      method: tools/call
      finding.where: request
attribute_to: sent
source_step: returned
`;

const READ_THEN_SEND = `  - name: read
    where:
      tool: read_file
  - name: send
    where:
      tool: send_email
`;

/** Three ordered steps in one session: list, read, send. */
const THREE_STEPS = `id: test.three-steps
title: Three steps
severity: medium
kind: temporal_ordered
timespan: 10m
group_by: [session]
steps:
  - name: list
    where:
      method: tools/list
${READ_THEN_SEND}attribute_to: send
`;

/** Two steps in either order (as rules/sensitive-read-then-outbound.yaml, over events). */
const EITHER_ORDER = `id: test.either-order
title: Either order
severity: high
kind: temporal
timespan: 10m
group_by: [session]
steps:
${READ_THEN_SEND}source_step: read
`;

function engineWith(text: string, options: EngineOptions = {}) {
  const { rules, errors } = parseRulePack([{ path: 'rules/test.yaml', text }]);
  expect(errors).toEqual([]);
  return compileEngine({ rules, options });
}

/** Evaluates events in the order given (not their event-time order); returns the rule's alerts. */
function firedInArrivalOrder(text: string, arrival: readonly TelemetryEvent[], options: EngineOptions = {}): Alert[] {
  const engine = engineWith(text, options);
  const state = createState();
  return arrival.flatMap((event) => evaluate(engine, event, state).alerts).filter((a) => a.ruleId.startsWith('test.'));
}

const finding = (where: 'request' | 'response') => ({ type: 'aws_secret_key', fingerprint: '5e6f7a8b9c0d', where, path: where === 'request' ? '/arguments/body' : '/content/0/text' });
const [returned, sent, sentEarlier, sentSameServer, sentMuchLater, sentWithinSkew] = events([
  { id: 'evt-returned-1', server: 'config', session: 'cfg-1', tool: 'get_config', arguments: { service: 'billing' }, result: { content: [{ type: 'text', text: 'key [REDACTED:aws_secret_key:5e6f7a8b9c0d]' }] }, findings: [finding('response')], at: 10 },
  { id: 'evt-sent-0001', server: 'mailer', session: 'mail-1', tool: 'send_email', arguments: { body: 'key [REDACTED:aws_secret_key:5e6f7a8b9c0d]' }, findings: [finding('request')], at: 11 },
  { id: 'evt-sent-early', server: 'mailer', session: 'mail-1', tool: 'send_email', arguments: { body: 'key [REDACTED:aws_secret_key:5e6f7a8b9c0d]' }, findings: [finding('request')], at: 5 },
  { id: 'evt-sent-same', server: 'config', session: 'cfg-1', tool: 'put_config', arguments: { body: 'key [REDACTED:aws_secret_key:5e6f7a8b9c0d]' }, findings: [finding('request')], at: 11 },
  { id: 'evt-sent-later', server: 'mailer', session: 'mail-1', tool: 'send_email', arguments: { body: 'key [REDACTED:aws_secret_key:5e6f7a8b9c0d]' }, findings: [finding('request')], at: 10 + 3600 },
  // The mailer's collector runs 1.5 s behind the config server's: the send looks earlier than the read.
  { id: 'evt-sent-skewed', server: 'mailer', session: 'mail-1', tool: 'send_email', arguments: { body: 'key [REDACTED:aws_secret_key:5e6f7a8b9c0d]' }, findings: [finding('request')], at: 8.5 },
]);

describe(`${evaluateCorrelation.name} (temporal_ordered compares event times, not arrival)`, () => {
  it('fires in either arrival order with the same id, attributed to the later step, at its time', () => {
    const natural = firedInArrivalOrder(SECRET_FLOW, [returned!, sent!]);
    const late = firedInArrivalOrder(SECRET_FLOW, [sent!, returned!]);
    expect(natural).toHaveLength(1);
    expect(late.map((a) => a.id)).toEqual(natural.map((a) => a.id));
    for (const alert of [natural[0]!, late[0]!]) {
      expect(alert).toMatchObject({ category: 'cross_server_flow', server: 'mailer', tool: 'send_email', sessionId: 'mail-1', ts: sent!.ts, eventIds: ['evt-returned-1', 'evt-sent-0001'] });
      expect(alert.evidence.source).toEqual({ server: 'config', tool: 'get_config', eventId: 'evt-returned-1' });
    }
  });

  it('does not fire when the later step happened first in event time, in either arrival order', () => {
    expect(firedInArrivalOrder(SECRET_FLOW, [returned!, sentEarlier!])).toEqual([]);
    expect(firedInArrivalOrder(SECRET_FLOW, [sentEarlier!, returned!])).toEqual([]);
  });

  it('allows the clock skew between two collectors across servers (clockSkewMs, default 2 s), never within one server', () => {
    expect(firedInArrivalOrder(SECRET_FLOW, [returned!, sentWithinSkew!])).toHaveLength(1);
    expect(firedInArrivalOrder(SECRET_FLOW, [sentWithinSkew!, returned!])).toHaveLength(1);
    expect(firedInArrivalOrder(SECRET_FLOW, [returned!, sentWithinSkew!], { clockSkewMs: 0 })).toEqual([]);
    expect(firedInArrivalOrder(SECRET_FLOW, [sentWithinSkew!, returned!], { clockSkewMs: 0 })).toEqual([]);
    // One session, one collector, one clock: a read 1 s after the send never precedes it.
    const [list, send, read] = events([
      { id: 'evt-list-0009', session: 's9', tools: [{ name: 'read_file', description: 'Reads a file.', inputSchema: { type: 'object' } }], at: 0 },
      { id: 'evt-send-0009', session: 's9', tool: 'send_email', arguments: { to: 'a@corp.example' }, at: 9 },
      { id: 'evt-read-0009', session: 's9', tool: 'read_file', arguments: { path: '/srv/a.txt' }, at: 10 },
    ]);
    expect(firedInArrivalOrder(THREE_STEPS, [list!, send!, read!])).toEqual([]);
    expect(firedInArrivalOrder(THREE_STEPS, [list!, read!, send!])).toEqual([]);
  });

  it('keeps `distinct` and the timespan in either arrival order', () => {
    expect(firedInArrivalOrder(SECRET_FLOW, [sentSameServer!, returned!])).toEqual([]);
    expect(firedInArrivalOrder(SECRET_FLOW, [returned!, sentSameServer!])).toEqual([]);
    expect(firedInArrivalOrder(SECRET_FLOW, [sentMuchLater!, returned!])).toEqual([]);
    expect(firedInArrivalOrder(SECRET_FLOW, [returned!, sentMuchLater!])).toEqual([]);
  });

  it('fires once: a step used by a chain is not used again', () => {
    expect(firedInArrivalOrder(SECRET_FLOW, [sent!, returned!, returned!])).toHaveLength(1);
    expect(firedInArrivalOrder(SECRET_FLOW, [returned!, sent!, sent!])).toHaveLength(1);
  });

  it('completes a three-step chain whichever step arrives last, in event-time order only', () => {
    const [list, read, send] = events([
      { id: 'evt-list-0001', session: 's1', tools: [{ name: 'read_file', description: 'Reads a file.', inputSchema: { type: 'object' } }], at: 0 },
      { id: 'evt-read-0001', session: 's1', tool: 'read_file', arguments: { path: '/srv/a.txt' }, at: 5 },
      { id: 'evt-send-0001', session: 's1', tool: 'send_email', arguments: { to: 'a@corp.example' }, at: 9 },
    ]);
    const ids = new Set<string>();
    for (const arrival of [[list!, read!, send!], [send!, read!, list!], [read!, send!, list!], [list!, send!, read!]]) {
      const fired = firedInArrivalOrder(THREE_STEPS, arrival);
      expect(fired).toHaveLength(1);
      expect(fired[0]).toMatchObject({ tool: 'send_email', ts: send!.ts, eventIds: ['evt-list-0001', 'evt-read-0001', 'evt-send-0001'] });
      ids.add(fired[0]!.id);
    }
    expect(ids.size).toBe(1);
    // The read after the send in event time: no chain, whatever the arrival order.
    const [lateRead] = events([{ id: 'evt-read-0002', session: 's1', tool: 'read_file', arguments: { path: '/srv/a.txt' }, at: 12 }]);
    expect(firedInArrivalOrder(THREE_STEPS, [list!, send!, lateRead!])).toEqual([]);
    expect(firedInArrivalOrder(THREE_STEPS, [lateRead!, send!, list!])).toEqual([]);
  });

  it('reads windows an earlier version persisted as chains', () => {
    const engine = engineWith(SECRET_FLOW);
    const chain = { start: Date.parse(returned!.ts), parts: [{ e: 'evt-returned-1', t: Date.parse(returned!.ts), n: 'returned', s: 'config', tl: 'get_config', ss: 'cfg-1', l: 'tools/call get_config', f: '5e6f7a8b9c0d' }], distinct: ['config'] };
    const state = importState([{ key: 'corr:test.secret-flow:5e6f7a8b9c0d', value: { rule: 'test.secret-flow', last: chain.start, chains: [chain] } }]);
    const fired = evaluate(engine, sent!, state).alerts.filter((a) => a.ruleId === 'test.secret-flow');
    expect(fired.map((a) => a.id)).toEqual(firedInArrivalOrder(SECRET_FLOW, [returned!, sent!]).map((a) => a.id));
  });
});

describe(`${evaluateCorrelation.name} (temporal)`, () => {
  it('fires in either arrival order with the same id and the time of the latest event', () => {
    const [read, send, sendLater] = events([
      { id: 'evt-read-0001', session: 's1', tool: 'read_file', arguments: { path: '/srv/a.txt' }, at: 0 },
      { id: 'evt-send-0001', session: 's1', tool: 'send_email', arguments: { to: 'a@corp.example' }, at: 5 },
      { id: 'evt-send-0002', session: 's1', tool: 'send_email', arguments: { to: 'a@corp.example' }, at: 5 + 3600 },
    ]);
    const natural = firedInArrivalOrder(EITHER_ORDER, [read!, send!]);
    const late = firedInArrivalOrder(EITHER_ORDER, [send!, read!]);
    expect(natural).toHaveLength(1);
    expect(late).toEqual(natural);
    expect(natural[0]).toMatchObject({ tool: 'send_email', ts: send!.ts });
    // Beyond the timespan in event time, even when the late one arrives right after.
    expect(firedInArrivalOrder(EITHER_ORDER, [sendLater!, read!])).toEqual([]);
  });
});
