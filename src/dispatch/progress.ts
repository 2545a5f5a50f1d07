// Progress of batches and results in completion order, the same for both dispatchers: built on
// each dispatcher's own `result(id, { onProgress })`.
import type { BatchProgress, Finished, JoinOptions, Progress, ResultOptions } from './types.js';

type ResultFn = (id: string, options: ResultOptions) => Promise<unknown>;

/** The longest delay a Node.js timer takes (a longer one fires at once). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** `result`'s timeoutMs, checked: a positive number of milliseconds up to MAX_TIMEOUT_MS, or Infinity (no limit). */
export function readTimeoutMs(fn: string, value: unknown): number {
  const ms = value ?? 60_000;
  if (typeof ms !== 'number' || !(ms > 0) || (ms > MAX_TIMEOUT_MS && ms !== Infinity)) {
    throw new RangeError(`${fn}: timeoutMs must be a positive number of milliseconds up to ${MAX_TIMEOUT_MS} (24.8 days), or Infinity for no limit, got ${String(ms)}`);
  }
  return ms;
}

/** Queries in a finished closest result: one list of matches per query. */
function queriesIn(value: unknown): number | undefined {
  return Array.isArray(value) ? value.length : undefined;
}

/**
 * Waits for every job like `Promise.allSettled`, calling `options.onProgress` with the whole
 * batch's progress on each job's report and on each job's end. `known(id)` gives the queries of
 * a job this client queued (so the total is right before any job reports).
 */
export function settleAll(
  ids: string[],
  options: JoinOptions,
  result: ResultFn,
  known: (id: string) => number | undefined,
  onSettled?: (index: number, outcome: PromiseSettledResult<unknown>) => void,
): Promise<PromiseSettledResult<unknown>[]> {
  const { onProgress, ...rest } = options;
  if (!onProgress) {
    return Promise.allSettled(
      ids.map((id, i) =>
        onSettled
          ? result(id, rest).then(
              (value) => (onSettled(i, { status: 'fulfilled', value }), value),
              (reason: unknown) => {
                onSettled(i, { status: 'rejected', reason });
                throw reason;
              },
            )
          : result(id, rest),
      ),
    );
  }
  const done = ids.map(() => 0);
  const totals = ids.map((id) => known(id));
  let finished = 0;
  const emit = (id: string) => {
    let d = 0;
    let t = 0;
    for (let i = 0; i < ids.length; i++) {
      d += done[i];
      t += totals[i] ?? 0;
    }
    const report: BatchProgress = { done: d, total: t, finished, jobs: ids.length, id };
    try {
      onProgress(report);
    } catch {
      // a throwing callback must not lose the results
    }
  };
  return Promise.allSettled(
    ids.map((id, i) =>
      result(id, {
        ...rest,
        onProgress: (p: Progress) => {
          // in queries: a flow reports over its shards, scaled to the job's own queries
          const total = totals[i];
          if (total === undefined) totals[i] = p.total;
          done[i] = total === undefined ? p.done : p.total > 0 ? Math.floor((p.done / p.total) * total) : 0;
          emit(id);
        },
      }).then(
        (value) => {
          finished++;
          totals[i] = queriesIn(value) ?? totals[i];
          done[i] = totals[i] ?? done[i];
          emit(id);
          onSettled?.(i, { status: 'fulfilled', value });
          return value;
        },
        (err: unknown) => {
          finished++;
          emit(id);
          onSettled?.(i, { status: 'rejected', reason: err });
          throw err;
        },
      ),
    ),
  );
}

/** Each job's outcome as it finishes, in completion order; `onProgress` as for `settleAll`. */
export async function* inCompletionOrder<T>(
  ids: string[],
  options: JoinOptions,
  result: ResultFn,
  known: (id: string) => number | undefined,
): AsyncGenerator<Finished<T>> {
  const ready: Finished<T>[] = [];
  let wake: (() => void) | undefined;
  void settleAll(ids, options, result, known, (index, outcome) => {
    const id = ids[index];
    ready.push(outcome.status === 'fulfilled' ? { status: 'fulfilled', value: outcome.value as T, id, index } : { status: 'rejected', reason: outcome.reason, id, index });
    wake?.();
  });
  for (let yielded = 0; yielded < ids.length; ) {
    if (ready.length === 0) await new Promise<void>((r) => (wake = r));
    wake = undefined;
    while (ready.length > 0) {
      yielded++;
      yield ready.shift()!;
    }
  }
}
