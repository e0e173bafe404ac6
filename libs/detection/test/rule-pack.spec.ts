import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Alert } from '@palisade/schema';
import { compileEngine, createState, evaluateBatch, exampleEvents, formatRuleError, parseRulePack, ruleSummaries } from '../src/index.js';

const rulesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../rules');
const files = readdirSync(rulesDir)
  .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
  .sort()
  .map((f) => ({ path: `rules/${f}`, text: readFileSync(path.join(rulesDir, f), 'utf8') }));
const pack = parseRulePack(files);

describe('rule pack (rules/*.yaml)', () => {
  it('loads every rule without an error', () => {
    expect(pack.errors.map(formatRuleError)).toEqual([]);
    expect(pack.rules.length).toBe(files.length);
  });

  it('ships the four required rules', () => {
    const ids = pack.rules.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining(['palisade.drift-then-new-parameter', 'palisade.cross-server-secret-flow', 'palisade.poisoned-description-then-recipient-change', 'palisade.repeated-blocked-calls']));
    expect(new Set(pack.rules.map((r) => r.kind))).toEqual(new Set(['event_count', 'value_count', 'temporal', 'temporal_ordered']));
  });

  it('gives every rule positive and negative examples', () => {
    for (const rule of pack.rules) {
      expect(rule.examples.some((e) => e.expect === 'match'), rule.id).toBe(true);
      expect(rule.examples.some((e) => e.expect === 'no_match'), rule.id).toBe(true);
    }
  });

  it('lists rules for the API with their enabled state', () => {
    const summaries = ruleSummaries(compileEngine({ rules: pack.rules }));
    expect(summaries.map((s) => s.id).sort()).toEqual(pack.rules.map((r) => r.id).sort());
    expect(summaries.every((s) => s.enabled && s.hits === 0 && s.file?.startsWith('rules/'))).toBe(true);
  });

  for (const rule of pack.rules) {
    describe(rule.id, () => {
      for (const example of rule.examples) {
        it(`${example.expect === 'match' ? 'fires on' : 'stays quiet on'}: ${example.name}`, () => {
          const engine = compileEngine({ rules: pack.rules });
          const { alerts } = evaluateBatch(engine, exampleEvents(example), createState());
          const fired = alerts.filter((a) => a.ruleId === rule.id);
          if (example.expect === 'match') {
            if (example.alerts === undefined) expect(fired.length).toBeGreaterThanOrEqual(1);
            else expect(fired.length).toBe(example.alerts);
            if (example.suppressed !== undefined) expect(fired.reduce((n, a) => n + ((a.evidence.details?.['suppressed'] as { count: number } | undefined)?.count ?? 0), 0)).toBe(example.suppressed);
            expect(fired[0]?.category).toBe(rule.category);
            expect(fired[0]?.severity).toBe(rule.severity);
            expect(Alert.parse(fired[0])).toEqual(fired[0]);
          } else {
            expect(fired).toEqual([]);
          }
        });
      }
    });
  }
});
