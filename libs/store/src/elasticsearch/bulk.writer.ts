import type { Client, estypes } from '@elastic/elasticsearch';
import { StoreError, StoreErrorCode } from '../store.error.js';
import { backoffDelay, describeError, isRetryableError, isRetryableStatus, type RetryPolicy } from './retry.policy.js';

/** One bulk action. `create` is the idempotent insert: a document already there (409) is a duplicate, not an error. */
export type BulkAction =
  | { op: 'create' | 'index'; index: string; id: string; document: unknown }
  | { op: 'update'; index: string; id: string; body: { script?: unknown; upsert?: unknown; doc?: unknown; scripted_upsert?: boolean } }
  | { op: 'delete'; index: string; id: string };

/** What became of each action: written, already there (`create` of a known id), or absent (`delete` of an unknown id). */
export type BulkOutcome = 'written' | 'duplicate' | 'absent';

export type Refresh = false | 'wait_for';

/**
 * Writes bulk actions with backoff: a request refused for load (429/503) or lost on the way is sent again
 * whole; items refused for load are sent again alone; a duplicate `create` counts as done. Gives up
 * with `StoreError` code `unavailable` after the policy's attempts, and with code `backend` on any other
 * item error (after the rest was written: every action is idempotent, so the caller may replay).
 */
export class BulkWriter {
  constructor(
    private readonly client: Client,
    private readonly policy: RetryPolicy,
  ) {}

  async write(actions: readonly BulkAction[], refresh: Refresh): Promise<BulkOutcome[]> {
    const outcomes: (BulkOutcome | undefined)[] = new Array(actions.length);
    let pending = actions.map((_, index) => index);
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
        response = await this.client.bulk({ operations: pending.flatMap((index) => lines(actions[index] as BulkAction)), refresh }, { maxRetries: 0 });
      } catch (error) {
        if (!isRetryableError(error)) throw new StoreError(StoreErrorCode.Backend, `elasticsearch bulk write failed: ${describeError(error)}`, { cause: error });
        lastProblem = describeError(error);
        continue;
      }
      const retry: number[] = [];
      const failures: string[] = [];
      response.items.forEach((item, position) => {
        const index = pending[position] as number;
        const action = actions[index] as BulkAction;
        const result = item[action.op];
        const status = result?.status ?? 0;
        if (status >= 200 && status < 300) outcomes[index] = 'written';
        else if (status === 409 && action.op === 'create') outcomes[index] = 'duplicate';
        else if (status === 404 && action.op === 'delete') outcomes[index] = 'absent';
        else if (isRetryableStatus(status)) retry.push(index);
        else failures.push(`${action.op} ${action.index}/${action.id}: HTTP ${status} ${result?.error?.type ?? ''} ${result?.error?.reason ?? ''}`.trim());
      });
      if (failures.length > 0) {
        throw new StoreError(StoreErrorCode.Backend, `elasticsearch refused ${failures.length} of ${pending.length} bulk actions; first: ${failures[0]?.slice(0, 300)}`);
      }
      lastProblem = `${retry.length} actions refused for load`;
      pending = retry;
    }
    return outcomes.map((outcome) => outcome ?? 'written');
  }
}

function lines(action: BulkAction): unknown[] {
  const meta = { [action.op]: { _index: action.index, _id: action.id } };
  switch (action.op) {
    case 'create':
    case 'index':
      return [meta, action.document];
    case 'update':
      return [meta, action.body];
    case 'delete':
      return [meta];
  }
}
