import { runCollectorCli } from './cli/collector.cli.js';

// An error that escapes the pipeline must never take the relay down with it: report it and carry on.
process.on('uncaughtException', (error) => {
  process.stderr.write(`palisade-collector: internal error (contained): ${error.stack ?? error.message}\n`);
});
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`palisade-collector: internal error (contained): ${String(reason)}\n`);
});

const status = await runCollectorCli(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`palisade-collector: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
});
// Whatever is still queued for stdout (the server's last bytes) is written before the process ends.
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
process.exit(status);
