import { maxSeverity, type EvidenceMatch, type Severity } from '@palisade/schema';
import type { DetectionContext } from '../engine/detection-context.js';
import { serverKey } from '../engine/engine-state.js';
import type { ServerRecord } from './tool-definition.detector.js';
import { argumentKind, keyWords, looksLikePath } from './argument-kinds.js';

/** Files whose contents are credentials or that control the system: reading or writing them is the attack. */
const SENSITIVE_PATH =
  /(?:^|[/\\])(?:\.ssh[/\\](?:id_[a-z0-9]+(?!\.pub)\b|authorized_keys|config)|\.aws[/\\](?:credentials|config)|\.env(?:\.[\w-]+)?$|\.netrc|\.pgpass|\.git-credentials|\.npmrc|\.pypirc|\.docker[/\\]config\.json|\.kube[/\\]config|\.gnupg|\.config[/\\]gcloud|application_default_credentials\.json|(?:\.cursor[/\\])?mcp\.json|claude_desktop_config\.json|\.(?:bash|zsh|sh|python|psql|mysql)_history|\.(?:bashrc|zshrc|profile|bash_profile)$|id_(?:rsa|dsa|ecdsa|ed25519)$|wallet\.dat|keychain[/\\]|login\.keychain)|^\/etc\/(?:passwd|shadow|gshadow|sudoers|ssh\/|ssl\/private)|(?:^|[/\\])\.\.[/\\](?:\.\.[/\\])*etc[/\\](?:passwd|shadow|gshadow|sudoers)$|^\/proc\/(?:self|\d+)\/(?:environ|mem|cmdline)|^\/var\/run\/secrets\/|^\/run\/secrets\/|^\/root(?:[/\\]|$)|^[A-Za-z]:[/\\]Windows[/\\]System32[/\\]config[/\\](?:SAM|SYSTEM|SECURITY)/i;

const TRAVERSAL = /(?:^|[/\\])\.\.(?:[/\\]|$)|%2e%2e(?:%2f|%5c|\/|\\)|\.\.%2f|\.\.%5c|\.\.\\/i;

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
    if (kind === 'prose' || kind === 'command' || leaf.value.length > 4096) continue;
    const value = normalisePath(leaf.value);
    if (kind !== 'path' && !looksLikePath(value)) continue;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && !value.startsWith('file:')) continue;
    const traversal = value.includes('..') || value.includes('%2') ? TRAVERSAL.test(value) : false;
    const absolute = value.charCodeAt(0) === 47;
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
