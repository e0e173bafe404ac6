import { maxSeverity, type EvidenceMatch, type Severity } from '@palisade/schema';
import type { DetectionContext } from '../engine/detection-context.js';
import { serverKey } from '../engine/engine-state.js';
import type { ServerRecord } from './tool-definition.detector.js';
import { argumentKind, keyWords, looksLikePath } from './argument-kinds.js';

/** Files whose contents are credentials or that control the system: reading or writing them is the attack. */
const SENSITIVE_PATH =
  /(?:^|[/\\])(?:\.ssh[/\\](?:id_[a-z0-9]+(?!\.pub)\b|authorized_keys|config)|\.aws[/\\](?:credentials|config)|\.env(?!\.(?:example|sample|template|dist|defaults?)$)(?:\.[\w-]+)?$|\.netrc|\.pgpass|\.git-credentials|\.npmrc|\.pypirc|\.docker[/\\]config\.json|\.kube[/\\]config|\.gnupg|\.config[/\\]gcloud|application_default_credentials\.json|(?:\.cursor[/\\])?mcp\.json|claude_desktop_config\.json|\.(?:bash|zsh|sh|python|psql|mysql)_history|\.(?:bashrc|zshrc|profile|bash_profile)$|id_(?:rsa|dsa|ecdsa|ed25519)$|wallet\.dat|keychain[/\\]|login\.keychain)|^\/etc\/(?:passwd|shadow|gshadow|sudoers|ssh\/|ssl\/private)|(?:^|[/\\])\.\.[/\\](?:\.\.[/\\])*etc[/\\](?:passwd|shadow|gshadow|sudoers)$|^\/proc\/(?:self|\d+)\/(?:environ|mem|cmdline)|^\/var\/run\/secrets\/|^\/run\/secrets\/|^\/root(?:[/\\]|$)|^[A-Za-z]:[/\\]Windows[/\\]System32[/\\]config[/\\](?:SAM|SYSTEM|SECURITY)/i;

const TRAVERSAL = /(?:^|[/\\])\.\.(?:[/\\]|$)|%2e%2e(?:%2f|%5c|\/|\\)|\.\.%2f|\.\.%5c|\.\.\\/i;
/** `....//` and `...\`: what is left is `../` once a filter strips `../` once (a filter-evasion form). */
const STRIPPED_TRAVERSAL = /(?:^|[/\\])\.{3,}[/\\]/;

/** Hosts a tool should never fetch for a model: cloud metadata services and link-local addresses. */
const METADATA_HOST = /^(?:169\.254\.\d{1,3}\.\d{1,3}|metadata(?:\.google\.internal)?|metadata\.azure\.com|100\.100\.100\.200|\[?fd00:ec2::254\]?|\[::ffff:169\.254\.\d{1,3}\.\d{1,3}\]|\[::ffff:a9fe:[0-9a-f]{1,4}\])$/i;
/** A host written as one number, in hex or with octal parts (`2852039166`, `0xa9fea9fe`, `0251.0376…`): an address in disguise. */
const OBFUSCATED_HOST = /^(?:\d{8,10}|0x[0-9a-f]{6,8}|(?:0[0-7]+\.){1,3}0?[0-7]*)$/i;
const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0|\[::1?\])$/i;
/** Admin APIs that listen on loopback: Docker, etcd, kubelet, Kubernetes API, Consul. */
const ADMIN_PORTS = new Set(['2375', '2376', '2379', '4243', '6443', '8500', '10250', '10255']);
/** Schemes used to reach internal services through a URL fetcher. */
const GADGET_SCHEME = /^(?:gopher|dict|ldap|tftp|jar|netdoc):/i;

/** Why a URL argument reaches inside the infrastructure (server-side request forgery), if it does. */
function internalTarget(value: string): string | null {
  if (GADGET_SCHEME.test(value)) return `${value.split(':')[0]}: URL (reaches internal services through the fetcher)`;
  const authority = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]+\]|[^:/?#]+)(?::(\d+))?/i.exec(value);
  if (!authority) return null;
  const host = authority[1] ?? '';
  const port = authority[2] ?? '';
  if (METADATA_HOST.test(host)) return `cloud metadata or link-local address (${host})`;
  if (OBFUSCATED_HOST.test(host)) return `numeric or encoded host (${host})`;
  if (LOOPBACK_HOST.test(host) && ADMIN_PORTS.has(port)) return `local admin API (${host}:${port})`;
  return null;
}

/** Whether a relative path climbs above where it starts (`docs/../README.md` does not). */
function climbsOut(path: string): boolean {
  let depth = 0;
  for (const segment of path.replace(/%2e/gi, '.').replace(/%2f|%5c/gi, '/').split(/[/\\]/)) {
    if (segment === '..') depth -= 1;
    else if (segment !== '' && segment !== '.') depth += 1;
    if (depth < 0) return true;
  }
  return false;
}

/** Tools whose purpose is keys or remote access read key files by design (an SSH client's key path). */
const KEY_PURPOSE = /ssh|sftp|scp|git|deploy|key|cert|tls|vault|secret/i;

function normalisePath(value: string): string {
  const first = value.charCodeAt(0);
  // Only `file://`, `$HOME`, `%USERPROFILE%` and padded values need rewriting (a cheap first-character check).
  if (first !== 102 && first !== 36 && first !== 37 && first !== 32 && value.charCodeAt(value.length - 1) !== 32) return value;
  return value.replace(/^file:\/\//, '').replace(/^\$HOME|^%USERPROFILE%/i, '~').trim();
}

function insideRoots(path: string, roots: readonly string[]): boolean {
  const clean = path.replace(/\\/g, '/');
  return roots.some((root) => {
    const r = root.replace(/^file:\/\//, '').replace(/\\/g, '/').replace(/\/+$/, '');
    return clean === r || clean.startsWith(`${r}/`);
  });
}

/** Collapses `.` and `..` segments of an absolute path (no filesystem access). */
function resolveAbsolute(path: string): string {
  const parts: string[] = [];
  for (const segment of path.replace(/\\/g, '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') parts.pop();
    else parts.push(segment);
  }
  return `/${parts.join('/')}`;
}

/**
 * path_traversal: path arguments that climb out with `..` (plain or URL-encoded), name credential or
 * system files (`~/.ssh/id_rsa`, `.env`, `/etc/shadow`, `~/.aws/credentials`, `mcp.json`…), or lie
 * outside the roots the client allowed (from roots/list or the engine options). Public key files and
 * paths inside the roots are ordinary.
 */
export function detectPathTraversal(ctx: DetectionContext): void {
  const { view, state, engine } = ctx;
  let rootsCache: string[] | undefined;
  const rootsOf = (): string[] => {
    if (rootsCache) return rootsCache;
    const configured = engine.options.roots[view.server];
    const learned = state.get<ServerRecord>(serverKey(view.server))?.roots;
    rootsCache = configured && learned ? [...configured, ...learned] : (configured ?? learned ?? []);
    return rootsCache;
  };
  let severity: Severity | null = null;
  const matches: EvidenceMatch[] = [];
  const paths: string[] = [];
  const raise = (to: Severity, field: string, text: string, signal: string): void => {
    severity = severity ? maxSeverity(severity, to) : to;
    matches.push({ field, text: text.slice(0, 500), signal });
    paths.push(text);
  };
  const toolPurpose = `${view.tool ?? ''} ${view.server}`;
  for (const leaf of view.argumentLeaves) {
    const kind = argumentKind(leaf.key);
    if (kind === 'command' || leaf.value.length > 4096) continue;
    // A prose-named argument (`template`, `data`) whose whole value is a path is read as a path.
    if (kind === 'prose' && (/\s/.test(leaf.value) || !looksLikePath(leaf.value))) continue;
    const value = normalisePath(leaf.value);
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && !value.startsWith('file:')) {
      const internal = internalTarget(value);
      if (internal) raise('high', leaf.field, leaf.value, `request to ${internal}`);
      continue;
    }
    if (kind !== 'path' && !looksLikePath(value)) continue;
    const absolute = value.charCodeAt(0) === 47;
    const stripped = value.includes('...') && STRIPPED_TRAVERSAL.test(value);
    const traversal = stripped || (value.includes('..') || value.includes('%2') ? TRAVERSAL.test(value) && (absolute || climbsOut(value)) : false);
    const resolved = absolute && (traversal || value.includes('/.') || value.includes('//')) ? resolveAbsolute(value) : value;
    const sensitive = SENSITIVE_PATH.test(value) || (resolved !== value && SENSITIVE_PATH.test(resolved));
    if (sensitive) {
      const keyByDesign = /\.ssh|id_(?:rsa|dsa|ecdsa|ed25519)|\.kube|\.docker|\.git-credentials/.test(value) && KEY_PURPOSE.test(toolPurpose) && keyWords(leaf.key).some((w) => ['key', 'identity', 'keyfile', 'kubeconfig', 'config', 'credentials'].includes(w));
      raise(keyByDesign ? 'low' : 'high', leaf.field, leaf.value, keyByDesign ? 'credential file named by a tool made for it' : 'reaches a credential or system file');
      continue;
    }
    if (traversal) {
      const roots = rootsOf();
      const escapes = roots.length > 0 && absolute ? !insideRoots(resolved, roots) : true;
      raise(escapes ? 'medium' : 'low', leaf.field, leaf.value, escapes ? 'climbs out of the intended directory with ..' : '.. segments that stay inside the allowed roots');
      continue;
    }
    if (absolute && rootsOf().length > 0 && !insideRoots(resolved, rootsOf())) {
      raise('medium', leaf.field, leaf.value, `absolute path outside the allowed roots (${rootsOf().slice(0, 3).join(', ')})`);
    }
  }
  if (!severity) return;
  ctx.emit({
    category: 'path_traversal',
    severity,
    title: `Path argument reaches outside the intended paths: ${view.tool ?? view.method}`,
    tool: view.tool,
    // An exception from a false-positive closure names these paths, not every path of the tool.
    values: paths,
    evidence: {
      summary: `Arguments of ${view.tool ?? view.method} on server "${view.server}": ${[...new Set(matches.map((m) => m.signal))].join('; ')}.`,
      matches,
      ...(rootsOf().length > 0 ? { details: { roots: rootsOf().slice(0, 20), outcome: view.outcome } } : { details: { outcome: view.outcome } }),
    },
  });
}
