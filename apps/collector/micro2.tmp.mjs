import { CollectorRuntime } from './dist/collector.runtime.js';
import { resolveCollectorConfig } from './dist/config/collector-config.schema.js';
import { StdioSessionTap } from './dist/pipeline/stdio-session.tap.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
const home = mkdtempSync(path.join(tmpdir(), 'micro-'));
const config = resolveCollectorConfig('stdio', { server: 'x', home }, {}, ['node'], home);
const runtime = new CollectorRuntime(config, {});
await runtime.start();
const tap = new StdioSessionTap(runtime.assembler({ sessionId: 'S', transport: 'pipe', protocolName: 'stdio' }), runtime.counters, { parseLimitBytes: 4 << 20, headBytes: 65536 });
const req = (i) => Buffer.from(JSON.stringify({ method: 'tools/call', params: { name: 'echo', arguments: { message: 'hello ' + i }, _meta: { progressToken: i } }, jsonrpc: '2.0', id: i }) + '\n');
const res = (i) => Buffer.from(JSON.stringify({ result: { content: [{ type: 'text', text: 'Echo: hello ' + i }] }, jsonrpc: '2.0', id: i }) + '\n');
const N = Number(process.env.N ?? 20000);
const cpu0 = process.cpuUsage(); const t0 = performance.now();
for (let i = 0; i < N; i++) {
  tap.clientData(req(i), Date.now()); tap.serverData(res(i), Date.now());
  if (i % 50 === 0) { await runtime.idle(); await runtime.flush(); }
}
await runtime.idle(); await runtime.flush();
const cpu = process.cpuUsage(cpu0);
console.log('per event µs cpu', ((cpu.user + cpu.system) / N).toFixed(1), 'wall', ((performance.now() - t0) * 1000 / N).toFixed(1), 'shipped', runtime.counters.shipped, 'rss', process.memoryUsage().rss >> 20);
await runtime.shutdown('x');
