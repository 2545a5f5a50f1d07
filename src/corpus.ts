import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { backendState, nativeAddon } from './backend/index.js';
import { JsCorpusIndex, type RawMatches, type SearchParams } from './backend/js/corpus.js';
import { METRIC_IDS, type Metric } from './kernel.js';
import { checkMetric, checkString, describe } from './metrics.js';
import { fetchWords, readWordFile, type CorpusFormat, type FetchOptions, type ReadOptions } from './corpus-source.js';

export type { CorpusFormat } from './corpus-source.js';
export { CorpusFormatError } from './corpus-source.js';

/** One search result. */
export interface Match {
  word: string;
  /** The distance for `levenshtein` (lower is better), else the similarity (higher is better). */
  score: number;
  /** The word's position in the corpus. */
  index: number;
}

export interface ClosestOptions {
  /**
   * How many matches to return (fewer when the corpus is smaller or the cutoffs leave fewer).
   * @defaultValue 10
   */
  n?: number;
  /** @defaultValue 'jaro' */
  metric?: Metric;
  /** Similarity metrics: leave out matches scoring below this, in [0, 1]. */
  minScore?: number;
  /** `levenshtein`: leave out matches farther than this. */
  maxDistance?: number;
  /** Winkler's prefix weight for `jaroWinkler`, in [0, 0.25]. @defaultValue 0.1 */
  prefixWeight?: number;
  /**
   * Threads for the native search. @defaultValue all cores (`os.availableParallelism()`)
   */
  threads?: number;
  /** Cancels the search; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Run on this backend instead of the process's one (for comparisons and tests).
   * @defaultValue the process backend (`STRDIST_BACKEND`)
   */
  backend?: 'native' | 'js';
}

export interface CorpusOptions {
  /** Keep only the first occurrence of each word. @defaultValue true */
  dedupe?: boolean;
}

export interface CorpusFileOptions extends CorpusOptions, ReadOptions {
  /** `lines`: one word per line; `counted`: `<count> <word>`; `auto`: decide from the content. @defaultValue 'auto' */
  format?: CorpusFormat;
}

export interface CorpusURLOptions extends CorpusFileOptions, FetchOptions {}

interface Resolved {
  params: SearchParams;
  threads: number;
  signal?: AbortSignal;
  backend: 'native' | 'js';
}

function positiveInteger(fn: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`${fn}: ${name} must be a positive integer, got ${describe(value)}`);
  }
  return value;
}

export function resolveClosestOptions(fn: string, options: ClosestOptions | undefined): Resolved {
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw new TypeError(`${fn}: options must be an object, got ${describe(options)}`);
  }
  const o = options ?? {};
  const metric = o.metric ?? 'jaro';
  checkMetric(fn, metric);
  const n = positiveInteger(fn, 'n', o.n, 10);
  const threads = positiveInteger(fn, 'threads', o.threads, availableParallelism());
  let minScore = 0;
  if (o.minScore !== undefined) {
    if (metric === 'levenshtein') throw new RangeError(`${fn}: minScore is for similarity metrics; use maxDistance with levenshtein`);
    if (typeof o.minScore !== 'number' || !(o.minScore >= 0 && o.minScore <= 1)) {
      throw new RangeError(`${fn}: minScore must be a number in [0, 1], got ${describe(o.minScore)}`);
    }
    minScore = o.minScore;
  }
  let maxDistance = -1;
  if (o.maxDistance !== undefined && o.maxDistance !== Infinity) {
    if (metric !== 'levenshtein') throw new RangeError(`${fn}: maxDistance is for levenshtein; use minScore with ${metric}`);
    if (typeof o.maxDistance !== 'number' || !Number.isInteger(o.maxDistance) || o.maxDistance < 0) {
      throw new RangeError(`${fn}: maxDistance must be a non-negative integer, got ${describe(o.maxDistance)}`);
    }
    maxDistance = o.maxDistance;
  }
  let prefixWeight = 0.1;
  if (o.prefixWeight !== undefined) {
    if (typeof o.prefixWeight !== 'number' || !(o.prefixWeight >= 0 && o.prefixWeight <= 0.25)) {
      throw new RangeError(`${fn}: prefixWeight must be a number in [0, 0.25], got ${describe(o.prefixWeight)}`);
    }
    prefixWeight = o.prefixWeight;
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw new TypeError(`${fn}: signal must be an AbortSignal, got ${describe(o.signal)}`);
  }
  const state = backendState();
  let backend = state.kernel.name;
  if (o.backend !== undefined) {
    if (o.backend !== 'native' && o.backend !== 'js') {
      throw new RangeError(`${fn}: backend must be "native" or "js", got ${describe(o.backend)}`);
    }
    if (o.backend === 'native') {
      try {
        nativeAddon();
      } catch (err) {
        throw new Error(`${fn}: the native backend cannot load: ${(err as Error).message}`, { cause: err });
      }
    }
    backend = o.backend;
  }
  return { params: { metric, n, prefixWeight, minScore, maxDistance }, threads, signal: o.signal, backend };
}

function utf16Lengths(strings: readonly string[]): Uint32Array {
  const lengths = new Uint32Array(strings.length);
  for (let i = 0; i < strings.length; i++) lengths[i] = strings[i].length;
  return lengths;
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** Runs a native async call with a cancel token wired to `signal`. */
export async function withCancel<T>(signal: AbortSignal | undefined, run: (token: unknown) => Promise<T>): Promise<T> {
  const addon = nativeAddon();
  if (signal?.aborted) throw abortError(signal);
  const token = (addon as unknown as { cancelToken(): unknown }).cancelToken();
  const onAbort = () => (addon as unknown as { cancel(t: unknown): void }).cancel(token);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await run(token);
  } catch (err) {
    if (signal?.aborted) throw abortError(signal);
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

interface NativeResult {
  counts: Uint32Array;
  scores: Float64Array;
  indices: Uint32Array;
}

interface NativeCorpusAddon {
  corpusCreate(joined: string, lengths: Uint32Array): unknown;
  corpusInfo(handle: unknown): { size: number; width: number; bytes: number };
  corpusSearch(
    handle: unknown, queries: string, lengths: Uint32Array, metric: number, n: number, prefixWeight: number,
    minScore: number, maxDistance: number, threads: number, token: unknown,
  ): Promise<NativeResult>;
  corpusSearchSync(
    handle: unknown, queries: string, lengths: Uint32Array, metric: number, n: number, prefixWeight: number,
    minScore: number, maxDistance: number, threads: number,
  ): NativeResult;
}

/** Corpus size × queries below which a native search runs on the calling thread. */
const SYNC_BELOW = 20_000;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * An ordered list of distinct words (first occurrence kept) with an exact closest-word search.
 * The native index is built on the first native search and kept in native memory.
 */
export class Corpus implements Iterable<string> {
  readonly #words: readonly string[];
  #id: string | undefined;
  #native: unknown;
  #js: JsCorpusIndex | undefined;

  private constructor(words: string[]) {
    this.#words = Object.freeze(words);
  }

  /** From any iterable of strings. */
  static from(words: Iterable<string>, options: CorpusOptions = {}): Corpus {
    if (words === null || typeof (words as Iterable<string>)?.[Symbol.iterator] !== 'function' || typeof words === 'string') {
      throw new TypeError(`Corpus.from: words must be an iterable of strings, got ${describe(words)}`);
    }
    const dedupe = options.dedupe ?? true;
    const list: string[] = [];
    const seen = dedupe ? new Set<string>() : undefined;
    let i = 0;
    for (const w of words) {
      if (typeof w !== 'string') throw new TypeError(`Corpus.from: word ${i} must be a string, got ${describe(w)}`);
      i++;
      if (seen) {
        if (seen.has(w)) continue;
        seen.add(w);
      }
      list.push(w);
    }
    return new Corpus(list);
  }

  /** From a word-list file: UTF-8 (a BOM is fine), one word per line or `<count> <word>`. */
  static async fromFile(path: string, options: CorpusFileOptions = {}): Promise<Corpus> {
    checkString('Corpus.fromFile', 'path', path);
    return Corpus.from(await readWordFile(path, options.format ?? 'auto', options), options);
  }

  /** From an http(s) URL, streamed, with a timeout (`timeoutMs`, 30 s by default). */
  static async fromURL(url: string | URL, options: CorpusURLOptions = {}): Promise<Corpus> {
    return Corpus.from(await fetchWords(url, options.format ?? 'auto', options), options);
  }

  get size(): number {
    return this.#words.length;
  }

  /** `sha256:` of the words joined by `\n`: equal word lists give equal ids everywhere. */
  get id(): string {
    return (this.#id ??= 'sha256:' + createHash('sha256').update(this.#words.join('\n'), 'utf8').digest('hex'));
  }

  /** The word at `index`, or undefined. */
  at(index: number): string | undefined {
    return this.#words.at(index);
  }

  /** The words, in corpus order (frozen). */
  get words(): readonly string[] {
    return this.#words;
  }

  [Symbol.iterator](): Iterator<string> {
    return this.#words[Symbol.iterator]();
  }

  /** Bytes the native index takes (builds it if needed); undefined without the native backend. */
  nativeIndexBytes(): number | undefined {
    if (!backendState().addon) return undefined;
    return (nativeAddon() as unknown as NativeCorpusAddon).corpusInfo(this.#nativeHandle()).bytes;
  }

  #nativeHandle(): unknown {
    const addon = nativeAddon() as unknown as NativeCorpusAddon;
    return (this.#native ??= addon.corpusCreate(this.#words.join(''), utf16Lengths(this.#words)));
  }

  #jsIndex(): JsCorpusIndex {
    return (this.#js ??= new JsCorpusIndex(this.#words));
  }

  #matches(scores: ArrayLike<number>, indices: ArrayLike<number>, from: number, count: number): Match[] {
    const out: Match[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const index = indices[from + i];
      out[i] = { word: this.#words[index], score: scores[from + i], index };
    }
    return out;
  }

  #fromNative(r: NativeResult): Match[][] {
    const out: Match[][] = [];
    let at = 0;
    for (let q = 0; q < r.counts.length; q++) {
      out.push(this.#matches(r.scores, r.indices, at, r.counts[q]));
      at += r.counts[q];
    }
    return out;
  }

  #fromJs(r: RawMatches): Match[] {
    return this.#matches(r.scores, r.indices, 0, r.scores.length);
  }

  /** The `n` closest words to `query`, best first; ties go to the lower corpus index. */
  async closest(query: string, options?: ClosestOptions): Promise<Match[]> {
    checkString('closest', 'query', query);
    return (await this.#many('closest', [query], options))[0];
  }

  /** `closest` for many queries at once (spread over the threads); aligned with `queries`. */
  async closestMany(queries: readonly string[], options?: ClosestOptions): Promise<Match[][]> {
    checkQueries('closestMany', queries);
    return this.#many('closestMany', queries, options);
  }

  /** `closest` on the calling thread (it blocks the event loop while it runs). */
  closestSync(query: string, options?: Omit<ClosestOptions, 'signal'>): Match[] {
    checkString('closestSync', 'query', query);
    const r = resolveClosestOptions('closestSync', options);
    if (r.backend === 'js') return this.#fromJs(this.#jsIndex().search(query, r.params));
    const addon = nativeAddon() as unknown as NativeCorpusAddon;
    const p = r.params;
    const raw = addon.corpusSearchSync(
      this.#nativeHandle(), query, Uint32Array.of(query.length), METRIC_IDS[p.metric], p.n, p.prefixWeight,
      p.minScore, p.maxDistance, r.threads,
    );
    return this.#fromNative(raw)[0];
  }

  async #many(fn: string, queries: readonly string[], options: ClosestOptions | undefined): Promise<Match[][]> {
    const r = resolveClosestOptions(fn, options);
    const p = r.params;
    if (r.backend === 'js') {
      const index = this.#jsIndex();
      const out: Match[][] = [];
      let last = Date.now();
      for (const q of queries) {
        if (r.signal?.aborted) throw abortError(r.signal);
        out.push(this.#fromJs(index.search(q, p)));
        if (Date.now() - last > 20) {
          await yieldToLoop(); // let the event loop (and an abort) in between queries
          last = Date.now();
        }
      }
      if (r.signal?.aborted) throw abortError(r.signal);
      return out;
    }
    const addon = nativeAddon() as unknown as NativeCorpusAddon;
    const handle = this.#nativeHandle();
    if (this.size * queries.length <= SYNC_BELOW && !r.signal?.aborted) {
      // A search this small takes well under a millisecond: the hop to the thread pool and
      // back would cost more than the search itself.
      const ids = [METRIC_IDS[p.metric], p.n, p.prefixWeight, p.minScore, p.maxDistance, r.threads] as const;
      return this.#fromNative(addon.corpusSearchSync(handle, queries.join(''), utf16Lengths(queries), ...ids));
    }
    const raw = await withCancel(r.signal, (token) =>
      addon.corpusSearch(
        handle, queries.join(''), utf16Lengths(queries), METRIC_IDS[p.metric], p.n, p.prefixWeight, p.minScore,
        p.maxDistance, r.threads, token,
      ),
    );
    return this.#fromNative(raw);
  }
}

export function checkQueries(fn: string, queries: unknown): asserts queries is string[] {
  if (!Array.isArray(queries)) throw new TypeError(`${fn}: queries must be an array of strings, got ${describe(queries)}`);
  for (let i = 0; i < queries.length; i++) {
    if (typeof queries[i] !== 'string') {
      throw new TypeError(`${fn}: queries[${i}] must be a string, got ${describe(queries[i])}`);
    }
  }
}
