import { describe, expect, it } from 'vitest';
import { formatRuleError } from './correlation-rule.js';
import { parseRulePack } from './rule-pack.parser.js';

const valid = `id: test.blocked
title: Blocked
severity: high
kind: event_count
timespan: 5m
group_by: [server, tool]
where:
  method: tools/call
  outcome: blocked
condition: { gte: 3 }
`;

describe(parseRulePack.name, () => {
  it('parses a valid rule with defaults', () => {
    const { rules, errors } = parseRulePack([{ path: 'rules/a.yaml', text: valid }]);
    expect(errors).toEqual([]);
    expect(rules[0]).toMatchObject({ id: 'test.blocked', version: 1, category: 'correlation', timespanMs: 300_000, groupBy: ['server', 'tool'], enabled: true, file: 'rules/a.yaml:1' });
  });

  it('reports every error of every file at once, each with file and line', () => {
    const broken = `id: Bad Id
title: x
severity: extreme
kind: temporal_ordered
timespan: soon
steps:
  - name: one
    where:
      alert.category|sometimes: drift
unknown_key: 1
`;
    const yamlError = 'id: x\n  title: [unclosed\n';
    const { rules, errors } = parseRulePack([
      { path: 'rules/broken.yaml', text: broken },
      { path: 'rules/bad-yaml.yaml', text: yamlError },
      { path: 'rules/ok.yaml', text: valid },
      { path: 'rules/dup.yaml', text: valid },
    ]);
    expect(rules.map((r) => r.id)).toEqual(['test.blocked']);
    const lines = errors.map(formatRuleError);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^rules\/broken\.yaml:1: id is required/),
        expect.stringMatching(/^rules\/broken\.yaml:3: severity is required/),
        expect.stringMatching(/^rules\/broken\.yaml:5: timespan is required/),
        expect.stringMatching(/^rules\/broken\.yaml:6: temporal_ordered needs at least two steps/),
        expect.stringMatching(/^rules\/broken\.yaml:9: unknown modifier "sometimes"/),
        expect.stringMatching(/^rules\/broken\.yaml:10: unknown key "unknown_key"/),
        expect.stringMatching(/^rules\/bad-yaml\.yaml:\d+: /),
        expect.stringMatching(/^rules\/dup\.yaml:1: duplicate rule id "test.blocked" \(first defined at rules\/ok\.yaml:1\)/),
      ]),
    );
  });

  it('rejects invalid regular expressions and misplaced keys', () => {
    const { errors } = parseRulePack([{ path: 'r.yaml', text: valid.replace('outcome: blocked', 'outcome|re: "(["').concat('steps: []\n') }]);
    expect(errors.map((e) => e.message)).toEqual(expect.arrayContaining([expect.stringContaining('invalid regular expression'), expect.stringContaining('event_count rules use where, not steps')]));
  });

  it('reads `suppress` as a duration, absent by default', () => {
    const { rules, errors } = parseRulePack([
      { path: 'rules/a.yaml', text: valid.replace('id: test.blocked', 'id: test.plain') },
      { path: 'rules/b.yaml', text: `${valid}suppress: 10m\n` },
      { path: 'rules/c.yaml', text: `${valid.replace('id: test.blocked', 'id: test.seconds')}suppress: 90\n` },
    ]);
    expect(errors).toEqual([]);
    expect(rules.map((r) => [r.id, r.suppressMs])).toEqual([
      ['test.plain', undefined],
      ['test.blocked', 600_000],
      ['test.seconds', 90_000],
    ]);
    expect('suppressMs' in rules[0]!).toBe(false);
  });

  it('rejects a `suppress` that is not a positive duration of at most 30 days, naming the file, line and field', () => {
    for (const bad of ['soon', '0s', '31d', '[10m]', '-5m']) {
      const { rules, errors } = parseRulePack([{ path: 'rules/loud.yaml', text: `${valid}suppress: ${bad}\n` }]);
      expect(rules).toEqual([]);
      expect(errors.map(formatRuleError)).toEqual([expect.stringMatching(/^rules\/loud\.yaml:11: suppress must be a duration such as 10m or 1h/)]);
    }
  });

  it('reads the alert and suppressed counts of an example, only for one that expects a match', () => {
    const examples = `examples:
  - name: loop
    expect: match
    alerts: 1
    suppressed: 9
    events: [{ outcome: blocked }]
  - name: quiet
    expect: no_match
    alerts: 1
    events: [{ outcome: blocked }]
  - name: zero
    expect: match
    alerts: 0
    suppressed: 1.5
    events: [{ outcome: blocked }]
`;
    const { errors } = parseRulePack([{ path: 'rules/x.yaml', text: `${valid}${examples}` }]);
    expect(errors.map(formatRuleError)).toEqual([
      'rules/x.yaml:19: alerts applies to examples that expect a match',
      'rules/x.yaml:23: alerts must be an integer of at least 1',
      'rules/x.yaml:24: suppressed must be an integer of at least 0',
    ]);
    const ok = parseRulePack([{ path: 'rules/x.yaml', text: `${valid}${examples.split('  - name: quiet')[0]}` }]);
    expect(ok.rules[0]?.examples[0]).toMatchObject({ name: 'loop', alerts: 1, suppressed: 9 });
  });
});
