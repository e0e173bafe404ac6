import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * Events that failed validation, kept aside in `PALISADE_HOME/dead-letters/<collector>.ndjson` with the
 * reason (already redacted: only encoded events get here). Appends are asynchronous and serialised.
 */
export class DeadLetterFile {
  private chain: Promise<void> = Promise.resolve();
  readonly file: string;

  constructor(home: string, collectorId: string) {
    this.file = path.join(home, 'dead-letters', `collector-${collectorId}.ndjson`);
  }

  keep(reason: string, json: string, ts: Date = new Date()): Promise<void> {
    const line = `${JSON.stringify({ ts: ts.toISOString(), reason, event: json })}\n`;
    this.chain = this.chain
      .then(async () => {
        await mkdir(path.dirname(this.file), { recursive: true });
        await appendFile(this.file, line, { mode: 0o600 });
      })
      .catch(() => undefined);
    return this.chain;
  }

  flushed(): Promise<void> {
    return this.chain;
  }
}
