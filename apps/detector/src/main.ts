import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { runServe } from './cli/serve.command.js';
import { runTokenCommand } from './cli/token.command.js';
import { runVerifyExport } from './cli/verify-export.command.js';

const HELP = `palisade-detector — Palisade's detection service (API + pipeline worker)

Usage:
  palisade-detector [serve] [--api-only | --worker-only]
      Runs the REST API (127.0.0.1:4000 by default) and the pipeline worker in one process.
      --api-only      only the REST API (distributed deployment)
      --worker-only   only the pipeline worker, outbox and schedules (distributed deployment)
  palisade-detector verify-export PATH
      Checks a compliance bundle (a folder or a .tar.gz): prints OK and exits 0 when intact, otherwise
      names the first file or audit entry that was altered, removed or reordered and exits 1.
  palisade-detector token create --name NAME --role admin|analyst|auditor|collector
      Creates an API token in the store of PALISADE_HOME and prints it once.
  palisade-detector token list
  palisade-detector --help

Configuration (environment): PALISADE_HOME, PALISADE_BUS, KAFKA_BROKERS, PALISADE_TOPIC, PALISADE_STORE,
ELASTICSEARCH_URL, PALISADE_API_PORT, PALISADE_API_HOST, PALISADE_ADMIN_TOKEN, PALISADE_INGEST_TOKEN,
SMTP_URL, PALISADE_MAIL_TO, PALISADE_WEBHOOKS, PALISADE_WEBHOOK_SECRET, PALISADE_AUTO_QUARANTINE,
PALISADE_RETENTION_*_DAYS, PALISADE_RULES_DIR, PALISADE_CONFIG, PALISADE_LOG_LEVEL. See the README.
`;

function fail(message: string, code = 2): never {
  process.stderr.write(`palisade-detector: ${message}\n`);
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  const [command = 'serve', ...rest] = argv[0]?.startsWith('-') ? ['serve', ...argv] : argv;
  if (argv.includes('--help') || argv.includes('-h') || command === 'help') {
    process.stdout.write(HELP);
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
      if (rest.length !== 1 || rest[0]!.startsWith('-')) fail('verify-export needs exactly one PATH (a bundle folder or .tar.gz)');
      process.exit(await runVerifyExport(rest[0]!));
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
  const err = error as Error;
  if (err?.name === 'ConfigError') fail(err.message, 1);
  if (err?.name === 'TypeError' && /parseArgs|Unknown option|Unexpected argument/i.test(String((err as { code?: string }).code ?? err.message))) fail(err.message);
  process.stderr.write(`palisade-detector: ${err?.stack ?? String(error)}\n`);
  process.exit(1);
});
