/**
 * What an argument is for, judged from its name: a command to run, free prose, a strict identifier, a
 * path, a recipient, a URL or host. Detectors read values differently by kind (`;` is normal in a
 * message body, suspicious in an issue number).
 */

const WORDS_CACHE = new Map<string, string[]>();
const KIND_CACHE = new Map<string, ArgumentKind>();
const CACHE_LIMIT = 10_000;

function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

/** Splits `issueNumber`, `issue_number`, `issue-number` into lower-case words (memoised: keys repeat). */
export function keyWords(key: string): string[] {
  return (
    WORDS_CACHE.get(key) ??
    remember(
      WORDS_CACHE,
      key,
      key
        .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter(Boolean),
    )
  );
}

function lastWord(key: string): string {
  const words = keyWords(key);
  return words[words.length - 1] ?? '';
}

const COMMAND_WORDS = new Set(['command', 'cmd', 'commands', 'shell', 'script', 'exec', 'bash', 'sh', 'powershell', 'pwsh', 'cli', 'commandline', 'invocation']);
const PROSE_WORDS = new Set(['body', 'text', 'content', 'contents', 'message', 'messages', 'description', 'comment', 'comments', 'note', 'notes', 'summary', 'title', 'subject', 'prompt', 'query', 'question', 'answer', 'markdown', 'html', 'data', 'value', 'input', 'code', 'snippet', 'patch', 'diff', 'sql', 'statement', 'expression', 'filter', 'search', 'q', 'template', 'instructions', 'reason', 'details', 'payload', 'json', 'yaml', 'xml', 'document', 'doc', 'msg', 'caption', 'label', 'bio', 'review']);
const STRICT_WORDS = new Set(['id', 'ids', 'namespace', 'ns', 'number', 'num', 'port', 'pid', 'uid', 'gid', 'branch', 'tag', 'version', 'region', 'zone', 'cluster', 'pod', 'sha', 'commit', 'ref', 'issue', 'pr', 'index', 'count', 'limit', 'offset', 'page', 'table', 'bucket', 'slug', 'uuid', 'revision', 'timeout', 'size', 'level', 'status', 'type', 'kind', 'mode', 'format', 'lang', 'language', 'locale', 'env', 'environment', 'stage', 'schema', 'database', 'db', 'column', 'field', 'collection', 'topic', 'queue', 'key']);
const PATH_WORDS = new Set(['path', 'paths', 'file', 'files', 'filename', 'filepath', 'dir', 'dirs', 'directory', 'directories', 'folder', 'src', 'source', 'dest', 'destination', 'target', 'location', 'root', 'cwd', 'workdir', 'pathname', 'project', 'workspace']);
const RECIPIENT_WORDS = new Set(['to', 'cc', 'bcc', 'recipient', 'recipients', 'email', 'emails', 'phone', 'phones', 'mobile', 'sms', 'channel', 'channels', 'webhook', 'webhooks', 'address', 'addresses', 'iban', 'payee']);
const URL_WORDS = new Set(['url', 'urls', 'uri', 'uris', 'host', 'hostname', 'domain', 'endpoint', 'link', 'href', 'server', 'origin', 'callback', 'redirect', 'webhook', 'site', 'website', 'api']);

export type ArgumentKind = 'command' | 'prose' | 'strict' | 'path' | 'recipient' | 'url' | 'other';

/** The kind of an argument from its key (the last word decides: `issue_number` is strict). */
export function argumentKind(key: string): ArgumentKind {
  return KIND_CACHE.get(key) ?? remember(KIND_CACHE, key, kindOf(key));
}

function kindOf(key: string): ArgumentKind {
  const words = keyWords(key);
  const last = lastWord(key);
  if (words.some((w) => COMMAND_WORDS.has(w))) return 'command';
  if (RECIPIENT_WORDS.has(last) && !PATH_WORDS.has(last)) return 'recipient';
  if (URL_WORDS.has(last)) return 'url';
  if (PATH_WORDS.has(last)) return 'path';
  if (PROSE_WORDS.has(last)) return 'prose';
  if (STRICT_WORDS.has(last) || last === 'name' || last === 'names') return last === 'name' || last === 'names' ? 'other' : 'strict';
  return 'other';
}

/** Whether a value looks like a filesystem path (absolute, home-relative, relative with a slash, Windows). */
export function looksLikePath(value: string): boolean {
  return /^(?:~|\.{1,2})?[/\\]|^[A-Za-z]:[/\\]|^file:\/\/|^\.{1,2}$/.test(value) || (/^[\w.-]+(?:[/\\][\w .-]+)+$/.test(value) && !/\s{2}/.test(value));
}

/** Whether a key names a recipient (to, cc, bcc, email, phone, channel, webhook…). */
export function isRecipientKey(key: string): boolean {
  return RECIPIENT_WORDS.has(lastWord(key)) || keyWords(key).some((w) => ['recipient', 'recipients', 'webhook', 'bcc', 'cc'].includes(w));
}
