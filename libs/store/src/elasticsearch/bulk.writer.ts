import { createHash } from 'node:crypto';
import type { Client, estypes } from '@elastic/elasticsearch';
import { StoreError, StoreErrorCode } from '../store.error.js';
import { backoffDelay, describeError, isRetryableError, isRetryableStatus, type RetryPolicy } from './retry.policy.js';

/** One bulk action. `create` is the idempotent insert: a document already there (409) is a duplicate, not an error. */
export type BulkAction =
  | { op: 'create' | 'index'; index: string; id: string; document: unknown }
  | { op: 'update'; index: string; id: string; body: { script?: unknown; upsert?: unknown; doc?: unknown; scripted_upsert?: boolean } }
  /** With `ifSeqNo` and `ifPrimaryTerm`: only if the document is still the one read (outcome `changed` otherwise). */
  | { op: 'delete'; index: string; id: string; ifSeqNo?: number | undefined; ifPrimaryTerm?: number | undefined };

/**
 * What became of each action: written, already there (`create` of a known id), absent (`delete` of an
 * unknown id), changed (a conditional `delete` of a document written since it was read, left as it is), or
 * kept aside (a document Elasticsearch refused as such, written to the keep-aside index).
 */
export type BulkOutcome = 'written' | 'duplicate' | 'absent' | 'changed' | 'kept_aside';

/** An item Elasticsearch refused for a reason sending it again will not change. */
interface ItemFailure {
  index: number;
  status: number;
  message: string;
}

export type Refresh = false | 'wait_for';

/**
 * Largest body of one bulk request, in bytes of NDJSON. Elasticsearch refuses a request body over
 * `http.max_content_length` (100 MB by default) with 413, and a bulk over the node's indexing pressure
 * limit (10 % of the heap) with 429 every time it is sent again; Elastic suggests bulks of 5-15 MB.
 */
export const DEFAULT_BULK_MAX_BYTES = 8 * 1024 * 1024;

/**
 * Writes bulk actions with backoff, in requests of at most `maxBytes` (an action larger than that goes
 * alone): a request refused for load (429/503) or lost on the way is sent again whole; items refused for
 * load are sent again alone; a duplicate `create` counts as done. Gives up with `StoreError` code
 * `unavailable` after the policy's attempts, and with code `backend` on any other item error (after the
 * rest was written: every action is idempotent, so the caller may replay).
 */
export class BulkWriter {
  /** Documents refused by Elasticsearch and kept aside since start (`StoreStats.documentsKeptAside`). */
  keptAside = 0;

  constructor(
    private readonly client: Client,
    private readonly policy: RetryPolicy,
    private readonly maxBytes: number = DEFAULT_BULK_MAX_BYTES,
    /**
     * Where a document Elasticsearch refuses as such (HTTP 400 on its item: a value its mapping cannot
     * take) is kept, with the reason, instead of failing the batch: the pipeline would send the same batch
     * again and be refused again, and one event a monitored server shaped could stop detection for good.
     * Null: such an item fails the write like any other.
     */
    private readonly asideIndex: string | null = null,
  ) {}

  async write(actions: readonly BulkAction[], refresh: Refresh): Promise<BulkOutcome[]> {
    const outcomes: (BulkOutcome | undefined)[] = new Array(actions.length);
    // Each action is serialised once: its lines are measured, then sent as they are.
    const encoded = actions.map((action) => lines(action).map((line) => JSON.stringify(line)));
    const failures: ItemFailure[] = [];
    for (const request of this.requests(encoded)) failures.push(...(await this.writeRequest(actions, encoded, request, refresh, outcomes)));
    // A refused delete carries no document to keep: it fails the write like any other.
    const aside = this.asideIndex ? failures.filter((f) => f.status === 400 && actions[f.index]!.op !== 'delete') : [];
    const fatal = failures.filter((f) => !aside.includes(f));
    if (fatal.length > 0) {
      throw new StoreError(StoreErrorCode.Backend, `elasticsearch refused ${fatal.length} of ${actions.length} bulk actions; first: ${fatal[0]!.message.slice(0, 300)}`);
    }
    if (aside.length > 0) await this.keepAside(actions, aside, refresh, outcomes);
    return outcomes.map((outcome) => outcome ?? 'written');
  }

  /**
   * Writes refused documents to the keep-aside index, whole but unindexed, with where they were going
   * and why they were refused; their id is derived from the original index and id, so a batch sent again
   * keeps each once. A keep-aside write that fails fails the batch as before.
   */
  private async keepAside(actions: readonly BulkAction[], refused: readonly ItemFailure[], refresh: Refresh, outcomes: (BulkOutcome | undefined)[]): Promise<void> {
    const now = new Date().toISOString();
    const kept: BulkAction[] = refused.map(({ index, status, message }) => {
      const action = actions[index] as Exclude<BulkAction, { op: 'delete' }>;
      const document = action.op === 'update' ? action.body : action.document;
      return {
        op: 'create',
        index: this.asideIndex!,
        id: createHash('sha256').update(`${action.index}\u0000${action.id}`).digest('hex'),
        document: { '@timestamp': now, refused: { index: action.index, id: action.id, op: action.op, status, reason: message.slice(0, 2000), document } },
      };
    });
    const writer = new BulkWriter(this.client, this.policy, this.maxBytes, null);
    await writer.write(kept, refresh);
    for (const { index } of refused) outcomes[index] = 'kept_aside';
    this.keptAside += refused.length;
  }

  /** Indices of the actions cut into consecutive requests of at most `maxBytes` of NDJSON. */
  private requests(encoded: readonly string[][]): number[][] {
    const requests: number[][] = [];
    let current: number[] = [];
    let bytes = 0;
    encoded.forEach((actionLines, index) => {
      const size = actionLines.reduce((sum, line) => sum + Buffer.byteLength(line, 'utf8') + 1, 0);
      if (current.length > 0 && bytes + size > this.maxBytes) {
        requests.push(current);
        current = [];
        bytes = 0;
      }
      current.push(index);
      bytes += size;
    });
    if (current.length > 0) requests.push(current);
    return requests;
  }

  /** Writes one request's actions, retrying those refused for load; returns the item errors it cannot fix. */
  private async writeRequest(actions: readonly BulkAction[], encoded: readonly string[][], request: number[], refresh: Refresh, outcomes: (BulkOutcome | undefined)[]): Promise<ItemFailure[]> {
    let pending = request;
    let lastProblem = '';
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > 1) {
        if (attempt > this.policy.maxAttempts) {
          throw new StoreError(StoreErrorCode.Unavailable, `elasticsearch bulk write gave up after ${this.policy.maxAttempts} attempts (${pending.length} actions left): ${lastProblem}`);
        }
        await this.policy.sleep(backoffDelay(this.policy, attempt - 1));
      }
      let response: estypes.BulkResponse;
      try {
        response = await this.client.bulk({ operations: pending.flatMap((index) => encoded[index] as string[]), refresh }, { maxRetries: 0 });
      } catch (error) {
        if (!isRetryableError(error)) throw new StoreError(StoreErrorCode.Backend, `elasticsearch bulk write failed: ${describeError(error)}`, { cause: error });
        lastProblem = describeError(error);
        continue;
      }
      const retry: number[] = [];
      const failures: ItemFailure[] = [];
      response.items.forEach((item, position) => {
        const index = pending[position] as number;
        const action = actions[index] as BulkAction;
        const result = item[action.op];
        const status = result?.status ?? 0;
        if (status >= 200 && status < 300) outcomes[index] = 'written';
        else if (status === 409 && action.op === 'create') outcomes[index] = 'duplicate';
        else if (status === 404 && action.op === 'delete') outcomes[index] = 'absent';
        else if (status === 409 && action.op === 'delete' && action.ifSeqNo !== undefined) outcomes[index] = 'changed';
        else if (isRetryableStatus(status)) retry.push(index);
        else failures.push({ index, status, message: `${action.op} ${action.index}/${action.id}: HTTP ${status} ${result?.error?.type ?? ''} ${result?.error?.reason ?? ''}`.trim() });
      });
      if (failures.length > 0) return failures;
      lastProblem = `${retry.length} actions refused for load`;
      pending = retry;
    }
    return [];
  }
}

/**
 * Times Elasticsearch re-runs an update that lost a race: an update reads the document, then writes it
 * conditionally, and by default fails with a version conflict (409) if another writer (another detector
 * worker seeing the same tool) changed it in between. The update scripts are safe to re-run.
 */
export const UPDATE_RETRY_ON_CONFLICT = 3;

function lines(action: BulkAction): unknown[] {
  const meta = { [action.op]: { _index: action.index, _id: action.id, ...(action.op === 'update' ? { retry_on_conflict: UPDATE_RETRY_ON_CONFLICT } : {}) } };
  switch (action.op) {
    case 'create':
    case 'index':
      return [meta, action.document];
    case 'update':
      return [meta, action.body];
    case 'delete':
      return action.ifSeqNo !== undefined && action.ifPrimaryTerm !== undefined ? [{ delete: { ...meta['delete'], if_seq_no: action.ifSeqNo, if_primary_term: action.ifPrimaryTerm } }] : [meta];
  }
}
