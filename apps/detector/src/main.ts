import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { runServe } from './cli/serve.command.js';
import { runTokenCommand } from './cli/token.command.js';
import { runVerifyExport, trustedKeyFingerprint } from './cli/verify-export.command.js';

/** Each command's usage, printed by `palisade-detector COMMAND --help` and together by `--help`. */
const USAGE = {
  serve: `  palisade-detector [serve] [--api-only | --worker-only]
      Runs the REST API (127.0.0.1:4000 by default) and the pipeline worker in one process.
      --api-only      only the REST API (distributed deployment)
      --worker-only   only the pipeline worker, outbox and schedules (distributed deployment)
`,
  'verify-export': `  palisade-detector verify-export PATH [--key sha256:HEX | --key PUBLIC_KEY.pem]
      Checks a compliance bundle (a folder or a .tar.gz): prints OK and exits 0 when intact, otherwise
      names the first file or audit entry that was altered, removed or reordered and exits 1.
      --key   the install's export key (its fingerprint from GET /api/exports/key, or the PEM): a bundle
              signed by any other key fails. Without it, integrity is checked against the key the
              bundle carries, and the signer's fingerprint is printed to compare by hand.
`,
  token: `  palisade-detector token create --name NAME --role admin|analyst|auditor|collector
      Creates an API token in the store of PALISADE_HOME and prints it once.
  palisade-detector token list
      Lists the tokens: id, role, name, active or revoked, last use.
  palisade-detector token revoke ID|NAME
      Revokes a live token (by its id, or by its name): it is refused from then on.
`,
} as const;

const CONFIGURATION = `Configuration (environment): PALISADE_HOME, PALISADE_BUS, KAFKA_BROKERS, PALISADE_TOPIC, PALISADE_STORE,
ELASTICSEARCH_URL, PALISADE_API_PORT, PALISADE_API_HOST, PALISADE_TRUST_PROXY, PALISADE_ADMIN_TOKEN, PALISADE_INGEST_TOKEN,
SMTP_URL, PALISADE_MAIL_TO, PALISADE_WEBHOOKS, PALISADE_WEBHOOK_SECRET, PALISADE_AUTO_QUARANTINE,
PALISADE_RETENTION_*_DAYS, PALISADE_CLOCK_SKEW_MS, PALISADE_PREVIEW_MAX_EVENTS, PALISADE_RULES_DIR, PALISADE_CONFIG,
PALISADE_LOG_LEVEL. See the README.
`;

const HELP = `palisade-detector — Palisade's detection service (API + pipeline worker)

Usage:
${Object.values(USAGE).join('')}  palisade-detector --help

${CONFIGURATION}`;

/** The help asked for: one command's usage (`token --help`), or all of it. */
function helpFor(command: string): string {
  if (!(command in USAGE)) return HELP;
  const usage = USAGE[command as keyof typeof USAGE];
  // Only the commands that open the bus and the store read the configuration.
  return `Usage:\n${usage}${command === 'verify-export' ? '' : `\n${CONFIGURATION}`}`;
}

function fail(message: string, code = 2): never {
  process.stderr.write(`palisade-detector: ${message}\n`);
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  const [command = 'serve', ...rest] = argv[0]?.startsWith('-') ? ['serve', ...argv] : argv;
  if (command === 'help') {
    process.stdout.write(helpFor(rest[0] ?? ''));
    return;
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(argv[0]?.startsWith('-') ? HELP : helpFor(command));
    return;
  }
  switch (command) {
    case 'serve': {
      const { values } = parseArgs({ args: rest, options: { 'api-only': { type: 'boolean' }, 'worker-only': { type: 'boolean' } }, strict: true });
      if (values['api-only'] && values['worker-only']) fail('--api-only and --worker-only exclude each other');
      await runServe({ api: !values['worker-only'], worker: !values['api-only'] });
      return;
    }
    case 'verify-export': {
      const { values, positionals } = parseArgs({ args: rest, options: { key: { type: 'string' } }, allowPositionals: true, strict: true });
      if (positionals.length !== 1) fail('verify-export needs exactly one PATH (a bundle folder or .tar.gz)');
      let trusted: string | undefined;
      if (values.key !== undefined) {
        const key = trustedKeyFingerprint(values.key);
        if ('error' in key) fail(key.error);
        trusted = key.fingerprint;
      }
      process.exit(await runVerifyExport(positionals[0]!, trusted));
      return;
    }
    case 'token': {
      process.exit(await runTokenCommand(rest));
      return;
    }
    default:
      fail(`unknown command ${JSON.stringify(command)} (try --help)`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const err = error as Error & { code?: unknown };
  if (err?.name === 'ConfigError') fail(err.message, 1);
  // A bad option: node:util parseArgs errors carry ERR_PARSE_ARGS_* codes.
  if (typeof err?.code === 'string' && err.code.startsWith('ERR_PARSE_ARGS_')) fail(`${err.message} (try --help)`);
  // The store cannot be used (unreachable Elasticsearch, a newer schema): one readable line, the stack only
  // at debug level. (A bad rule pack is a ConfigError, above.)
  if (err?.name === 'StoreError') {
    if (process.env['PALISADE_LOG_LEVEL'] === 'debug') process.stderr.write(`${err.stack}\n`);
    fail(err.message, 1);
  }
  process.stderr.write(`palisade-detector: ${err?.stack ?? String(error)}\n`);
  process.exit(1);
});
