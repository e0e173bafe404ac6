import { spawn } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
const server = spawn('node', ['node_modules/@modelcontextprotocol/server-everything/dist/index.js', 'sse'], { env: { ...process.env, PORT: '3918' }, stdio: ['ignore', 'ignore', 'pipe'] });
await new Promise((r) => server.stderr.on('data', (d) => { if (/running/i.test(String(d))) r(); }));
for (let k = 0; k < 3; k++) {
const client = new Client({ name: 'd', version: '1.0.0' });
await client.connect(new SSEClientTransport(new URL('http://127.0.0.1:3918/sse')));
const progress = [];
await client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 1, steps: 3 } }, undefined, { onprogress: (p) => progress.push(p) });
console.log('direct progress', progress.length);
await client.close();
}
server.kill('SIGINT');
