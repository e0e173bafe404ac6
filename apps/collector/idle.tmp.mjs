import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import fs from 'node:fs';
const args = process.argv.slice(2);
const transport = new StdioClientTransport({ command: 'node', args, env: { ...getDefaultEnvironment() }, stderr: 'ignore' });
const client = new Client({ name: 'idle', version: '1' });
await client.connect(transport);
await client.listTools();
const n = Number(process.env.CALLS ?? 0);
for (let i = 0; i < n; i++) await client.callTool({ name: 'echo', arguments: { message: 'hello ' + i } });
await new Promise((r) => setTimeout(r, 1500));
const pid = transport.pid;
const smaps = fs.readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n');
const by = new Map(); let cur = '';
for (const l of smaps) { const m = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(l); if (m) { cur = m[1] || '[anon]'; continue; } const r = /^Rss:\s+(\d+)/.exec(l); if (r) by.set(cur, (by.get(cur) ?? 0) + Number(r[1])); }
console.log([...by].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${(v / 1024).toFixed(1)}MB ${k}`).join('\n'));
console.log(fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').filter((l) => /VmHWM|VmRSS|RssAnon|RssFile/.test(l)).join(' | '));
await client.close();
