import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { backendState, nativeAddon } from './backend/index.js';
import { JsCorpusIndex, type RawMatches, type SearchParams } from './backend/js/corpus.js';
import { METRIC_IDS, type AnyMetric, type Metric } from './kernel.js';
import { extraKernel } from './backend/extra.js';
import { isExtraMetric, searchExtra } from './search-extra.js';
import { ERROR_CODES, describe, isArray, rangeError, typeError } from './errors.js';
import { checkString } from './metrics.js';
import { SEARCH_OPTION_NAMES, checkSignal, option, readOptions, searchOptions, type SearchOptions } from './options.js';
import { processorFunction, type Processor } from './processors.js';
import { dedupeCorpus, joinCorpus, selfJoinCorpus, type DedupeOptions, type FuzzyJoinOptions, type JoinPair, type JoinRow } from './join.js';
import { fetchWords, readWordFile, type CorpusFormat, type FetchOptions, type ReadOptions, type TakeBytes } from './corpus-source.js';

export type { CorpusFormat } from './corpus-source.js';
export { CorpusFormatError } from './corpus-source.js';

/** One search result. */
export interface Match {
  word: string;
  /** The distance for `levenshtein` (lower is better), else the similarity (higher is better). */
  score: number;
  /**
   * The word's position in the list the corpus was made from (the first occurrence when
   * duplicates were dropped): map it straight back to your own records.
   */
  index: number;
}

export interface ClosestOptions {
  /**
   * How many matches to return (fewer when the corpus is smaller or the cutoffs leave fewer).
   * Any non-negative integer, or `Infinity` for every word that passes the cutoffs.
   * @defaultValue 10
   */
  n?: number;
  /** @defaultValue 'jaro' */
  metric?: AnyMetric;
  /** `hamming`, `hammingSimilarity`: compare words of other lengths too (see `hamming`). */
  pad?: boolean;
  /** Similarity metrics: leave out matches scoring below this, in [0, 1]. */
  minScore?: number;
  /** `levenshtein`: leave out matches farther than this. A non-negative integer or `Infinity`. */
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
   * Applied to the query and to every corpus word before they are compared (issue 12); the
   * matches still give the corpus's own words. On a corpus built without a processor, the
   * processed words are kept on the corpus for the next search with that processor (a
   * function processor is applied to every word on each call). On a corpus built with one,
   * its processor applies to the queries by itself, and another one here is a RangeError.
   * @defaultValue the corpus's processor (`'none'` when it was built without)
   */
  processor?: Processor;
  /**
   * Run on this backend instead of the process's one (for comparisons and tests).
   * @defaultValue the process backend (`STRDIST_BACKEND`)
   */
  backend?: 'native' | 'js';
}

export interface CorpusOptions {
  /** Keep only the first occurrence of each word. @defaultValue true */
  dedupe?: boolean;
  /**
   * Applied once to every word here, and to every query of `closest*` (issue 12). The search
   * runs on the processed words; matches, `words` and `at()` give the words as they were given.
   * `dedupe` compares the words as given. The processor stays with this object: `putCorpus`
   * refuses such a corpus (store the plain one and give `processor` in the task's arguments).
   * @defaultValue 'none'
   */
  processor?: Processor;
}

export interface CorpusFileOptions extends CorpusOptions, ReadOptions {
  /**
   * `lines`: one word per line, taken as it is; `counted`: `<count> <word>` per line, the count
   * dropped; `auto`: `counted` when every non-empty line has that shape, else `lines` (opt in
   * only for files you know: a list of addresses such as `221 Baker Street` would lose its
   * house numbers).
   * @defaultValue 'lines'
   */
  format?: CorpusFormat;
}

export interface CorpusURLOptions extends CorpusFileOptions, FetchOptions {}

interface Resolved {
  params: SearchOptions;
  threads: number;
  signal?: AbortSignal;
  backend: 'native' | 'js';
  processor?: Processor;
}

const CLOSEST_OPTIONS = [...SEARCH_OPTION_NAMES, 'threads', 'signal', 'backend', 'processor'];
export const CLOSEST_SYNC_OPTIONS = CLOSEST_OPTIONS.filter((k) => k !== 'signal');

export function resolveClosestOptions(fn: string, options: unknown, allowed = CLOSEST_OPTIONS): Resolved {
  const o = readOptions(fn, options, allowed);
  const params = searchOptions(fn, o);
  // availableParallelism() is a system call: made only when no thread count is given
  const threads = o.threads === undefined ? availableParallelism() : option(fn, o, 'threads', 1);
  const signal = checkSignal(fn, o.signal);
  const state = backendState();
  let backend = state.kernel.name;
  if (o.backend !== undefined) {
    backend = option(fn, o, 'backend', backend);
    if (backend === 'native') {
      try {
        nativeAddon();
      } catch (err) {
        const e = new Error(`${fn}: the native backend cannot load: ${(err as Error).message}`, { cause: err });
        throw Object.assign(e, { code: ERROR_CODES.NATIVE_UNAVAILABLE });
      }
    }
  }
  const processor = o.processor === undefined ? undefined : option(fn, o, 'processor', 'none');
  return { params, threads, signal, backend, processor };
}

/**
 * A synchronous native search whose matches surely fit these arrays writes into them, reused
 * from call to call (per thread: each worker thread has its own module), instead of the addon
 * building a result object of three typed arrays. Measured on a 1-word corpus: 6.7 to 3.5 µs a
 * call warm, 45 to 22-32 µs with the caches swept before each call (a worker's job comes
 * between two round trips to Redis); the dispatch round trip's p50 ratio to raw BullMQ fell by
 * about 0.05.
 */
const SCRATCH = 1024;
const scratchOut = new Uint32Array(SCRATCH);
const scratchScores = new Float64Array(SCRATCH);
const scratchLengths = new Uint32Array(SCRATCH);

/** The native search on this thread, into the scratch arrays when its matches surely fit. */
function searchSync(
  addon: NativeCorpusAddon, handle: unknown, size: number, queries: readonly string[], metric: number, p: Resolved['params'],
  threads: number,
): NativeResult {
  const q = queries.length;
  const joined = q === 1 ? queries[0] : queries.join('');
  if (q <= SCRATCH && q * Math.min(p.n, size) <= SCRATCH - q) {
    for (let i = 0; i < q; i++) scratchLengths[i] = queries[i].length;
    const total = addon.corpusSearchInto(
      handle, joined, scratchLengths.subarray(0, q), metric, p.n, p.prefixWeight, p.minScore, p.maxDistance, threads,
      scratchOut, scratchScores,
    );
    return { counts: scratchOut.slice(0, q), indices: scratchOut.slice(q, q + total), scores: scratchScores.slice(0, total) };
  }
  return addon.corpusSearchSync(handle, joined, utf16Lengths(queries), metric, p.n, p.prefixWeight, p.minScore, p.maxDistance, threads);
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

/** Matches of many queries, flattened: `counts[q]` per query, then scores and positions in order. */
export type RawMatchLists = NativeResult;

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
  /** corpusSearchSync into `out` (the counts, then the indices) and `scores`; returns how many matches. */
  corpusSearchInto(
    handle: unknown, queries: string, lengths: Uint32Array, metric: number, n: number, prefixWeight: number,
    minScore: number, maxDistance: number, threads: number, out: Uint32Array, scores: Float64Array,
  ): number;
  // issue 11, item 4: the words read back from the index (native/corpus_words.hpp)
  corpusFromUtf8Async(bytes: Uint8Array, dedupe: boolean): Promise<{ handle: unknown; positions: Uint32Array | undefined } | undefined>;
  /** corpusCreate, then the build's scratch memory handed back to the system. */
  corpusCreatePacked(joined: string, lengths: Uint32Array): unknown;
  corpusWord(handle: unknown, index: number): string | undefined;
  corpusWordsAt(handle: unknown, indices: Uint32Array): (string | undefined)[];
  corpusWords(handle: unknown, from: number, to: number): string[];
  corpusBytes(handle: unknown): { text: number; signatures: number; index: number; groups: number };
  /** Hands the free pages malloc keeps back to the system (malloc_trim). */
  releaseFreeMemory(): void;
}

/** The longest joined string a corpus is packed from (V8's longest string is 2^29 - 24 units). */
const MAX_JOINED = 2 ** 29 - 24;

/** Words materialized per native call when a packed corpus is walked in order. */
const WALK_CHUNK = 4096;

/** Corpus size × queries below which a native search runs on the calling thread. */
const SYNC_BELOW = 20_000;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** UTF-16 units from which a packed corpus's build hands freed memory back once its inputs go. */
const RELEASE_FROM = 1 << 20;

/**
 * Issue 11, item 4: what a packed corpus was built from (the caller's strings, the lengths sent
 * to the addon) is freed by later GCs, after the build's own trim, and glibc keeps freed heap
 * resident (up to twice its mmap threshold, which freeing a large block raises, to 32 MiB at
 * most): on the 663k-word list a malloc_trim after the caller dropped its array gave back 3-4
 * MiB. When those inputs are collected, the free pages are handed back.
 */
const releaseWhenCollected = new FinalizationRegistry<NativeCorpusAddon>((addon) => addon.releaseFreeMemory());

// Set by the class's static block: internal construction without exposing it publicly.
let makeCorpus: (words: string[], positions: Uint32Array | undefined, keepList?: boolean) => Corpus;
// issue 12: closestSync under another function's name (extract, extractOne).
export let closestSyncAs: (fn: string, corpus: Corpus, query: string, options: unknown) => Match[];
/**
 * Internal (the dispatch's worker): `closestMany` as scores and positions only, flattened
 * (`counts[q]` matches per query). The worker sends positions, not words, so it never makes the
 * words' strings.
 */
export let closestRaw: (corpus: Corpus, queries: readonly string[], options: ClosestOptions) => Promise<RawMatchLists>;
let positionsOf: (corpus: Corpus) => Uint32Array | undefined;
let internalsOf: (corpus: Corpus) => CorpusInternals;

/** Internal (join.ts): what the joins read of a corpus. */
export interface CorpusInternals {
  /** The words as given (what matches show); on a packed corpus, built when read. */
  readonly words: readonly string[];
  /**
   * The words the indexes hold and scores are computed on (processed by the corpus's
   * processor); on a packed corpus, built when read.
   */
  readonly searchWords: readonly string[];
  /** The words as given at these corpus indices (aligned; one native call on a packed corpus). */
  wordsAt(indices: ArrayLike<number>): string[];
  /** The corpus's processor (queries get it too); undefined for none. */
  process: ((s: string) => string) | undefined;
  /** Caller positions by corpus index; undefined for 0, 1, 2, … */
  positions: Uint32Array | undefined;
  /** The native index handle (built on first use). */
  native(): unknown;
  /** The TypeScript index (built on first use). */
  js(): JsCorpusIndex;
}

/** Internal (join.ts): the words, positions and indexes of a corpus. */
export function corpusInternals(corpus: Corpus): CorpusInternals {
  return internalsOf(corpus);
}

/**
 * An ordered list of distinct words (first occurrence kept) with an exact closest-word search.
 * On the native backend a corpus built without a processor keeps its words in its native index
 * only (about 29 bytes a word in all, no JavaScript strings): `at()`, matches and `words` make
 * the strings they return when asked. Otherwise the words stay strings and the native index is
 * built on the first native search.
 */
export class Corpus implements Iterable<string> {
  /**
   * The words as given, as strings: on the TypeScript backend, for a corpus built with a
   * processor, and for the one-shot corpora of extract. Undefined when the native index holds
   * them (a packed corpus, #packed) or when this is a view of another corpus (#base).
   */
  readonly #list: readonly string[] | undefined;
  /** The addon whose index (#native) holds the words as given: the corpus keeps no strings. */
  readonly #packed: NativeCorpusAddon | undefined;
  /** A view's corpus (the same words with a processor applied): the words come from it. */
  readonly #base: Corpus | undefined;
  readonly #size: number;
  /** Each word's position in the caller's list; undefined when that is 0, 1, 2, … */
  readonly #positions: Uint32Array | undefined;
  #id: string | undefined;
  #native: unknown;
  #js: JsCorpusIndex | undefined;
  /** The processor the corpus was built with; undefined for none. */
  readonly #processor: Processor | undefined;
  /** The words the search runs on when they differ from the words as given (a processor). */
  readonly #processed: readonly string[] | undefined;
  /** A packed corpus's words as strings, while anyone holds them (`words`, a TypeScript search). */
  #strings: WeakRef<readonly string[]> | undefined;
  /** Views of this (processor-less) corpus with a named processor applied, made on demand. */
  #views: Map<Processor, Corpus> | undefined;

  private constructor(
    words: readonly string[] | undefined,
    positions: Uint32Array | undefined,
    processor: Processor | undefined,
    from?: { packed: NativeCorpusAddon; handle: unknown; size: number } | { base: Corpus },
  ) {
    this.#positions = positions;
    const process = processorFunction('Corpus.from', processor);
    this.#processor = process ? processor : undefined;
    if (from && 'base' in from) {
      this.#base = from.base;
      this.#size = from.base.#size;
      this.#processed = process ? from.base.#given().map(process) : undefined;
    } else if (from) {
      this.#packed = from.packed;
      this.#native = from.handle;
      this.#size = from.size;
    } else {
      this.#list = Object.freeze(words as string[]);
      this.#size = this.#list.length;
      this.#processed = process ? this.#list.map(process) : undefined;
    }
  }

  /**
   * A corpus of these words (already deduplicated): packed into the native index when the
   * process runs the native backend and there is no processor (issue 11: the strings are not
   * kept), else kept as they are. `keepList` keeps them anyway (a one-shot corpus whose caller
   * holds the array). `source` is the caller's iterable the words came from, if any.
   */
  static #make(
    words: string[], positions: Uint32Array | undefined, processor?: Processor, keepList = false, source?: object,
  ): Corpus {
    const addon = keepList || processorFunction('Corpus.from', processor) ? undefined : packingAddon();
    if (!addon) return new Corpus(words, positions, processor);
    const lengths = utf16Lengths(words);
    let total = 0;
    for (let i = 0; i < lengths.length; i++) total += lengths[i];
    // The words cross as one string, and V8's strings stop at 2^29 - 24 units: a longer list
    // keeps its strings (and fails at its first native search, as before).
    if (total > MAX_JOINED) return new Corpus(words, positions, processor);
    const handle = addon.corpusCreatePacked(words.join(''), lengths);
    if (total >= RELEASE_FROM) {
      releaseWhenCollected.register(lengths, addon);
      if (source) releaseWhenCollected.register(source, addon);
    }
    return new Corpus(undefined, positions, undefined, { packed: addon, handle, size: words.length });
  }

  /**
   * What a read of a word-list file or URL gives instead of its words when the native backend
   * can take the bytes straight into a corpus (format `lines`, no processor); undefined otherwise.
   */
  static #takeBytes(format: CorpusFormat, dedupe: unknown, processor: unknown): TakeBytes<Corpus> | undefined {
    if (format !== 'lines') return undefined;
    const o = readOptions('Corpus.from', { dedupe, processor }, ['dedupe', 'processor']);
    const process = processorFunction('Corpus.from', option('Corpus.from', o, 'processor', 'none'));
    const keep = option('Corpus.from', o, 'dedupe', true);
    const addon = process ? undefined : packingAddon();
    if (!addon) return undefined;
    return async (bytes) => {
      const built = await addon.corpusFromUtf8Async(bytes, keep); // parsed and indexed off the JS thread
      if (!built) return undefined; // not UTF-8: parsed as usual, which names the bad line
      const size = addon.corpusInfo(built.handle).size;
      const p = built.positions;
      const identity = !p || p.length === 0 || p[p.length - 1] === p.length - 1;
      return new Corpus(undefined, identity ? undefined : p, undefined, { packed: addon, handle: built.handle, size });
    };
  }

  /**
   * The processor this corpus was built with (`Corpus.from(words, { processor })`), or
   * undefined when it was built without one.
   */
  get processor(): Processor | undefined {
    return this.#processor;
  }

  /** From any iterable of strings. */
  static from(words: Iterable<string>, options?: CorpusOptions): Corpus {
    const o = readOptions('Corpus.from', options, ['dedupe', 'processor']);
    const processor = option('Corpus.from', o, 'processor', 'none');
    if (typeof words === 'string' || !isIterable(words)) {
      throw typeError(ERROR_CODES.ARGUMENT, `Corpus.from: words must be an iterable of strings, got ${describe(words)}`);
    }
    const dedupe = option('Corpus.from', o, 'dedupe', true);
    const list: string[] = [];
    const kept: number[] = [];
    const seen = dedupe ? new Set<string>() : undefined;
    let i = 0;
    for (const w of words) {
      if (typeof w !== 'string') {
        throw typeError(ERROR_CODES.ARGUMENT, `Corpus.from: word ${i} must be a string, got ${describe(w)}`);
      }
      if (i > MAX_POSITION) throw rangeError(ERROR_CODES.TOO_LARGE, `Corpus.from: more than ${MAX_POSITION + 1} words`);
      const at = i++;
      if (seen) {
        if (seen.has(w)) continue;
        seen.add(w);
      }
      list.push(w);
      kept.push(at);
    }
    // Positions are stored only where they differ from 0, 1, 2, … (kept positions increase,
    // so that is when the last one is past its own place).
    const identity = kept.length === 0 || kept[kept.length - 1] === kept.length - 1;
    return Corpus.#make(list, identity ? undefined : Uint32Array.from(kept), processor, false, words);
  }

  /**
   * From a word-list file: UTF-8 (a BOM is fine), one word per line (`format: 'lines'`, the
   * default) or `<count> <word>` per line (`format: 'counted'`). `Match.index` is the word's
   * position among the file's words (its non-empty lines, from 0).
   */
  static async fromFile(path: string, options?: CorpusFileOptions): Promise<Corpus> {
    const o = readOptions('Corpus.fromFile', options, FILE_OPTIONS);
    checkString('Corpus.fromFile', 'path', path);
    const format = checkFormat('Corpus.fromFile', o.format);
    const words = await readWordFile(path, format, o as ReadOptions, Corpus.#takeBytesLate(format, o));
    if (words instanceof Corpus) return words;
    return Corpus.from(words, {
      dedupe: o.dedupe as boolean | undefined,
      processor: o.processor as Processor | undefined,
    });
  }

  /** From an http(s) URL, streamed, with a timeout (`timeoutMs`, 30 s by default). */
  static async fromURL(url: string | URL, options?: CorpusURLOptions): Promise<Corpus> {
    const o = readOptions('Corpus.fromURL', options, URL_OPTIONS);
    const format = checkFormat('Corpus.fromURL', o.format);
    const words = await fetchWords(url, format, o as FetchOptions, Corpus.#takeBytesLate(format, o));
    if (words instanceof Corpus) return words;
    return Corpus.from(words, {
      dedupe: o.dedupe as boolean | undefined,
      processor: o.processor as Processor | undefined,
    });
  }

  /**
   * #takeBytes, with its option errors raised where Corpus.from would raise them (after the
   * read): a bad option reaches the caller as before, and the words are then parsed as usual.
   */
  static #takeBytesLate(format: CorpusFormat, o: Record<string, unknown>): TakeBytes<Corpus> {
    return async (bytes) => {
      let take;
      try {
        take = Corpus.#takeBytes(format, o.dedupe, o.processor);
      } catch {
        return undefined; // Corpus.from reports it
      }
      return take?.(bytes);
    };
  }

  /** How many words are searched (duplicates dropped). */
  get size(): number {
    return this.#size;
  }

  /**
   * A content hash of the words and their positions, in an unambiguous encoding (each word
   * prefixed by its length in UTF-16 units, hashed as UTF-16): equal lists give equal ids on
   * every machine, different lists never do. The `v2-` tag sets these apart from the
   * `sha256:` ids of strdist 0.1, which hashed the words joined by newlines.
   */
  get id(): string {
    return (this.#id ??= corpusId(this, this.#size, this.#positions));
  }

  /**
   * The word a match with this `index` names, or undefined (out of range, or the position of a
   * dropped duplicate).
   */
  at(index: number): string | undefined {
    if (!Number.isInteger(index) || index < 0) return undefined;
    const p = this.#positions;
    if (!p) return index < this.#size ? this.#wordAt(index) : undefined;
    let lo = 0;
    let hi = p.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (p[mid] < index) lo = mid + 1;
      else hi = mid;
    }
    return p[lo] === index ? this.#wordAt(lo) : undefined;
  }

  static {
    makeCorpus = (words, positions, keepList) => Corpus.#make(words, positions, undefined, keepList);
    positionsOf = (corpus) => corpus.#positions;
    closestSyncAs = (fn, corpus, query, options) => corpus.#closestSyncAs(fn, query, options);
    closestRaw = (corpus, queries, options) => corpus.#closestRaw(queries, options);
    internalsOf = (corpus) => ({
      get words() {
        return corpus.#given();
      },
      get searchWords() {
        return corpus.#searched();
      },
      wordsAt: (indices) => corpus.#wordsAt(indices),
      process: processorFunction('join', corpus.#processor),
      positions: corpus.#positions,
      native: () => corpus.#nativeHandle(),
      js: () => corpus.#jsIndex(),
    });
  }

  /**
   * The words, in corpus order (frozen), duplicates dropped. On a corpus whose native index
   * holds the words, the array is built when asked and reused while anyone holds it: keep it
   * while you read it often, drop it to give the memory back.
   */
  get words(): readonly string[] {
    return this.#given();
  }

  [Symbol.iterator](): Iterator<string> {
    if (!this.#packed || this.#strings?.deref()) return this.#given()[Symbol.iterator]();
    return this.#walk();
  }

  /** A packed corpus's words in order, a chunk at a time (never all of them as strings at once). */
  *#walk(): Generator<string, undefined, undefined> {
    const addon = this.#packed as NativeCorpusAddon;
    for (let from = 0; from < this.#size; from += WALK_CHUNK) {
      yield* addon.corpusWords(this.#native, from, Math.min(this.#size, from + WALK_CHUNK));
    }
    return undefined;
  }

  /** Word `i` as given (0 <= i < size). */
  #wordAt(i: number): string {
    if (this.#list) return this.#list[i];
    if (this.#base) return this.#base.#wordAt(i);
    const strings = this.#strings?.deref();
    if (strings) return strings[i];
    return (this.#packed as NativeCorpusAddon).corpusWord(this.#native, i) as string;
  }

  /** The words as given at these corpus indices (all in range). */
  #wordsAt(indices: ArrayLike<number>): string[] {
    if (this.#base) return this.#base.#wordsAt(indices);
    const strings = this.#list ?? this.#strings?.deref();
    if (strings) return Array.from(indices, (i) => strings[i]);
    const at = indices instanceof Uint32Array ? indices : Uint32Array.from(indices);
    return (this.#packed as NativeCorpusAddon).corpusWordsAt(this.#native, at) as string[];
  }

  /** Every word as given, frozen; a packed corpus builds them (and reuses them while they live). */
  #given(): readonly string[] {
    if (this.#list) return this.#list;
    if (this.#base) return this.#base.#given();
    let strings = this.#strings?.deref();
    if (!strings) {
      strings = Object.freeze((this.#packed as NativeCorpusAddon).corpusWords(this.#native, 0, this.#size));
      this.#strings = new WeakRef(strings);
    }
    return strings;
  }

  /** The words the search runs on, as strings. */
  #searched(): readonly string[] {
    return this.#processed ?? this.#given();
  }

  /** Bytes the native index takes (builds it if needed); undefined without the native backend. */
  nativeIndexBytes(): number | undefined {
    if (!backendState().addon) return undefined;
    return (nativeAddon() as unknown as NativeCorpusAddon).corpusInfo(this.#nativeHandle()).bytes;
  }

  #nativeHandle(): unknown {
    if (this.#native !== undefined) return this.#native;
    const addon = nativeAddon() as unknown as NativeCorpusAddon;
    const words = this.#searched();
    return (this.#native = addon.corpusCreate(words.join(''), utf16Lengths(words)));
  }

  #jsIndex(): JsCorpusIndex {
    return (this.#js ??= new JsCorpusIndex(this.#searched()));
  }

  /**
   * The corpus a search with `processor` runs on, and the processing of its queries: this
   * corpus when the option is left out or names this corpus's own processor; a view of the
   * same words processed (cached for names) when this corpus has no processor; else an error.
   */
  #withProcessor(fn: string, processor: Processor | undefined): { corpus: Corpus; process?: (s: string) => string } {
    const own = this.#processor;
    if (processor === undefined || processor === own || (processor === 'none' && own === undefined)) {
      return { corpus: this, process: processorFunction(fn, own) };
    }
    if (own !== undefined) {
      throw rangeError(
        ERROR_CODES.OPTION,
        `${fn}: this corpus was built with processor ${describeProcessor(own)}; a search cannot apply ${describeProcessor(processor)} ` +
          'instead (leave the option out, or build the corpus without a processor)',
      );
    }
    let view = this.#views?.get(processor);
    if (!view) {
      view = new Corpus(undefined, this.#positions, processor, { base: this });
      if (typeof processor === 'string') (this.#views ??= new Map()).set(processor, view);
    }
    return { corpus: view, process: processorFunction(fn, processor) };
  }

  #matches(scores: ArrayLike<number>, indices: ArrayLike<number>, words: readonly string[], from: number, count: number): Match[] {
    const out: Match[] = new Array(count);
    const p = this.#positions;
    for (let i = 0; i < count; i++) {
      const at = indices[from + i];
      out[i] = { word: words[from + i], score: scores[from + i], index: p ? p[at] : at };
    }
    return out;
  }

  #fromNative(r: NativeResult): Match[][] {
    const out: Match[][] = [];
    const words = this.#wordsAt(r.indices); // one crossing for every match of every query
    let at = 0;
    for (let q = 0; q < r.counts.length; q++) {
      out.push(this.#matches(r.scores, r.indices, words, at, r.counts[q]));
      at += r.counts[q];
    }
    return out;
  }

  #fromJs(r: RawMatches): Match[] {
    return this.#matches(r.scores, r.indices, this.#wordsAt(r.indices), 0, r.scores.length);
  }

  /** The `n` closest words to `query`, best first; ties go to the lower corpus index. */
  async closest(query: string, options?: ClosestOptions): Promise<Match[]> {
    checkString('closest', 'query', query);
    return (await this.#search('closest', [query], options))[0];
  }

  /** `closest` for many queries at once (spread over the threads); aligned with `queries`. */
  async closestMany(queries: readonly string[], options?: ClosestOptions): Promise<Match[][]> {
    checkQueries('closestMany', queries);
    return this.#search('closestMany', queries, options);
  }

  /** closest/closestMany: the processor picks the corpus (this or a view) that searches. */
  #search(fn: string, queries: readonly string[], options: ClosestOptions | undefined): Promise<Match[][]> {
    const r = this.#resolve(fn, options);
    const { corpus, process } = this.#withProcessor(fn, r.processor);
    return corpus.#many(r, process ? queries.map(process) : queries);
  }

  /** `closest` on the calling thread (it blocks the event loop while it runs). */
  closestSync(query: string, options?: Omit<ClosestOptions, 'signal'>): Match[] {
    checkString('closestSync', 'query', query);
    return this.#closestSyncAs('closestSync', query, options);
  }

  #closestSyncAs(fn: string, query: string, options: unknown): Match[] {
    const r = this.#resolve(fn, options, CLOSEST_SYNC_OPTIONS);
    const { corpus, process } = this.#withProcessor(fn, r.processor);
    if (process) query = process(query);
    return corpus.#closestSync(query, r);
  }

  #closestSync(query: string, r: Resolved): Match[] {
    if (r.params.n === 0) return [];
    // issue 12: the added metrics score every word with their cached scorers.
    if (isExtraMetric(r.params.metric)) return this.#fromJs(searchExtra(this.#searched(), query, r.params, extraKernel(r.backend)));
    if (r.backend === 'js') return this.#fromJs(this.#jsIndex().search(query, r.params as SearchParams));
    const addon = nativeAddon() as unknown as NativeCorpusAddon;
    const p = r.params;
    return this.#fromNative(searchSync(addon, this.#nativeHandle(), this.size, [query], METRIC_IDS[p.metric as Metric], p, r.threads))[0];
  }

  /**
   * Every word of this corpus within a threshold of each query (a fuzzy join): an async
   * iterable of `{ queryIndex, query, matches }`, only for queries with at least one match,
   * `matches` ordered as `closest` orders them. Exact: equal to scoring every pair. `queries`
   * is any iterable of strings (read lazily, chunk by chunk) or another Corpus (then
   * `queryIndex` is the query's `Match.index`). The threshold is required: `maxDistance` for
   * levenshtein, `minScore` for the similarities. Streamed in bounded chunks; `signal` stops it.
   */
  join(queries: Iterable<string> | Corpus, options: FuzzyJoinOptions): AsyncIterableIterator<JoinRow> {
    return joinCorpus(this, queries, options);
  }

  /**
   * Every pair of this corpus's words within the threshold, once each: an async iterable of
   * `{ i, j, score }` with `i < j` (positions, as in `Match.index`). Each word is compared only
   * with the words after it in the index (its own length group and the longer lengths the
   * threshold admits).
   */
  selfJoin(options: FuzzyJoinOptions): AsyncIterableIterator<JoinPair> {
    return selfJoinCorpus(this, options);
  }

  /**
   * The clusters of near-duplicates: connected components of the self-join's pairs, each a
   * sorted list of positions whose first (lowest) is the representative, in order of it.
   * Words near no other word are left out unless `singletons: true`.
   */
  dedupe(options: DedupeOptions): Promise<number[][]> {
    return dedupeCorpus(this, options);
  }

  /** The options, with `n` clamped to the corpus size (so no backend sizes anything by it). */
  #resolve(fn: string, options: unknown, allowed?: string[]): Resolved {
    const r = resolveClosestOptions(fn, options, allowed);
    r.params.n = Math.min(r.params.n, this.size);
    return r;
  }

  async #many(r: Resolved, queries: readonly string[]): Promise<Match[][]> {
    const p = r.params;
    if (p.n === 0) {
      if (r.signal?.aborted) throw abortError(r.signal);
      return queries.map(() => []);
    }
    if (isExtraMetric(p.metric)) {
      // issue 12: the added metrics score every word with their cached scorers, query by query.
      const kernel = extraKernel(r.backend);
      const out: Match[][] = [];
      for (const q of queries) {
        if (r.signal?.aborted) throw abortError(r.signal);
        out.push(this.#fromJs(searchExtra(this.#searched(), q, p, kernel)));
        await yieldToLoop();
      }
      if (r.signal?.aborted) throw abortError(r.signal);
      return out;
    }
    if (r.backend === 'js') {
      const index = this.#jsIndex();
      const out: Match[][] = [];
      let last = Date.now();
      for (const q of queries) {
        if (r.signal?.aborted) throw abortError(r.signal);
        out.push(this.#fromJs(index.search(q, p as SearchParams)));
        if (Date.now() - last > 20) {
          await yieldToLoop(); // let the event loop (and an abort) in between queries
          last = Date.now();
        }
      }
      if (r.signal?.aborted) throw abortError(r.signal);
      return out;
    }
    return this.#fromNative(await this.#manyNative(r, queries));
  }

  /** The native search of #many (the core metrics, n > 0): indices into this corpus's index. */
  #manyNative(r: Resolved, queries: readonly string[]): NativeResult | Promise<NativeResult> {
    const p = r.params;
    const addon = nativeAddon() as unknown as NativeCorpusAddon;
    const handle = this.#nativeHandle();
    if (this.size * queries.length <= SYNC_BELOW && !r.signal?.aborted) {
      // A search this small takes well under a millisecond: the hop to the thread pool and
      // back would cost more than the search itself.
      return searchSync(addon, handle, this.size, queries, METRIC_IDS[p.metric as Metric], p, r.threads);
    }
    return withCancel(r.signal, (token) =>
      addon.corpusSearch(
        handle, queries.join(''), utf16Lengths(queries), METRIC_IDS[p.metric as Metric], p.n, p.prefixWeight, p.minScore,
        p.maxDistance, r.threads, token,
      ),
    );
  }

  async #closestRaw(queries: readonly string[], options: ClosestOptions): Promise<NativeResult> {
    const r = this.#resolve('closestMany', options);
    const { corpus, process } = this.#withProcessor('closestMany', r.processor);
    const qs = process ? queries.map(process) : queries;
    if (r.params.n > 0 && r.backend === 'native' && !isExtraMetric(r.params.metric)) {
      const raw = await corpus.#manyNative(r, qs);
      const p = corpus.#positions;
      if (p) raw.indices = raw.indices.map((at) => p[at]);
      return raw;
    }
    const lists = await corpus.#many(r, qs);
    let total = 0;
    for (const ms of lists) total += ms.length;
    const out = { counts: new Uint32Array(lists.length), scores: new Float64Array(total), indices: new Uint32Array(total) };
    let at = 0;
    lists.forEach((ms, q) => {
      out.counts[q] = ms.length;
      for (const m of ms) {
        out.scores[at] = m.score;
        out.indices[at++] = m.index;
      }
    });
    return out;
  }
}

export function checkQueries(fn: string, queries: unknown): asserts queries is string[] {
  if (!isArray(queries)) {
    throw typeError(ERROR_CODES.ARGUMENT, `${fn}: queries must be an array of strings, got ${describe(queries)}`);
  }
  for (let i = 0; i < queries.length; i++) {
    if (typeof queries[i] !== 'string') {
      throw typeError(ERROR_CODES.ARGUMENT, `${fn}: queries[${i}] must be a string, got ${describe(queries[i])}`);
    }
  }
}

function isIterable(value: unknown): value is Iterable<unknown> {
  try {
    return value !== null && value !== undefined && typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function';
  } catch {
    return false; // a revoked proxy
  }
}

function describeProcessor(p: Processor): string {
  return typeof p === 'function' ? `a function${p.name ? ` (${p.name})` : ''}` : JSON.stringify(p);
}

/**
 * Internal (dispatch): refuses a corpus built with a processor. Its processor would stay
 * behind (a stored corpus is its words), so a remote search would run on other words than a
 * local one; the task names its processor instead.
 */
export function checkPlainCorpus(fn: string, corpus: Corpus): void {
  if (corpus.processor !== undefined) {
    throw rangeError(
      ERROR_CODES.OPTION,
      `${fn}: this corpus was built with processor ${describeProcessor(corpus.processor)}, which a stored corpus does not keep; ` +
        'store a corpus built without one and give processor in the task arguments',
    );
  }
}

/** Positions are stored in 32 bits. */
const MAX_POSITION = 0xffffffff;

const FILE_OPTIONS = ['dedupe', 'format', 'maxBytes', 'processor'];
const URL_OPTIONS = [...FILE_OPTIONS, 'timeoutMs', 'signal', 'redirect', 'fetch'];

function checkFormat(fn: string, value: unknown): CorpusFormat {
  if (value === undefined) return 'lines';
  if (value !== 'lines' && value !== 'counted' && value !== 'auto') {
    throw rangeError(ERROR_CODES.OPTION, `${fn}: format must be "lines", "counted" or "auto", got ${describe(value)}`);
  }
  return value;
}

/** The id of a word list: see {@link Corpus.id}. */
function corpusId(words: Iterable<string>, count: number, positions: Uint32Array | undefined): string {
  const hash = createHash('sha256');
  // Hashed as UTF-16 code units, so every string (lone surrogates included) encodes distinctly;
  // fed in chunks of about a megabyte.
  let chunk = `strdist corpus v2|${count}|`;
  for (const w of words) {
    chunk += `${w.length}:${w}`;
    if (chunk.length > 1 << 20) {
      hash.update(chunk, 'utf16le');
      chunk = '';
    }
  }
  if (positions) {
    chunk += '|positions|';
    for (const p of positions) {
      chunk += `${p},`;
      if (chunk.length > 1 << 20) {
        hash.update(chunk, 'utf16le');
        chunk = '';
      }
    }
  }
  hash.update(chunk, 'utf16le');
  return 'v2-sha256:' + hash.digest('hex');
}

/** A corpus id as {@link Corpus.id} makes it. */
export const CORPUS_ID_PATTERN = /^v2-sha256:[0-9a-f]{64}$/;

/**
 * Internal (dispatch): a corpus of these words at these caller positions (strictly increasing;
 * undefined for 0, 1, 2, …), without deduplication. A shard of a corpus is made this way, so
 * its matches carry positions in the whole list.
 */
export function corpusFromParts(words: readonly string[], positions?: Uint32Array): Corpus {
  if (positions && positions.length !== words.length) {
    throw rangeError(ERROR_CODES.ARGUMENT, `corpusFromParts: ${positions.length} positions for ${words.length} words`);
  }
  for (let i = 1; positions && i < positions.length; i++) {
    if (!(positions[i] > positions[i - 1])) throw rangeError(ERROR_CODES.ARGUMENT, 'corpusFromParts: positions must increase');
  }
  const identity = !positions || positions.every((p, i) => p === i);
  return makeCorpus([...words], identity ? undefined : positions);
}

/**
 * Internal (extract): a corpus over a caller's list for one call, without deduplication. It
 * keeps the strings (the caller holds them anyway), so nothing is packed that one search would
 * have to read back.
 */
export function listCorpus(words: readonly string[]): Corpus {
  return makeCorpus([...words], undefined, true);
}

/** The addon a new corpus packs its words into: the process's, when it runs the native backend. */
function packingAddon(): NativeCorpusAddon | undefined {
  return backendState().addon as unknown as NativeCorpusAddon | undefined;
}

/** Internal (dispatch): the caller positions of a corpus's words; undefined for 0, 1, 2, … */
export function corpusPositions(corpus: Corpus): Uint32Array | undefined {
  return positionsOf(corpus);
}
