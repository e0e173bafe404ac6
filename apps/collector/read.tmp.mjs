import Database from 'better-sqlite3';
const db = new Database(process.argv[2], { readonly: true });
for (const row of db.prepare('select value from messages').all()) { const e = JSON.parse(row.value); console.log(e['mcp.session.id']?.slice(0,12), e['palisade.direction'].slice(0,6), e['mcp.method.name'], e['jsonrpc.request.id'] ?? '', e['palisade.outcome'], e['palisade.duration_ms'] ?? '', e['palisade.client.name'] ?? '', e['palisade.server.reported_name'] ?? '', e['server.address'], e['server.port'], e['error.type'] ?? ''); }
