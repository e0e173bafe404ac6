// Secret redaction cost, as the collector pays it off its message path: redactSecrets (secretlint
// preset + Palisade patterns) and redactSecretsSync (Palisade patterns only) on typical tool results.
// eslint-disable-next-line @nx/enforce-module-boundaries -- the workspace's bench harness lives in tools/, outside every project
import { percentile, progress, report } from '../../../tools/bench-kit.mjs';
import { findSecretsSync, redactSecrets, redactSecretsSync } from '../dist/index.js';

const KEY = 'bench-install-key';
const prose = 'The deployment finished in 42 seconds; 3 services were restarted and the cache was warmed. ';
const secret = ['AKIA', 'QYLPMN5HFIQR7XYZ'].join('');
const values = {
  result1k: { content: [{ type: 'text', text: prose.repeat(11) }] },
  result1kWithSecret: { content: [{ type: 'text', text: `${prose.repeat(10)} key ${secret}` }] },
  result64k: { content: [{ type: 'text', text: prose.repeat(700) }] },
  args: { path: '/srv/app/config.yaml', query: 'status of service api', limit: 20 },
};

async function time(fn, iterations) {
  const samples = [];
  for (let i = 0; i < iterations; i += 1) {
    const started = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

const figures = {};
for (const [name, value] of Object.entries(values)) {
  progress(`redacting ${name}`);
  const iterations = name === 'result64k' ? 100 : 1000;
  await time(() => redactSecrets(value, { key: KEY, where: 'response' }), 50);
  const thorough = await time(() => redactSecrets(value, { key: KEY, where: 'response' }), iterations);
  const fast = await time(() => redactSecretsSync(value, { key: KEY, where: 'response' }), iterations);
  figures[`${name}_thorough_p50_us`] = Math.round(thorough.p50);
  figures[`${name}_thorough_p99_us`] = Math.round(thorough.p99);
  figures[`${name}_sync_p50_us`] = Math.round(fast.p50);
}
const text = prose.repeat(11);
const started = process.hrtime.bigint();
for (let i = 0; i < 20000; i += 1) findSecretsSync(text);
figures.findSecretsSync_1kb_us = Math.round((Number(process.hrtime.bigint() - started) / 1000 / 20000) * 10) / 10;

report({
  name: 'detection.secrets',
  figures,
  units: { default: 'microseconds per call (p50/p99)' },
  notes: 'thorough = secretlint recommended preset + Palisade patterns (async, one secretlint run per value); sync = Palisade patterns only',
});
