/** Where adapters report what an operator should know (lost leases, retention drops, retries). */
export interface BusLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

function line(level: string, message: string, fields?: Record<string, unknown>): string {
  return `palisade-bus ${level}: ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}\n`;
}

/** The default: one line per report on stderr (never stdout, which belongs to JSON-RPC in the collector). */
export const stderrBusLogger: BusLogger = {
  warn: (message, fields) => process.stderr.write(line('warn', message, fields)),
  error: (message, fields) => process.stderr.write(line('error', message, fields)),
};

export const silentBusLogger: BusLogger = { warn: () => undefined, error: () => undefined };
