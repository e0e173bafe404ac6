import { maxSeverity, type EvidenceMatch, type Severity } from '@palisade/schema';
import type { DetectionContext } from '../engine/detection-context.js';
import type { TextLeaf } from '../engine/event-view.js';
import { maskSecrets } from '../secrets/mask-secrets.js';
import { argumentKind, keyWords } from './argument-kinds.js';

interface Finding {
  severity: Severity;
  signal: string;
  match: string;
}

/** Programs that fetch, execute, connect out or destroy: what an injected command is usually for. */
const DANGEROUS = String.raw`(?:curl|wget|nc|ncat|netcat|socat|telnet|ssh|scp|bash|sh|zsh|dash|ksh|python[23]?|perl|ruby|php|node|powershell|pwsh|iex|invoke-expression|rm|chmod|chown|mkfifo|base64|xxd|eval|exec|sudo|su|dd|mkfs|crontab|openssl)`;

const DOWNLOAD_EXECUTE = new RegExp(String.raw`\b(?:curl|wget)\b[^|;&\n]{0,200}\|\s*(?:sudo\s+)?(?:ba|z|da|k)?sh\b|\b(?:ba|z)?sh\s+-c\s+["']?\$\(\s*(?:curl|wget)|base64\s+(?:-d|--decode)[^|]{0,80}\|\s*(?:ba)?sh\b`, 'i');
const REVERSE_SHELL = /\/dev\/tcp\/|\b(?:nc|ncat|netcat)\b[^\n]{0,40}\s-[a-z]*e\s|\bbash\s+-i\s+>&|\bmkfifo\b[^\n]{0,80}\bnc\b|socat\b[^\n]{0,60}exec:/i;
const DESTRUCTIVE = /\brm\s+-[a-z]*r[a-z]*f?\s+(?:\/|~|\*|\$HOME)(?:\s|$)|\bmkfs\.|\bdd\s+if=.{0,40}of=\/dev\/[sh]d|:\(\)\s*\{\s*:\|:&\s*\};:/i;
const SUBSTITUTION = /\$\([^)]{1,500}\)|`[^`\n]{1,500}`/;
const SUBSTITUTION_DANGEROUS = new RegExp(String.raw`(?:\$\(|\`)\s*(?:[\w/.-]*/)?${DANGEROUS}\b`, 'i');
const LEADING_OPERATOR = /^\s*(?:\||;|&&|\|\|)\s*\S/;
const CHAINED_DANGEROUS = new RegExp(String.raw`(?:;|&&|\|\||\||\n)\s*(?:sudo\s+)?(?:[\w/.-]*/)?${DANGEROUS}\b`, 'i');
const CHAINED_ANY = /(?:;|&&|\|\||\|(?!\|))\s*[A-Za-z_./][\w./-]*/;
const SENSITIVE_REDIRECT = /(?:^|[^<>])>{1,2}\s*(?:~\/\.(?:bashrc|zshrc|profile|ssh\/authorized_keys)|\/etc\/|\/root\/|\$HOME\/\.)/i;
const REDIRECT_TO_FILE = /(?:^|\s)>{1,2}\s*[\w./~-]+/;
const FLAG_INJECTION = /\s-{1,2}[A-Za-z][\w-]*(?:[= ]\S+)?/;
const CONTROL_LINE = /\n\s*(?:\.[a-z]+|[a-z]+\s+(?:table|database|from|into)|drop|delete|truncate|alter|grant|exec)\b/i;
/** Options that make a program run another one or write where it should not (argument injection). */
const DANGEROUS_OPTION = /(?:^|\s)(?:-exec(?:dir)?\s|--upload-pack[=\s]|--receive-pack[=\s]|-o\s*ProxyCommand|--rsh[=\s]|--to-command[=\s]|--checkpoint-action[=\s]|--use-compress-program[=\s]|(?:-c\s*|--config[=\s])core\.(?:sshCommand|pager|editor|fsmonitor)|--post-file[=\s]|--exec[=\s])/i;
/** A value read as an option where a URL, host, path or identifier belongs (`--upload-pack=…` as a repository URL). */
const LEADING_DASH = /^\s*-{1,2}[A-Za-z]/;
/** Markdown code spans and fences in prose: quoted commands, not commands. */
const CODE_SPANS = /```[\s\S]*?```|`[^`\n]*`/g;
/** Arguments holding a search pattern, where `|` is alternation. */
const PATTERN_KEY = /^(?:pattern|patterns|regex|regexp|glob|grep)$/;
const QUERY_PIPE = /\|\s*(?:project|take|where|extend|summarize|limit|getschema|union|join|evaluate|invoke)\b/i;

/** Files that run by themselves later: shell start-up files, cron, git hooks, services, SSH keys. */
const SELF_RUNNING_PATH = /(?:^|[/\\])\.(?:bashrc|bash_profile|bash_login|zshrc|zprofile|zshenv|profile)$|(?:^|[/\\])(?:crontab|authorized_keys|rc\.local)$|[/\\]etc[/\\](?:cron|profile\.d|systemd|init\.d)|[/\\]\.git[/\\]hooks[/\\]|[/\\]\.config[/\\](?:autostart|systemd)[/\\]|LaunchAgents|LaunchDaemons/i;

/**
 * Whether the call writes a file whose prose arguments are its body: it names a path, and none that runs
 * by itself (a download-and-run line written into ~/.bashrc or a git hook is persistence, not a document).
 */
function writesFileBody(leaves: readonly TextLeaf[]): boolean {
  const paths = leaves.filter((leaf) => argumentKind(leaf.key) === 'path');
  return paths.length > 0 && !paths.some((leaf) => SELF_RUNNING_PATH.test(leaf.value.trim()));
}

/** Reads one argument value for shell injection, by what the argument is for (`fileBody`: see writesFileBody). */
function inspect(leaf: TextLeaf, fileBody: boolean): Finding[] {
  if (leaf.value.length < 2 || !/[;&|`$<>\n-]/.test(leaf.value)) return [];
  const kind = argumentKind(leaf.key);
  const words = keyWords(leaf.key);
  const pattern = PATTERN_KEY.test(words[words.length - 1] ?? '');
  const value = kind === 'prose' && leaf.value.includes('`') ? leaf.value.replace(CODE_SPANS, ' ') : pattern ? leaf.value.replace(/\|/g, ' ') : leaf.value;
  const found: Finding[] = [];
  const add = (severity: Severity, signal: string, match: RegExpMatchArray | null): void => {
    if (match) found.push({ severity, signal, match: match[0] });
  };
  // The content of a file the call writes (a Dockerfile's `RUN curl … | bash -`, an install guide) is
  // text for later, not a command of this call: low there, still shown; high anywhere else.
  add(kind === 'prose' && fileBody ? 'low' : 'high', 'download-and-execute', DOWNLOAD_EXECUTE.exec(value));
  add('high', 'reverse shell', REVERSE_SHELL.exec(value));
  add('high', 'destructive command', DESTRUCTIVE.exec(value));
  add('high', 'redirection into a sensitive file', SENSITIVE_REDIRECT.exec(value));
  if (kind === 'prose') return found;
  if (kind !== 'command') add('high', 'option that runs another program (argument injection)', DANGEROUS_OPTION.exec(value));
  if (kind === 'url' || kind === 'path' || kind === 'recipient') add('medium', 'value starts with a dash and would be read as an option', LEADING_DASH.exec(value));

  add('high', 'command substitution running a network or shell program', SUBSTITUTION_DANGEROUS.exec(value));
  if (kind === 'command') {
    // A command argument holds shell syntax by design: only injection-shaped or dangerous forms count.
    add('medium', 'command starts with a shell operator (injection-shaped)', LEADING_OPERATOR.exec(value));
    if (LEADING_OPERATOR.test(value)) add('medium', 'output redirected to a file', REDIRECT_TO_FILE.exec(value));
    add('medium', 'chained network, shell or destructive program', CHAINED_DANGEROUS.exec(value));
    return found;
  }
  add('high', 'command substitution', SUBSTITUTION.exec(value));
  add('high', 'shell operator followed by a network, shell or destructive program', CHAINED_DANGEROUS.exec(value));
  add('medium', 'shell operator chaining another command', CHAINED_ANY.exec(value));
  add('medium', 'query pipe that re-scopes the query', QUERY_PIPE.exec(value));
  add('medium', 'new line starting a control command', CONTROL_LINE.exec(value));
  if (kind === 'strict') {
    const flag = /\S\s+-/.test(value) ? FLAG_INJECTION.exec(value) : null;
    add('medium', 'command-line flag smuggled into an identifier', flag);
  }
  return found;
}

/**
 * command_injection: shell syntax in arguments — `$( )`, backticks, `;`, `&&`, `|`, redirections,
 * new lines, smuggled flags — judged by what the argument is for. A `command` argument may hold
 * `ls -la` or `kubectl get pods | grep api`; only injection-shaped or dangerous forms raise there.
 * Identifiers (issue numbers, namespaces, table names) get no shell syntax at all. Prose is skipped
 * except for download-and-execute, reverse shells and destructive commands.
 */
export function detectCommandInjection(ctx: DetectionContext): void {
  let severity: Severity | null = null;
  const matches: EvidenceMatch[] = [];
  const fileBody = writesFileBody(ctx.view.argumentLeaves);
  for (const leaf of ctx.view.argumentLeaves) {
    for (const finding of inspect(leaf, fileBody)) {
      severity = severity ? maxSeverity(severity, finding.severity) : finding.severity;
      matches.push({ field: leaf.field, text: maskSecrets(leaf.value.slice(0, 600)), signal: `${finding.signal}: ${maskSecrets(finding.match.slice(0, 120))}` });
    }
  }
  if (!severity) return;
  ctx.emit({
    category: 'command_injection',
    severity,
    title: `Shell injection in arguments to ${ctx.view.tool ?? ctx.view.method}`,
    tool: ctx.view.tool,
    evidence: {
      summary: `Arguments of ${ctx.view.tool ?? ctx.view.method} on server "${ctx.view.server}" carry shell syntax: ${[...new Set(matches.map((m) => m.signal.split(':')[0]))].join('; ')}.`,
      matches,
      details: { outcome: ctx.view.outcome },
    },
  });
}
