/** A seeded generator of hostile newline-delimited traffic: valid, malformed, oversized, partial frames. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function fuzzStream(seed: number, frames: number, side: 'client' | 'server'): Buffer {
  const random = mulberry32(seed);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const id = () => (random() < 0.8 ? Math.floor(random() * 500) : pick(['a', 'x'.repeat(300), '', '1']));
  const text = (n: number) => Array.from({ length: n }, () => String.fromCharCode(32 + Math.floor(random() * 90))).join('');
  const garbage = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
  const tool = () => pick(['echo', 'read_file', 'tools/call', 'send', 'ä漢字']);
  const parts: Buffer[] = [];
  const line = (value: unknown, crlf = random() < 0.1) => parts.push(Buffer.from(`${JSON.stringify(value)}${crlf ? '\r\n' : '\n'}`));
  for (let i = 0; i < frames; i += 1) {
    const kind = random();
    if (kind < 0.2) line({ jsonrpc: '2.0', id: id(), method: side === 'client' ? 'tools/call' : 'sampling/createMessage', params: { name: tool(), arguments: { text: text(Math.floor(random() * 200)) } } });
    else if (kind < 0.35) line({ jsonrpc: '2.0', id: id(), result: side === 'server' ? { tools: [{ name: tool(), description: text(50) }], content: [{ type: 'text', text: text(100) }] } : {} });
    else if (kind < 0.42) line({ jsonrpc: '2.0', id: id(), error: { code: Math.floor(random() * -40000), message: text(30), data: { nested: [1, { deep: text(10) }] } } });
    else if (kind < 0.5) line({ jsonrpc: '2.0', method: pick(['notifications/progress', 'notifications/tools/list_changed', 'notifications/cancelled', 'tools/list']), params: { progressToken: id(), requestId: id() } });
    else if (kind < 0.56) line([{ jsonrpc: '2.0', id: id(), method: 'tools/list' }, { jsonrpc: '2.0', method: 'x' }, 5, null, 'str']);
    else if (kind < 0.64) parts.push(Buffer.from(`${JSON.stringify({ jsonrpc: '2.0', id: id(), method: 'tools/call', params: { name: 'x' } }).slice(0, Math.floor(random() * 40))}\n`));
    else if (kind < 0.72) parts.push(garbage(Math.floor(random() * 300)));
    else if (kind < 0.78) parts.push(Buffer.from(`${text(Math.floor(random() * 500))}\n`));
    else if (kind < 0.81) line({ jsonrpc: '2.0', id: id(), result: { content: [{ type: 'text', text: 'big'.repeat(30_000 + Math.floor(random() * 60_000)) }] } });
    else if (kind < 0.82) parts.push(Buffer.from(`${'['.repeat(20_000)}${']'.repeat(20_000)}\n`));
    else if (kind < 0.85) parts.push(Buffer.from([0xff, 0xfe, 0x00, 0x0a, 0xc3, 0x28, 0x0a]));
    else if (kind < 0.88) parts.push(Buffer.from('\n\r\n   \n'));
    else if (kind < 0.9) line({ jsonrpc: '2.0', id: { object: 'id' }, method: 5, params: 1e308 });
    else line({ jsonrpc: '1.0', id: id(), method: 'initialize', params: { clientInfo: { name: text(300), version: text(150) }, protocolVersion: text(60) } });
  }
  parts.push(Buffer.from('{"jsonrpc":"2.0","id":99999,"method":"partial last line without newline"'));
  return Buffer.concat(parts);
}
