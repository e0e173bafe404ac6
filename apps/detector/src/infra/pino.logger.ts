import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';

/**
 * Nest's logger backed by pino: JSON lines with a level, to stderr (stdout stays free for CLI output),
 * so an operator can ship them like any other service log.
 */
export class PinoLogger implements LoggerService {
  readonly pino: Logger;
  private readonly destination: ReturnType<typeof pino.destination>;

  constructor(level: string, destination: number | string = 2) {
    this.destination = pino.destination({ dest: destination, sync: false });
    this.pino = pino({ level, base: { service: 'palisade-detector' }, timestamp: pino.stdTimeFunctions.isoTime }, this.destination);
  }

  log(message: unknown, context?: string): void {
    this.pino.info({ context }, String(message));
  }

  error(message: unknown, trace?: string, context?: string): void {
    this.pino.error({ context, ...(trace ? { trace } : {}) }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.pino.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.pino.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.pino.trace({ context }, String(message));
  }

  fatal(message: unknown, context?: string): void {
    this.pino.fatal({ context }, String(message));
  }

  flush(): void {
    this.pino.flush();
  }

  /** Writes what is buffered now, so that a line written to stderr next comes after it. */
  flushSync(): void {
    try {
      this.destination.flushSync();
    } catch {
      // Not open yet, or nothing to write.
    }
  }
}
