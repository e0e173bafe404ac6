import { type BusMessage } from '../bus.port.js';
import { type LogCursor } from '../shared/polling.consumer.js';
import { type LeaseHolder, type SqliteLog } from './sqlite.log.js';

/** How a durable group holds its (group, topic) lease. */
export interface SqliteLeaseSettings {
  ttlMs: number;
  holder: LeaseHolder;
  /** True when the process holding a lease is known to be gone (same host, pid no longer alive). */
  holderGone: (lease: LeaseHolder) => boolean;
  now: () => number;
}

/**
 * A durable group's cursor on the sqlite log: offsets in `group_offsets`, membership by a lease in
 * `group_leases` that the active member renews and that every commit re-checks (fencing).
 */
export class SqliteGroupCursor implements LogCursor {
  constructor(
    private readonly log: SqliteLog,
    private readonly group: string,
    private readonly topic: string,
    private readonly fromBeginning: boolean,
    private readonly lease: SqliteLeaseSettings,
  ) {}

  private get topicId(): number {
    return this.log.topicId(this.topic, this.lease.now());
  }

  join(): number | null {
    const { ttlMs, holder, holderGone, now } = this.lease;
    return this.log.join(this.group, this.topicId, holder, now(), ttlMs, this.fromBeginning, holderGone);
  }

  renew(): boolean {
    return this.log.renew(this.group, this.topicId, this.lease.holder.owner, this.lease.now(), this.lease.ttlMs);
  }

  read(after: number, max: number): BusMessage[] {
    return this.log.read(this.topic, this.topicId, after, max);
  }

  commit(position: number): boolean {
    return this.log.commit(this.group, this.topicId, this.lease.holder.owner, position, this.lease.now(), this.lease.ttlMs);
  }

  leave(): void {
    this.log.release(this.group, this.topicId, this.lease.holder.owner);
  }
}
