// A fuzzy join over the dispatch (issue 15): the queries go out in chunks as `join` jobs (a flow
// per chunk when the corpus is sharded: one child per shard, merged by the parent), a bounded
// number in flight, and the rows stream back in the order the chunks finish. Each chunk's
// matches travel compactly (positions and scores; the client puts the words back). The merged
// result equals `corpus.join` run locally.
import { Corpus, corpusInternals } from '../corpus.js';
import { ERROR_CODES, describe, rangeError, typeError } from '../errors.js';
import type { JoinProgress, JoinRow } from '../join.js';
import type { Metric } from '../kernel.js';
import { readOptions } from '../options.js';
import { LIMITS, parseTask, type JoinArgs } from '../tasks.js';
import type { CorpusRef, Dispatcher, Requirement } from './types.js';

export interface DispatchJoinOptions {
  /** @defaultValue 'jaro' */
  metric?: Metric;
  /** The threshold of a similarity metric, in [0, 1]. */
  minScore?: number;
  /** The threshold of `levenshtein` (a non-negative integer). */
  maxDistance?: number;
  /** Winkler's prefix weight for `jaroWinkler`. @defaultValue 0.1 */
  prefixWeight?: number;
  /** Queries per job (at most LIMITS.queriesPerJob). @defaultValue 1000 */
  chunkSize?: number;
  /** Chunks queued at once (the memory of the client and of Redis is bounded by it). @defaultValue 8 */
  inflight?: number;
  /** @defaultValue 'native' */
  require?: Requirement;
  /** @defaultValue 3 */
  attempts?: number;
  /** How long to wait for one chunk. @defaultValue 600000 */
  timeoutMs?: number;
  /** Cancels the chunks in flight; the iteration rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called after each chunk: queries done, out of how many (when known), matches so far. */
  onProgress?: (progress: JoinProgress) => void;
}

const OPTIONS = ['metric', 'minScore', 'maxDistance', 'prefixWeight', 'chunkSize', 'inflight', 'require', 'attempts', 'timeoutMs', 'signal', 'onProgress'];

/** UTF-16 units of queries per job (well under the 4 MiB of job data, at 6 bytes a unit in JSON). */
const CHUNK_UNITS = 400_000;

interface Chunk {
  first: number;
  queries: string[];
  positions?: number[];
}

export function dispatchJoin(
  d: Dispatcher,
  corpus: CorpusRef | string,
  queries: Iterable<string> | Corpus,
  options: DispatchJoinOptions,
): AsyncIterableIterator<JoinRow> {
  const fn = 'fuzzyJoin';
  const id = typeof corpus === 'string' ? corpus : corpus?.id;
  if (typeof id !== 'string') throw typeError(ERROR_CODES.ARGUMENT, `${fn}: corpus must be a CorpusRef or a corpus id, got ${describe(corpus)}`);
  if (typeof queries === 'string' || queries === null || typeof (queries as Iterable<string>)?.[Symbol.iterator] !== 'function') {
    throw typeError(ERROR_CODES.ARGUMENT, `${fn}: queries must be an iterable of strings or a Corpus, got ${describe(queries)}`);
  }
  const o = readOptions(fn, options, OPTIONS) as DispatchJoinOptions;
  const chunkSize = o.chunkSize ?? 1000;
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > LIMITS.queriesPerJob) {
    throw rangeError(ERROR_CODES.OPTION, `${fn}: chunkSize must be an integer in [1, ${LIMITS.queriesPerJob}], got ${describe(o.chunkSize)}`);
  }
  const inflight = o.inflight ?? 8;
  if (!Number.isInteger(inflight) || inflight < 1) throw rangeError(ERROR_CODES.OPTION, `${fn}: inflight must be a positive integer, got ${describe(o.inflight)}`);
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') {
    throw rangeError(ERROR_CODES.OPTION, `${fn}: onProgress must be a function, got ${describe(o.onProgress)}`);
  }
  const base: Omit<JoinArgs, 'queries'> = { corpus: id, metric: o.metric ?? 'jaro' };
  if (o.minScore !== undefined) base.minScore = o.minScore;
  if (o.maxDistance !== undefined) base.maxDistance = o.maxDistance;
  if (o.prefixWeight !== undefined) base.prefixWeight = o.prefixWeight;
  parseTask('join', { ...base, queries: [''] }); // the threshold and options, checked before anything is read or queued
  const positions = queries instanceof Corpus ? corpusInternals(queries).positions : undefined;
  const total = queries instanceof Corpus ? queries.size : Array.isArray(queries) ? queries.length : undefined;
  const it = (queries as Iterable<unknown>)[Symbol.iterator]();
  let at = 0;
  let exhausted = false;
  const read = (): Chunk | undefined => {
    if (exhausted) return undefined;
    const chunk: Chunk = { first: at, queries: [] };
    let units = 0;
    while (chunk.queries.length < chunkSize && units < CHUNK_UNITS) {
      const next = it.next();
      if (next.done) {
        exhausted = true;
        break;
      }
      if (typeof next.value !== 'string') throw typeError(ERROR_CODES.ARGUMENT, `${fn}: queries[${at}] must be a string, got ${describe(next.value)}`);
      chunk.queries.push(next.value);
      units += next.value.length;
      at++;
    }
    if (positions) chunk.positions = chunk.queries.map((_, k) => positions[chunk.first + k]);
    return chunk.queries.length ? chunk : undefined;
  };

  return (async function* rows(): AsyncGenerator<JoinRow, void, undefined> {
    const signal = o.signal;
    type Pending = { id: string; chunk: Chunk; done: Promise<{ pending: Pending; value?: Awaited<ReturnType<Dispatcher['result']>>; error?: unknown }> };
    const pending = new Set<Pending>();
    let aborted: (() => void) | undefined;
    const abortedP = new Promise<'aborted'>((resolve) => (aborted = () => resolve('aborted')));
    signal?.addEventListener('abort', aborted!, { once: true });
    let done = 0;
    let found = 0;
    const launch = async () => {
      const chunk = read();
      if (!chunk) return false;
      const [jobId] = await d.map('join', [{ ...base, queries: chunk.queries }], { require: o.require, attempts: o.attempts });
      const p: Pending = { id: jobId, chunk, done: undefined as never };
      p.done = d.result<'join'>(jobId, { timeoutMs: o.timeoutMs ?? 600_000 }).then(
        (value) => ({ pending: p, value }),
        (error) => ({ pending: p, error }),
      );
      pending.add(p);
      return true;
    };
    try {
      if (signal?.aborted) throw signal.reason;
      while (pending.size < inflight && (await launch()));
      while (pending.size > 0) {
        const first = await Promise.race([abortedP, ...[...pending].map((p) => p.done)]);
        if (first === 'aborted') throw signal!.reason;
        pending.delete(first.pending);
        if (first.error !== undefined) throw first.error;
        if (signal?.aborted) throw signal.reason;
        await launch(); // the next chunk goes out before this one's rows are handed over
        const { chunk } = first.pending;
        const result = first.value!;
        for (let k = 0; k < chunk.queries.length; k++) {
          const matches = result[k];
          if (matches.length === 0) continue;
          found += matches.length;
          yield { queryIndex: chunk.positions ? chunk.positions[k] : chunk.first + k, query: chunk.queries[k], matches };
        }
        done += chunk.queries.length;
        o.onProgress?.({ done, total, found });
      }
    } finally {
      signal?.removeEventListener('abort', aborted!);
      // ended early (a break, an abort, a failed chunk): the other chunks are cancelled
      await Promise.all([...pending].map((p) => d.cancel(p.id).catch(() => false)));
      for (const p of pending) void p.done; // settled by the cancel; nothing left unhandled
    }
  })();
}
