#!/usr/bin/env node
// `npm run eval`: measures the detection engine on labelled data — the shared development corpus
// (../shared/corpus/dev.jsonl, relative to the repository root; never copied into the project) and the
// project's own cases (libs/detection/eval/*.jsonl; challenge-*.jsonl apart, as its own section) — and prints precision and recall per attack class
// and per surface, the false-positive rate on real benign tool definitions, and the drift pairs.
// Exit 1 when the corpus is absent or an aim is missed. Runs over the built package (npm run build).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpusPath = path.resolve(root, '../shared/corpus/dev.jsonl');
const casesDir = path.join(root, 'libs/detection/eval');
const rulesDir = path.join(root, 'rules');

if (!existsSync(path.join(root, 'libs/detection/dist/index.js'))) {
  process.stderr.write('eval: the detection package is not built; run `npm run build` first.\n');
  process.exit(1);
}
const { evaluateLabelledItems, formatEvaluationReport, parseRulePack, formatRuleError } = await import('@palisade/detection');

function readJsonl(file) {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line, i) => {
      try {
        return JSON.parse(line);
      } catch (error) {
        throw new Error(`${file}:${i + 1}: ${error.message}`);
      }
    });
}

const ruleFiles = existsSync(rulesDir) ? readdirSync(rulesDir).filter((f) => /\.ya?ml$/.test(f)).map((f) => ({ path: `rules/${f}`, text: readFileSync(path.join(rulesDir, f), 'utf8') })) : [];
const pack = parseRulePack(ruleFiles);
if (pack.errors.length > 0) {
  process.stderr.write(`eval: rule pack errors:\n${pack.errors.map(formatRuleError).join('\n')}\n`);
  process.exit(1);
}

let failed = false;
// challenge-*.jsonl: fresh wording kept apart from the dev corpus's phrasing, reported on its own and
// not an aim (it measures generalisation; its known misses are listed, not hidden).
const caseFiles = existsSync(casesDir) ? readdirSync(casesDir).filter((f) => f.endsWith('.jsonl')).sort() : [];
const own = caseFiles.filter((f) => !f.startsWith('challenge')).flatMap((f) => readJsonl(path.join(casesDir, f)));
for (const file of caseFiles.filter((f) => f.startsWith('challenge'))) {
  const challenge = readJsonl(path.join(casesDir, file));
  const report = evaluateLabelledItems(challenge, { rules: pack.rules });
  process.stdout.write(`${formatEvaluationReport(report, `Challenge set ${file} (${challenge.length} items; measured, not an aim)`)}\n\n`);
}
if (own.length > 0) {
  const report = evaluateLabelledItems(own, { rules: pack.rules });
  process.stdout.write(`${formatEvaluationReport(report, `Project cases (${own.length} items, libs/detection/eval)`)}\n\n`);
  const missed = report.outcomes.filter((o) => (o.verdict === 'malicious' && !o.flagged) || (o.verdict === 'benign' && o.flagged)).length;
  if (missed > 0) failed = true;
}

if (!existsSync(corpusPath)) {
  process.stdout.write(`eval: development corpus not found at ${corpusPath} — the shared corpus is not part of the repository; place it there to measure on it.\n`);
  process.exit(1);
}
const corpus = readJsonl(corpusPath);
const report = evaluateLabelledItems(corpus, { rules: pack.rules });
process.stdout.write(`${formatEvaluationReport(report, `Development corpus (${corpus.length} items, ${corpusPath})`)}\n\n`);

const poisoning = report.byClass.filter((r) => r.key.startsWith('tool_poisoning'));
const poisoningRecall = poisoning.reduce((n, r) => n + r.truePositives, 0) / Math.max(1, poisoning.reduce((n, r) => n + r.positives, 0));
const aims = [
  { name: 'tool poisoning recall ≥ 0.95', ok: poisoningRecall >= 0.95, value: poisoningRecall.toFixed(3) },
  { name: 'false positives on real benign definitions ≤ 1%', ok: report.benignDefinitions.rate <= 0.01, value: `${(report.benignDefinitions.rate * 100).toFixed(2)}%` },
  { name: 'every malicious drift pair caught', ok: report.drift.caught === report.drift.maliciousPairs, value: `${report.drift.caught}/${report.drift.maliciousPairs}` },
  { name: 'benign upgrade not above low', ok: report.drift.benignAboveLow === 0, value: `${report.drift.benignAboveLow}/${report.drift.benignPairs}` },
];
process.stdout.write('Aims on the development corpus:\n');
for (const aim of aims) {
  process.stdout.write(`  ${aim.ok ? 'PASS' : 'FAIL'}  ${aim.name}: ${aim.value}\n`);
  if (!aim.ok) failed = true;
}
process.exit(failed ? 1 : 0);
