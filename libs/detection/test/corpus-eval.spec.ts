import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluateLabelledItems, formatEvaluationReport, parseRulePack, type LabelledItem } from '../src/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const corpusPath = path.resolve(repoRoot, '../shared/corpus/dev.jsonl');
const casesDir = path.resolve(repoRoot, 'libs/detection/eval');
const corpusPresent = existsSync(corpusPath);

function readJsonl(file: string): LabelledItem[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as LabelledItem);
}

const rules = parseRulePack(readdirSync(path.join(repoRoot, 'rules')).filter((f) => f.endsWith('.yaml')).map((f) => ({ path: f, text: readFileSync(path.join(repoRoot, 'rules', f), 'utf8') }))).rules;

describe('detection quality on labelled data', () => {
  it('classifies every project case correctly (libs/detection/eval)', () => {
    const items = readdirSync(casesDir).filter((f) => f.endsWith('.jsonl') && !f.startsWith('challenge')).flatMap((f) => readJsonl(path.join(casesDir, f)));
    const report = evaluateLabelledItems(items, { rules });
    const wrong = report.outcomes.filter((o) => (o.verdict === 'malicious' && !o.flagged) || (o.verdict === 'benign' && o.flagged));
    expect(wrong.map((o) => o.item.item_id), formatEvaluationReport(report, 'project cases')).toEqual([]);
  });

  describe('challenge sets (fresh wording, kept apart from the corpus)', () => {
    const files = readdirSync(casesDir).filter((f) => f.startsWith('challenge') && f.endsWith('.jsonl'));
    const all = files.flatMap((f) => readJsonl(path.join(casesDir, f)));

    it('hold at least 120 attacks, as many hard benign items, on every surface', () => {
      const malicious = all.filter((i) => !i.label.startsWith('benign'));
      expect(malicious.length).toBeGreaterThanOrEqual(120);
      expect(all.length - malicious.length).toBeGreaterThanOrEqual(malicious.length);
      const surfaces = ['tool_description', 'tool_definition_change', 'tool_call_arguments', 'tool_response', 'resource_content', 'prompt_content', 'initialize_instructions', 'server_request'];
      expect(surfaces.filter((s) => !malicious.some((i) => i.surface === s))).toEqual([]);
    });

    // challenge-untuned*.jsonl are measured only (never tuned on): their figures are the honest ones, not floors.
    for (const file of files.filter((f) => !f.startsWith('challenge-untuned'))) {
      it(`${file}: flags no benign item and recalls at least 90% of attacks`, () => {
        const report = evaluateLabelledItems(readJsonl(path.join(casesDir, file)), { rules });
        const text = formatEvaluationReport(report, file);
        expect(report.outcomes.filter((o) => o.verdict === 'benign' && o.flagged).map((o) => o.item.item_id), text).toEqual([]);
        const malicious = report.outcomes.filter((o) => o.verdict === 'malicious');
        expect(malicious.filter((o) => o.flagged).length / malicious.length, text).toBeGreaterThanOrEqual(0.9);
      });
    }
  });

  if (!corpusPresent) {
    it.skip(`development corpus absent at ${corpusPath}: corpus aims not measured`, () => undefined);
    console.warn(`[detection] development corpus not found at ${corpusPath}; the corpus aims were not measured.`);
    return;
  }

  const report = evaluateLabelledItems(readJsonl(corpusPath), { rules });
  const text = formatEvaluationReport(report, 'development corpus');

  it('recalls at least 95% of tool poisoning', () => {
    const rows = report.byClass.filter((r) => r.key.startsWith('tool_poisoning'));
    const recall = rows.reduce((n, r) => n + r.truePositives, 0) / rows.reduce((n, r) => n + r.positives, 0);
    expect(recall, text).toBeGreaterThanOrEqual(0.95);
  });

  it('flags at most 1% of the 755 real benign tool definitions', () => {
    expect(report.benignDefinitions.total).toBe(755);
    expect(report.benignDefinitions.rate, text).toBeLessThanOrEqual(0.01);
  });

  it('catches every malicious drift pair and keeps the benign upgrade at low or below', () => {
    expect(report.drift.caught, text).toBe(report.drift.maliciousPairs);
    expect(report.drift.benignAboveLow, text).toBe(0);
  });
});
