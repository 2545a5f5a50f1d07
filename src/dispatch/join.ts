// A fuzzy join over the dispatch (issue 15): the queries go out in chunks as `join` jobs (a flow
// per chunk when the corpus is sharded: one child per shard, merged by the parent), a bounded
// number in flight, and the rows stream back in the order the chunks finish. Each chunk's
// matches travel compactly (positions and scores; the client puts the words back). The merged
// result equals `corpus.join` run locally.
import { Corpus, corpusInternals } from '../corpus.js';
import { ERROR_CODES, describe, rangeError, typeError } from '../errors.js';
import { clustersOf, selfJoinPlan, type JoinPair, type JoinProgress, type JoinRow, type RawPairs } from '../join.js';
import type { Metric } from '../kernel.js';
import { readOptions } from '../options.js';
import { LIMITS, parseTask, type ClosestResult, type JoinArgs, type SelfJoinArgs } from '../tasks.js';
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
    type Pending = { id: string; chunk: Chunk; done: Promise<{ pending: Pending; value?: ClosestResult; error?: unknown }> };
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

// ---- the distributed self-join and dedupe (issue 15) -------------------------------------------

export interface DispatchSelfJoinOptions {
  /** @defaultValue 'jaro' */
  metric?: Metric;
  /** The threshold of a similarity metric, in [0, 1]. */
  minScore?: number;
  /** The threshold of `levenshtein` (a non-negative integer). */
  maxDistance?: number;
  /** Winkler's prefix weight for `jaroWinkler`. @defaultValue 0.1 */
  prefixWeight?: number;
  /**
   * How many jobs the rows are split into, of about equal work.
   * @defaultValue one per 2,000 words, at least 1, at most 64
   */
  chunks?: number;
  /** Jobs queued at once. @defaultValue 8 */
  inflight?: number;
  /** @defaultValue 'native' */
  require?: Requirement;
  /** @defaultValue 3 */
  attempts?: number;
  /** How long to wait for one job. @defaultValue 600000 */
  timeoutMs?: number;
  /** Cancels the jobs in flight; the iteration (or dedupe) rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called after each job: corpus words (rows) done, out of all, pairs so far. */
  onProgress?: (progress: JoinProgress) => void;
}

export interface DispatchDedupeOptions extends DispatchSelfJoinOptions {
  /** Also return the words near no other word, as clusters of one. @defaultValue false */
  singletons?: boolean;
}

const SELF_OPTIONS = ['metric', 'minScore', 'maxDistance', 'prefixWeight', 'chunks', 'inflight', 'require', 'attempts', 'timeoutMs', 'signal', 'onProgress'];
const MAX_CHUNKS = 10_000;

interface SelfPlan {
  base: Omit<SelfJoinArgs, 'corpus' | 'from' | 'to'>;
  o: DispatchSelfJoinOptions & { singletons?: boolean };
  chunks: number | undefined;
  inflight: number;
}

/** Checks a self-join's options before anything is stored, read or queued. */
function readSelfJoin(fn: string, corpus: unknown, options: unknown, allowed: string[]): SelfPlan {
  if (!(corpus instanceof Corpus) && typeof corpus !== 'string' && typeof (corpus as CorpusRef | null)?.id !== 'string') {
    throw typeError(ERROR_CODES.ARGUMENT, `${fn}: corpus must be a Corpus, a CorpusRef or a corpus id, got ${describe(corpus)}`);
  }
  const o = readOptions(fn, options, allowed) as SelfPlan['o'];
  const chunks = o.chunks;
  if (chunks !== undefined && (!Number.isInteger(chunks) || chunks < 1 || chunks > MAX_CHUNKS)) {
    throw rangeError(ERROR_CODES.OPTION, `${fn}: chunks must be an integer in [1, ${MAX_CHUNKS}], got ${describe(chunks)}`);
  }
  const inflight = o.inflight ?? 8;
  if (!Number.isInteger(inflight) || inflight < 1) throw rangeError(ERROR_CODES.OPTION, `${fn}: inflight must be a positive integer, got ${describe(o.inflight)}`);
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') {
    throw rangeError(ERROR_CODES.OPTION, `${fn}: onProgress must be a function, got ${describe(o.onProgress)}`);
  }
  if (o.singletons !== undefined && typeof o.singletons !== 'boolean') {
    throw rangeError(ERROR_CODES.OPTION, `${fn}: singletons must be a boolean, got ${describe(o.singletons)}`);
  }
  const base: SelfPlan['base'] = { metric: o.metric ?? 'jaro' };
  if (o.minScore !== undefined) base.minScore = o.minScore;
  if (o.maxDistance !== undefined) base.maxDistance = o.maxDistance;
  if (o.prefixWeight !== undefined) base.prefixWeight = o.prefixWeight;
  // the threshold and options, checked with the task's own schema (as a worker will)
  parseTask('selfJoin', { ...base, corpus: 'v2-sha256:' + '0'.repeat(64), from: 0, to: 0 });
  return { base, o, chunks, inflight };
}

/**
 * The self-join's pairs as chunks in corpus indices, in the order the jobs finish: a plain
 * corpus as `selfJoin` jobs over row ranges balanced by work; a sharded one as `join` flows
 * (its words as the queries, each pair kept from its lower side).
 */
async function* selfJoinRemote(d: Dispatcher, target: CorpusRef | string | Corpus, plan: SelfPlan): AsyncGenerator<RawPairs, void, undefined> {
  const { base, o, inflight } = plan;
  const signal = o.signal;
  if (signal?.aborted) throw signal.reason;
  let corpus: Corpus;
  let id: string;
  let shards = 1;
  if (target instanceof Corpus) {
    corpus = target;
    id = (await d.putCorpus(target)).id;
  } else {
    id = typeof target === 'string' ? target : target.id;
    ({ corpus, shards } = await d.fetchCorpus(id));
  }
  const size = corpus.size;
  const chunks = plan.chunks ?? Math.max(1, Math.min(64, Math.ceil(size / 2000)));
  // one job's arguments and how its result becomes pairs in corpus indices
  type Job = { task: 'selfJoin' | 'join'; args: SelfJoinArgs | JoinArgs; rows: number; pairs: (value: unknown) => RawPairs };
  const jobs: Job[] = [];
  if (shards === 1) {
    const bounds = selfJoinPlan(corpus, { metric: base.metric!, minScore: base.minScore ?? 0, maxDistance: base.maxDistance ?? -1, prefixWeight: base.prefixWeight ?? 0.1 }, chunks);
    for (let c = 0; c + 1 < bounds.length; c++) {
      if (bounds[c + 1] === bounds[c]) continue;
      jobs.push({ task: 'selfJoin', args: { ...base, corpus: id, from: bounds[c], to: bounds[c + 1] }, rows: bounds[c + 1] - bounds[c], pairs: (v) => v as RawPairs });
    }
  } else {
    // Rows by count: each row is a whole join (every admitted group), so equal counts are equal work.
    const { positions } = corpusInternals(corpus);
    const indexOf = (position: number) => {
      if (!positions) return position;
      let lo = 0;
      let hi = positions.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (positions[mid] < position) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const words = corpus.words;
    const per = Math.min(LIMITS.queriesPerJob, Math.max(1, Math.ceil(size / chunks)));
    for (let first = 0; first < size; ) {
      let end = first;
      let units = 0;
      while (end < size && end - first < per && units < CHUNK_UNITS) units += words[end++].length;
      const from = first;
      jobs.push({
        task: 'join',
        args: { ...base, corpus: id, queries: words.slice(from, end) },
        rows: end - from,
        pairs: (v) => {
          const rows = v as { index: number; score: number }[][];
          const left: number[] = [];
          const right: number[] = [];
          const scores: number[] = [];
          for (let k = 0; k < rows.length; k++) {
            const me = from + k;
            for (const m of rows[k]) {
              const other = indexOf(m.index);
              if (other <= me) continue; // the pair is kept from its lower side only
              left.push(me);
              right.push(other);
              scores.push(m.score);
            }
          }
          const order = left.map((_, i) => i).sort((a, b) => left[a] - left[b] || right[a] - right[b]);
          return { left: order.map((i) => left[i]), right: order.map((i) => right[i]), scores: order.map((i) => scores[i]) };
        },
      });
      first = end;
    }
  }

  type Outcome = { pending: Pending; value?: unknown; error?: unknown };
  type Pending = { id: string; job: Job; done: Promise<Outcome> };
  const pending = new Set<Pending>();
  let aborted: (() => void) | undefined;
  const abortedP = new Promise<'aborted'>((resolve) => (aborted = () => resolve('aborted')));
  signal?.addEventListener('abort', aborted!, { once: true });
  let next = 0;
  let done = 0;
  let found = 0;
  const launch = async () => {
    if (next >= jobs.length) return false;
    const job = jobs[next++];
    const [jobId] = await d.map(job.task, [job.args as never], { require: o.require, attempts: o.attempts });
    const p: Pending = { id: jobId, job, done: undefined as never };
    p.done = d.result(jobId, { timeoutMs: o.timeoutMs ?? 600_000 }).then(
      (value) => ({ pending: p, value }),
      (error) => ({ pending: p, error }),
    );
    pending.add(p);
    return true;
  };
  try {
    while (pending.size < inflight && (await launch()));
    while (pending.size > 0) {
      const first = await Promise.race([abortedP, ...[...pending].map((p) => p.done)]);
      if (first === 'aborted') throw signal!.reason;
      pending.delete(first.pending);
      if (first.error !== undefined) throw first.error;
      if (signal?.aborted) throw signal.reason;
      await launch(); // the next job goes out before this one's pairs are handed over
      const pairs = first.pending.job.pairs(first.value);
      done += first.pending.job.rows;
      found += pairs.left.length;
      o.onProgress?.({ done, total: size, found });
      yield pairs;
    }
  } finally {
    signal?.removeEventListener('abort', aborted!);
    // ended early (a break, an abort, a failed job): the other jobs are cancelled
    await Promise.all([...pending].map((p) => d.cancel(p.id).catch(() => false)));
  }
}

/** `d.selfJoin(corpus, options)`: see {@link Dispatcher.selfJoin}. */
export function dispatchSelfJoin(d: Dispatcher, corpus: CorpusRef | string | Corpus, options: DispatchSelfJoinOptions): AsyncIterableIterator<JoinPair> {
  const plan = readSelfJoin('selfJoin', corpus, options, SELF_OPTIONS);
  return (async function* pairs(): AsyncGenerator<JoinPair, void, undefined> {
    let positions: ArrayLike<number> | undefined;
    let known = false;
    for await (const c of selfJoinRemote(d, corpus, plan)) {
      if (!known) {
        // the pairs travel in corpus indices; the caller gets positions (`Match.index`)
        const whole = corpus instanceof Corpus ? corpus : (await d.fetchCorpus(corpus)).corpus;
        positions = corpusInternals(whole).positions;
        known = true;
      }
      for (let k = 0; k < c.left.length; k++) {
        const a = c.left[k];
        const b = c.right[k];
        yield { i: positions ? positions[a] : a, j: positions ? positions[b] : b, score: c.scores[k] };
      }
    }
  })();
}

/** `d.dedupe(corpus, options)`: see {@link Dispatcher.dedupe}. */
export async function dispatchDedupe(d: Dispatcher, corpus: CorpusRef | string | Corpus, options: DispatchDedupeOptions): Promise<number[][]> {
  const plan = readSelfJoin('dedupe', corpus, options, [...SELF_OPTIONS, 'singletons']);
  const whole = corpus instanceof Corpus ? corpus : (await d.fetchCorpus(corpus)).corpus;
  return clustersOf(whole, selfJoinRemote(d, corpus, plan), plan.o.singletons ?? false);
}
