// Fuzzy joins and dedupe over a Corpus: every pair within a threshold, exact, pruned by the
// corpus index (native/join.hpp, src/backend/js/join.ts), streamed in bounded chunks.
import { nativeAddon } from './backend/index.js';
import type { NativeHandle } from './backend/native.js';
import { jsJoinOne, jsSelfJoinSlots, type JoinParams } from './backend/js/join.js';
import { keyBound } from './backend/js/corpus.js';
import { Corpus, corpusInternals, resolveClosestOptions, type Match } from './corpus.js';
import { ERROR_CODES, describe, rangeError, typeError } from './errors.js';
import { METRICS, METRIC_IDS, type Metric } from './kernel.js';
import { OPTION_RULES, readOptions } from './options.js';

export interface FuzzyJoinOptions {
  /** @defaultValue 'jaro' */
  metric?: Metric;
  /** The threshold of a similarity metric: pairs scoring at least this, in [0, 1]. */
  minScore?: number;
  /** The threshold of `levenshtein`: pairs at most this far apart (a non-negative integer). */
  maxDistance?: number;
  /** Winkler's prefix weight for `jaroWinkler`, in [0, 0.25]. @defaultValue 0.1 */
  prefixWeight?: number;
  /** Threads for the native backend. @defaultValue all cores (`os.availableParallelism()`) */
  threads?: number;
  /** Stops the join: the iteration rejects with the signal's reason, the native work stops. */
  signal?: AbortSignal;
  /** Called after each chunk: what is done, out of how much (undefined when not known yet). */
  onProgress?: (progress: JoinProgress) => void;
  /** Run on this backend instead of the process's one. @defaultValue the process backend */
  backend?: 'native' | 'js';
}

export interface DedupeOptions extends FuzzyJoinOptions {
  /** Also return the words that are near no other word, as clusters of one. @defaultValue false */
  singletons?: boolean;
}

/** `join`: progress in queries; `selfJoin`/`dedupe`: in corpus words. */
export interface JoinProgress {
  done: number;
  total: number | undefined;
  /** Matches (join) or pairs (selfJoin) found so far. */
  found: number;
}

/** One query of a join with its matches (only queries with at least one are yielded). */
export interface JoinRow {
  /** The query's position among the queries (for a Corpus: `Match.index` semantics). */
  queryIndex: number;
  query: string;
  /** Every corpus word within the threshold, ordered as `closest` orders them. */
  matches: Match[];
}

/** One pair of a self-join: corpus positions (as in `Match.index`), `i < j`. */
export interface JoinPair {
  i: number;
  j: number;
  score: number;
}

export const JOIN_OPTION_NAMES = ['metric', 'minScore', 'maxDistance', 'prefixWeight', 'threads', 'signal', 'onProgress', 'backend'];
const DEDUPE_OPTION_NAMES = [...JOIN_OPTION_NAMES, 'singletons'];

export interface ResolvedJoin {
  params: JoinParams;
  threads: number;
  signal?: AbortSignal;
  backend: 'native' | 'js';
  onProgress?: (p: JoinProgress) => void;
  singletons: boolean;
}

/** Checks a join's options; a threshold is required (a join without one is every pair). */
export function resolveJoinOptions(fn: string, options: unknown, allowed = JOIN_OPTION_NAMES): ResolvedJoin {
  if (options === undefined || options === null) throw missingThreshold(fn);
  const o = readOptions(fn, options, allowed);
  const onProgress = o.onProgress === undefined ? undefined : OPTION_RULES.onProgress.check(fn, 'onProgress', o.onProgress);
  const singletons = o.singletons === undefined ? false : OPTION_RULES.singletons.check(fn, 'singletons', o.singletons);
  const { onProgress: _p, singletons: _s, ...rest } = o;
  const r = resolveClosestOptions(fn, rest, ['metric', 'minScore', 'maxDistance', 'prefixWeight', 'threads', 'signal', 'backend']);
  if (!(METRICS as readonly string[]).includes(r.params.metric)) {
    throw rangeError(
      ERROR_CODES.OPTION,
      `${fn}: joins take the metrics ${METRICS.join(', ')}; ${r.params.metric} is not one of them (score it with extract or scoreMany)`,
    );
  }
  const { n: _n, pad: _pad, ...rest2 } = r.params;
  const params = rest2 as JoinParams;
  const hasThreshold = params.metric === 'levenshtein' ? params.maxDistance >= 0 : o.minScore !== undefined;
  if (!hasThreshold) throw missingThreshold(fn, params.metric);
  return { params, threads: r.threads, signal: r.signal, backend: r.backend, onProgress: onProgress as ResolvedJoin['onProgress'], singletons };
}

function missingThreshold(fn: string, metric?: Metric): RangeError {
  const which =
    metric === undefined
      ? 'maxDistance (levenshtein) or minScore (the similarities)'
      : metric === 'levenshtein'
        ? 'a finite maxDistance'
        : 'minScore';
  return rangeError(ERROR_CODES.OPTION, `${fn}: a threshold is required: give ${which} (a join without one would be every pair)`);
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The native functions of native/join_worker.cc. */
interface JoinAddon {
  corpusJoin(
    handle: unknown, queries: string, lengths: Uint32Array, metric: number, prefixWeight: number, minScore: number,
    maxDistance: number, threads: number, token: unknown,
  ): Promise<{ counts: Uint32Array; scores: Float64Array; indices: Uint32Array; visited: number; scored: number }>;
  corpusSelfJoin(
    handle: unknown, from: number, to: number, metric: number, prefixWeight: number, minScore: number,
    maxDistance: number, threads: number, token: unknown,
  ): Promise<{ left: Uint32Array; right: Uint32Array; scores: Float64Array; visited: number; scored: number }>;
  cancelToken(): NativeHandle<'token'>;
  cancel(token: NativeHandle<'token'>): void;
}

/**
 * One native call in flight, cancellable: by the signal, or by the iteration ending early
 * (`break`, a throw in the loop body), after which nothing of it is left running.
 */
class Inflight<T> {
  readonly #addon: JoinAddon;
  #token: NativeHandle<'token'> | undefined;
  #promise: Promise<T> | undefined;

  constructor(addon: JoinAddon) {
    this.#addon = addon;
  }

  start(run: (token: NativeHandle<'token'>) => Promise<T>): void {
    const token = this.#addon.cancelToken();
    this.#token = token;
    this.#promise = run(token);
    this.#promise.catch(() => {}); // awaited by take(); never an unhandled rejection
  }

  get busy(): boolean {
    return this.#promise !== undefined;
  }

  async take(): Promise<T> {
    const p = this.#promise!;
    try {
      return await p;
    } finally {
      this.#promise = undefined;
      this.#token = undefined;
    }
  }

  cancel(): void {
    if (this.#token) this.#addon.cancel(this.#token);
  }
}

/** A chunk of queries, read lazily from the caller's iterable. */
interface QueryChunk {
  first: number;
  queries: string[];
  /** Query positions when they are not first, first + 1, …(a Corpus with dropped duplicates). */
  positions?: number[];
  /** The queries as given, when `queries` holds them processed (the corpus has a processor). */
  given?: string[];
}

function queryReader(fn: string, queries: Iterable<string> | Corpus, isCorpus: boolean, process?: (s: string) => string) {
  const it = (queries as Iterable<unknown>)[Symbol.iterator]();
  const positions = isCorpus ? corpusInternals(queries as Corpus).positions : undefined;
  let at = 0;
  let done = false;
  return (count: number, units: number): QueryChunk | undefined => {
    if (done) return undefined;
    const chunk: QueryChunk = { first: at, queries: [], given: process ? [] : undefined };
    let u = 0;
    while (chunk.queries.length < count && u < units) {
      const next = it.next();
      if (next.done) {
        done = true;
        break;
      }
      const q = next.value;
      if (typeof q !== 'string') throw typeError(ERROR_CODES.ARGUMENT, `${fn}: queries[${at}] must be a string, got ${describe(q)}`);
      const searched = process ? process(q) : q;
      chunk.queries.push(searched);
      chunk.given?.push(q);
      u += searched.length + 8;
      at++;
    }
    if (positions) chunk.positions = chunk.queries.map((_, k) => positions[chunk.first + k]);
    return chunk.queries.length ? chunk : undefined;
  };
}

function totalOf(queries: unknown): number | undefined {
  const n = (queries as { length?: unknown; size?: unknown }).length ?? (queries as { size?: unknown }).size;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
}

function isIterable(value: unknown): value is Iterable<unknown> {
  try {
    return value !== null && value !== undefined && typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function';
  } catch {
    return false;
  }
}

/** Matches per chunk the join aims for (chunks grow or shrink towards it). */
const TARGET_FOUND = 1 << 17;
/** Most queries (and UTF-16 units) per native chunk. */
const MAX_CHUNK_QUERIES = 1 << 14;
const MAX_CHUNK_UNITS = 1 << 20;
/** The JS backend gives the event loop a turn after this long. */
const SLICE_MS = 20;

/** `corpus.join(queries, options)`: see {@link Corpus.join}. */
export function joinCorpus(corpus: Corpus, queries: Iterable<string> | Corpus, options: FuzzyJoinOptions): AsyncIterableIterator<JoinRow> {
  const fn = 'join';
  if (typeof queries === 'string' || !isIterable(queries)) {
    throw typeError(ERROR_CODES.ARGUMENT, `${fn}: queries must be an iterable of strings or a Corpus, got ${describe(queries)}`);
  }
  const r = resolveJoinOptions(fn, options);
  const isCorpus = queries instanceof Corpus;
  const total = totalOf(queries);
  return joinRows(corpus, fn, queryReader(fn, queries, isCorpus, corpusInternals(corpus).process), total, r);
}

async function* joinRows(
  corpus: Corpus,
  fn: string,
  read: (count: number, units: number) => QueryChunk | undefined,
  total: number | undefined,
  r: ResolvedJoin,
): AsyncGenerator<JoinRow, void, undefined> {
  const internals = corpusInternals(corpus);
  const { positions } = internals;
  // issue 11: a packed corpus gives its words a chunk of matches at a time (`word` is the word at `at`)
  const toMatch = (score: number, at: number, word: string): Match => ({ word, score, index: positions ? positions[at] : at });
  const p = r.params;
  const signal = r.signal;
  let done = 0;
  let found = 0;
  const progress = (n: number, f: number) => {
    done += n;
    found += f;
    r.onProgress?.({ done, total, found });
  };
  if (signal?.aborted) throw abortError(signal);
  if (r.backend === 'js') {
    const index = internals.js();
    const searchWords = internals.searchWords;
    let last = Date.now();
    for (;;) {
      const chunk = read(256, MAX_CHUNK_UNITS);
      if (!chunk) return;
      let f = 0;
      for (let k = 0; k < chunk.queries.length; k++) {
        if (signal?.aborted) throw abortError(signal);
        const q = chunk.queries[k];
        const m = jsJoinOne(index, searchWords, q, p);
        if (Date.now() - last > SLICE_MS) {
          await yieldToLoop();
          last = Date.now();
          if (signal?.aborted) throw abortError(signal);
        }
        if (m.scores.length === 0) continue;
        f += m.scores.length;
        const words = internals.wordsAt(m.indices);
        yield { queryIndex: chunk.positions ? chunk.positions[k] : chunk.first + k, query: chunk.given ? chunk.given[k] : q, matches: m.scores.map((s, i) => toMatch(s, m.indices[i], words[i])) };
      }
      progress(chunk.queries.length, f);
    }
  }
  const addon = nativeAddon() as unknown as JoinAddon;
  const handle = corpusInternals(corpus).native();
  const inflight = new Inflight<{ chunk: QueryChunk; raw: Awaited<ReturnType<JoinAddon['corpusJoin']>> }>(addon);
  const onAbort = () => inflight.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  let size = 256;
  const launch = () => {
    const chunk = read(size, MAX_CHUNK_UNITS);
    if (!chunk) return;
    const lengths = Uint32Array.from(chunk.queries, (q) => q.length);
    inflight.start((token) =>
      addon
        .corpusJoin(handle, chunk.queries.join(''), lengths, METRIC_IDS[p.metric], p.prefixWeight, p.minScore, p.maxDistance, r.threads, token)
        .then((raw) => ({ chunk, raw })),
    );
  };
  try {
    launch();
    while (inflight.busy) {
      let got;
      try {
        got = await inflight.take();
      } catch (err) {
        if (signal?.aborted) throw abortError(signal);
        throw err;
      }
      const { chunk, raw } = got;
      const f = raw.scores.length;
      // the next chunk sized from this one, and started before this one is handed out
      if (f > TARGET_FOUND && size > 1) size = Math.max(1, size >> 1);
      else if (f < TARGET_FOUND / 4 && size < MAX_CHUNK_QUERIES) size *= 2;
      launch();
      const words = internals.wordsAt(raw.indices);
      let at = 0;
      for (let k = 0; k < chunk.queries.length; k++) {
        const c = raw.counts[k];
        if (c === 0) continue;
        const matches: Match[] = new Array(c);
        for (let i = 0; i < c; i++) matches[i] = toMatch(raw.scores[at + i], raw.indices[at + i], words[at + i]);
        at += c;
        yield { queryIndex: chunk.positions ? chunk.positions[k] : chunk.first + k, query: chunk.given ? chunk.given[k] : chunk.queries[k], matches };
      }
      progress(chunk.queries.length, f);
      if (signal?.aborted) throw abortError(signal);
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    inflight.cancel(); // the iteration ended early: stop the chunk in flight
  }
}

/** A chunk of self-join pairs in corpus indices (not positions), sorted by (left, right). */
export interface RawPairs {
  left: ArrayLike<number>;
  right: ArrayLike<number>;
  scores: ArrayLike<number>;
}

/** Pairs per self-join chunk the chunk size aims for. */
const TARGET_PAIRS = 1 << 18;
const MAX_CHUNK_SLOTS = 1 << 16;

/**
 * The self-join's chunks, in corpus indices: the slots of the index order (by length, then
 * corpus order) taken a chunk at a time, each chunk's pairs sorted. The chunk sizes follow the
 * pair counts alone, so both backends chunk alike and yield the same pairs in the same order.
 * `[first, end)`: only the pairs whose left word sits in these slots (a remote chunk's rows);
 * progress then counts the slots of that range.
 */
export async function* selfJoinChunks(corpus: Corpus, r: ResolvedJoin, first = 0, end = corpus.size): AsyncGenerator<RawPairs, void, undefined> {
  const p = r.params;
  const signal = r.signal;
  end = Math.min(end, corpus.size);
  const total = Math.max(0, end - first);
  let done = 0;
  let found = 0;
  if (signal?.aborted) throw abortError(signal);
  const next = (size: number, pairs: number) => {
    if (pairs > TARGET_PAIRS && size > 1) return Math.max(1, size >> 1);
    if (pairs < TARGET_PAIRS / 4 && size < MAX_CHUNK_SLOTS) return size * 2;
    return size;
  };
  let size = 1024;
  if (r.backend === 'js') {
    const { searchWords: words } = corpusInternals(corpus);
    const index = corpusInternals(corpus).js();
    for (let from = first; from < end; ) {
      const to = Math.min(end, from + size);
      const left: number[] = [];
      const right: number[] = [];
      const scores: number[] = [];
      // the chunk in slices of about SLICE_MS, with a turn of the event loop between two
      for (let at = from; at < to; ) {
        const t0 = Date.now();
        const part = jsSelfJoinSlots(index, words, at, to, p, () => Date.now() - t0 > SLICE_MS);
        for (let i = 0; i < part.left.length; i++) {
          left.push(part.left[i]);
          right.push(part.right[i]);
          scores.push(part.scores[i]);
        }
        at = part.next;
        if (at < to) {
          await yieldToLoop();
          if (signal?.aborted) throw abortError(signal);
        }
      }
      const order = left.map((_, i) => i).sort((a, b) => left[a] - left[b] || right[a] - right[b]);
      const chunk = { left: order.map((i) => left[i]), right: order.map((i) => right[i]), scores: order.map((i) => scores[i]) };
      done = to - first;
      found += chunk.left.length;
      size = next(size, chunk.left.length);
      from = to;
      r.onProgress?.({ done, total, found });
      yield chunk;
      if (signal?.aborted) throw abortError(signal);
    }
    return;
  }
  const addon = nativeAddon() as unknown as JoinAddon;
  const handle = corpusInternals(corpus).native();
  const inflight = new Inflight<{ to: number; raw: Awaited<ReturnType<JoinAddon['corpusSelfJoin']>> }>(addon);
  const onAbort = () => inflight.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  let from = first;
  const launch = () => {
    if (from >= end) return;
    const to = Math.min(end, from + size);
    const f = from;
    inflight.start((token) =>
      addon
        .corpusSelfJoin(handle, f, to, METRIC_IDS[p.metric], p.prefixWeight, p.minScore, p.maxDistance, r.threads, token)
        .then((raw) => ({ to, raw })),
    );
    from = to;
  };
  try {
    launch();
    while (inflight.busy) {
      let got;
      try {
        got = await inflight.take();
      } catch (err) {
        if (signal?.aborted) throw abortError(signal);
        throw err;
      }
      size = next(size, got.raw.left.length);
      launch();
      done = got.to - first;
      found += got.raw.left.length;
      r.onProgress?.({ done, total, found });
      yield got.raw;
      if (signal?.aborted) throw abortError(signal);
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    inflight.cancel();
  }
}

/** `corpus.selfJoin(options)`: see {@link Corpus.selfJoin}. */
export function selfJoinCorpus(corpus: Corpus, options: FuzzyJoinOptions): AsyncIterableIterator<JoinPair> {
  const r = resolveJoinOptions('selfJoin', options);
  return (async function* () {
    const { positions } = corpusInternals(corpus);
    for await (const c of selfJoinChunks(corpus, r)) {
      for (let k = 0; k < c.left.length; k++) {
        const a = c.left[k];
        const b = c.right[k];
        yield { i: positions ? positions[a] : a, j: positions ? positions[b] : b, score: c.scores[k] };
      }
    }
  })();
}

/** `corpus.dedupe(options)`: see {@link Corpus.dedupe}. */
export async function dedupeCorpus(corpus: Corpus, options: DedupeOptions): Promise<number[][]> {
  const r = resolveJoinOptions('dedupe', options, DEDUPE_OPTION_NAMES);
  return clustersOf(corpus, selfJoinChunks(corpus, r), r.singletons);
}

/**
 * The clusters of a self-join's pairs (chunks in corpus indices, in any order): connected
 * components by union-find, each a sorted list of positions, in order of their lowest member.
 * `dedupe` runs it over the local self-join, the dispatch's `dedupe` over the streamed one.
 */
export async function clustersOf(corpus: Corpus, chunks: AsyncIterable<RawPairs>, singletons: boolean): Promise<number[][]> {
  const n = corpus.size;
  // union-find over corpus indices: union by size, path halving
  const parent = new Uint32Array(n);
  const size = new Uint32Array(n).fill(1);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (x: number) => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  for await (const c of chunks) {
    for (let k = 0; k < c.left.length; k++) {
      let a = find(c.left[k]);
      let b = find(c.right[k]);
      if (a === b) continue;
      if (size[a] < size[b]) [a, b] = [b, a];
      parent[b] = a;
      size[a] += size[b];
    }
  }
  // clusters in order of their lowest member; members ascending (corpus order = position order)
  const { positions } = corpusInternals(corpus);
  const slot = new Int32Array(n).fill(-1);
  const clusters: number[][] = [];
  for (let i = 0; i < n; i++) {
    const root = find(i);
    if (!singletons && size[root] === 1) continue;
    let c = slot[root];
    if (c < 0) {
      c = slot[root] = clusters.length;
      clusters.push([]);
    }
    clusters[c].push(positions ? positions[i] : i);
  }
  return clusters;
}

/** Code points of a string: the index groups words by this length. */
function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i + 1 < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Work a row costs besides its candidates (reading the word, building its scorer). */
const ROW_COST = 32;

/**
 * Cuts the self-join's slots (index order: by length, then corpus order) into at most `chunks`
 * ranges of about equal work, as boundaries [0, b1, …, size]. A slot's work is estimated as
 * its candidates: the words after it in its own length group plus the longer groups the length
 * bound admits (the ones the join visits). Early slots of a group have more partners than late
 * ones, and the short groups reach more groups than the long ones, so equal counts of slots
 * would not be equal work.
 */
export function selfJoinPlan(corpus: Corpus, params: JoinParams, chunks: number): number[] {
  const words = corpusInternals(corpus).searchWords;
  const size = words.length;
  const byLength = new Map<number, number>();
  for (const w of words) {
    const l = codePoints(w);
    byLength.set(l, (byLength.get(l) ?? 0) + 1);
  }
  const lengths = [...byLength.keys()].sort((a, b) => a - b);
  const counts = lengths.map((l) => byLength.get(l)!);
  const p = { ...params, n: Infinity };
  const floor = p.metric === 'levenshtein' ? (p.maxDistance < 0 ? -Infinity : -p.maxDistance) : p.minScore;
  // per group: the words of the admitted longer groups (they are contiguous: the bound falls with the length gap)
  const reach = lengths.map((l, g) => {
    let sum = 0;
    for (let h = g + 1; h < lengths.length && keyBound(p, l, lengths[h], Math.min(l, lengths[h])) >= floor; h++) sum += counts[h];
    return sum;
  });
  let total = 0;
  for (let g = 0; g < lengths.length; g++) total += counts[g] * (reach[g] + ROW_COST) + (counts[g] * (counts[g] - 1)) / 2;
  const parts = Math.max(1, Math.min(chunks, size));
  const bounds = [0];
  let slot = 0;
  let acc = 0;
  for (let g = 0; g < lengths.length; g++) {
    for (let k = 0; k < counts[g]; k++, slot++) {
      acc += reach[g] + ROW_COST + (counts[g] - k - 1);
      if (acc >= (total * bounds.length) / parts && bounds.length < parts && slot + 1 < size) bounds.push(slot + 1);
    }
  }
  bounds.push(size);
  return bounds;
}
