import { type BusMessage } from '../bus.port.js';
import { type LogCursor } from '../shared/polling.consumer.js';
import { type SqliteLog } from './sqlite.log.js';

/** An ephemeral reader of the sqlite log: no lease, offsets in memory only, nothing written. */
export class SqliteEphemeralCursor implements LogCursor {
  constructor(
    private readonly log: SqliteLog,
    private readonly topic: string,
    private readonly fromBeginning: boolean,
    private readonly now: () => number,
  ) {}

  join(): number {
    const range = this.log.range(this.log.topicId(this.topic, this.now()));
    return this.fromBeginning ? range.tail - 1 : range.head;
  }

  renew(): boolean {
    return true;
  }

  read(after: number, max: number): BusMessage[] {
    return this.log.read(this.topic, this.log.topicId(this.topic, this.now()), after, max);
  }

  commit(): boolean {
    return true;
  }

  leave(): void {
    // no lease to release: an ephemeral reader holds nothing
  }
}
