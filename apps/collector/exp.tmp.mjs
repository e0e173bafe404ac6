// quick A/B: per-call latency through variants
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import fs from 'node:fs';
const server = ['node_modules/@modelcontextprotocol/server-everything/dist/index.js', 'stdio'];
const variants = {
  direct: ['node', server],
  relay: ['node', ['apps/collector/bench/naive-relay.mjs', 'node', ...server]],
};
for (const exp of (process.env.EXPS ?? 'full').split(',')) variants[exp] = ['node', [...(process.env.NODEFLAGS ? process.env.NODEFLAGS.split(' ') : []), 'apps/collector/bin/palisade-collector.js', 'stdio', '--server', 'x', '--home', '/tmp/ph', '--', 'node', ...server], { PALISADE_EXPERIMENT: exp.split(':')[0], PALISADE_POLL: exp.split(':')[1] ?? '', PALISADE_MEM: process.env.PALISADE_MEM ?? '', PALISADE_SNAP: process.env.PALISADE_SNAP ?? '' }];
const sessions = {};
for (const [name, [cmd, args, env]] of Object.entries(variants)) {
  const transport = new StdioClientTransport({ command: cmd, args, env: { ...getDefaultEnvironment(), ...env }, stderr: 'inherit' });
  const client = new Client({ name: 'exp', version: '1' });
  await client.connect(transport); await client.listTools();
  for (let i = 0; i < 300; i++) await client.callTool({ name: 'echo', arguments: { message: 'w' + i } });
  sessions[name] = { client, transport, samples: [] };
}
for (let r = 0; r < 4; r++) for (const s of Object.values(sessions)) for (let i = 0; i < 500; i++) { const t = performance.now(); await s.client.callTool({ name: 'echo', arguments: { message: 'hello ' + i } }); s.samples.push(performance.now() - t); }
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.ceil(p / 100 * s.length) - 1]; };
for (const [name, s] of Object.entries(sessions)) {
  let extra = '';
  if (!['direct', 'relay'].includes(name)) { const st = fs.readFileSync(`/proc/${s.transport.pid}/status`, 'utf8'); const stat = fs.readFileSync(`/proc/${s.transport.pid}/stat`, 'utf8').split(') ')[1].split(' '); extra = `rss ${/VmHWM:\s+(\d+)/.exec(st)[1] / 1024 | 0}MB cpu ${(Number(stat[11]) + Number(stat[12])) * 10}ms`; }
  console.log(name.padEnd(12), 'median', pct(s.samples, 50).toFixed(3), 'p99', pct(s.samples, 99).toFixed(3), extra);
  await s.client.close();
}
