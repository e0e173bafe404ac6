import { parseArgs } from 'node:util';
import { createStore, storeConfigFromEnv } from '@palisade/store';
import { issueToken } from '../auth/token.service.js';
import { PalisadeErrorCode, PalisadeException } from '../common/palisade.exception.js';

const ROLES = ['admin', 'analyst', 'auditor', 'collector'] as const;

/** `token create --name N --role R`, `token list` and `token revoke ID|NAME`, straight on the store of PALISADE_HOME. */
export async function runTokenCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({ args: rest, options: { name: { type: 'string' }, role: { type: 'string' } }, allowPositionals: sub === 'revoke', strict: true });
  if (sub !== 'create' && sub !== 'list' && sub !== 'revoke') {
    process.stderr.write('palisade-detector token: use `token create --name NAME --role ROLE`, `token list` or `token revoke ID|NAME`\n');
    return 2;
  }
  if (sub === 'revoke' && positionals.length !== 1) {
    process.stderr.write('palisade-detector token revoke: give one token id or name (`token list` shows them)\n');
    return 2;
  }
  if (sub === 'create') {
    if (!values.name || !/^[\w.@ -]{1,200}$/.test(values.name)) {
      process.stderr.write('palisade-detector token create: --name is required (letters, digits, space, dot, @, dash, underscore)\n');
      return 2;
    }
    if (!ROLES.includes(values.role as (typeof ROLES)[number])) {
      process.stderr.write(`palisade-detector token create: --role must be one of ${ROLES.join(', ')}\n`);
      return 2;
    }
  }
  const store = await createStore(storeConfigFromEnv(process.env));
  try {
    if (sub === 'list') {
      for (const t of await store.tokens.list()) process.stdout.write(`${t.id}\t${t.role}\t${t.name}\t${t.revokedAt ? 'revoked' : 'active'}\t${t.lastUsedAt ?? '-'}\n`);
      return 0;
    }
    if (sub === 'revoke') {
      // Names are unique among live tokens, so a name names at most one; an id wins over a name.
      const wanted = positionals[0]!;
      const live = (await store.tokens.list()).filter((t) => t.revokedAt === null);
      const token = live.find((t) => t.id === wanted) ?? live.find((t) => t.name === wanted);
      if (!token || !(await store.tokens.revoke(token.id, new Date().toISOString()))) {
        process.stderr.write(`palisade-detector token revoke: no live token with the id or name "${wanted}" (\`token list\` shows them)\n`);
        return 1;
      }
      await store.audit.append([{ ts: new Date().toISOString(), actor: { type: 'system', id: 'cli' }, action: 'token.revoke', target: `token:${token.id}`, details: { name: token.name, role: token.role } }]);
      process.stdout.write(`revoked ${token.id} (${token.role} ${token.name})\n`);
      return 0;
    }
    let issued: Awaited<ReturnType<typeof issueToken>>;
    try {
      issued = await issueToken(store, { name: values.name!, role: values.role as (typeof ROLES)[number], createdBy: 'cli', createdAt: new Date().toISOString() });
    } catch (error) {
      if (!(error instanceof PalisadeException && error.code === PalisadeErrorCode.Conflict)) throw error;
      process.stderr.write(`palisade-detector token create: ${error.message}\n`);
      return 1;
    }
    const { token, record } = issued;
    await store.audit.append([{ ts: new Date().toISOString(), actor: { type: 'system', id: 'cli' }, action: 'token.create', target: `token:${record.id}`, details: { name: record.name, role: record.role } }]);
    process.stdout.write(`${token}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
