import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import fs from 'node:fs';
const args = process.argv.slice(2);
const transport = new StdioClientTransport({ command: 'node', args, env: { ...getDefaultEnvironment() }, stderr: 'ignore' });
const client = new Client({ name: 'idle', version: '1' });
await client.connect(transport);
await client.listTools();
for (let i = 0; i < Number(process.env.CALLS ?? 0); i++) await client.callTool({ name: 'echo', arguments: { message: 'hello ' + i } });
await new Promise((r) => setTimeout(r, 500));
const smaps = fs.readFileSync(`/proc/${transport.pid}/smaps`, 'utf8').split('\n');
const out = []; let cur = null;
for (const l of smaps) { const m = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(l); if (m) { cur = { size: (parseInt(m[2], 16) - parseInt(m[1], 16)) / 1024, perm: m[3], name: m[4] || '[anon]' }; out.push(cur); continue; } const r = /^Rss:\s+(\d+)/.exec(l); if (r && cur) cur.rss = Number(r[1]); }
for (const e of out.filter((e) => e.rss > 700 && !e.name.startsWith('/')).sort((a, b) => b.rss - a.rss)) console.log(`${(e.rss / 1024).toFixed(1)}MB of ${(e.size / 1024).toFixed(1)}MB ${e.perm} ${e.name}`);
await client.close();
