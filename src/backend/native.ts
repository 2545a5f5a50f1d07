import { createRequire } from 'node:module';
import { join } from 'node:path';
import { codedError, ERROR_CODES } from '../errors.js';
import { KERNEL_VERSION, METRIC_IDS, type Kernel, type Metric } from '../kernel.js';
import { packageDir, packageDirMissing } from '../root.js';
import { withPackedChoices } from './pack.js';

/** An opaque handle made by the addon (an External tagged with its kind; checked on every use). */
declare const handleKind: unique symbol;
export type NativeHandle<Kind extends string> = { readonly [handleKind]: Kind };

/** What a native corpus search returns: `counts[q]` matches per query, then their scores and indices. */
export interface NativeSearchResult {
  counts: Uint32Array;
  scores: Float64Array;
  indices: Uint32Array;
  visited: number;
  scored: number;
}

/**
 * The functions exported by native/binding.cc and native/search_worker.cc. Every one of them
 * returns or throws, whatever it is given: a wrong type, handle or typed array is a TypeError
 * (`ERR_STRDIST_ARGUMENT`), a bad number (NaN, a non-number, a negative count) a RangeError
 * (`ERR_STRDIST_OPTION`), a pair over 2^36 cells `ERR_STRDIST_TOO_LARGE`, a failed allocation
 * `ERR_STRDIST_OUT_OF_MEMORY`, anything else an Error `ERR_STRDIST_NATIVE`.
 *
 * Numbers: counts and cutoffs drop fractions, and Infinity or anything from 2^53 up means no
 * limit. `maxDistance` negative (or undefined) means no cutoff; `minSimilarity`/`minScore`
 * negative (or undefined) means 0; `prefixWeight` negative (or undefined) means 0.1, above 0.25
 * is refused. `metric` is an id of METRIC_IDS. `threads` is 1 or more (capped at 256). Joined
 * strings come with a Uint32Array of UTF-16 lengths that must add up to the joined length.
 */
export interface Addon {
  levenshtein(a: string, b: string, maxDistance?: number): number;
  levenshteinSimilarity(a: string, b: string): number;
  jaro(a: string, b: string, minSimilarity?: number): number;
  jaroWinkler(a: string, b: string, prefixWeight?: number, minSimilarity?: number): number;
  /**
   * Writes one score per choice into `out` (a Float64Array with room for every choice): `units`
   * are the choices' UTF-16 units back to back, `lengths` each one's length.
   */
  scoreMany(
    metric: number,
    query: string,
    units: Uint16Array | string,
    lengths: Uint32Array,
    param: number,
    cutoff: number,
    out: Float64Array,
  ): void;
  corpusCreate(joined: string, lengths: Uint32Array): NativeHandle<'corpus'>;
  corpusInfo(handle: NativeHandle<'corpus'>): { size: number; width: number; bytes: number };
  corpusSearchSync(
    handle: NativeHandle<'corpus'>, queries: string, lengths: Uint32Array, metric: number, n: number,
    prefixWeight: number, minScore: number, maxDistance: number, threads: number,
  ): NativeSearchResult;
  /**
   * corpusSearchSync's matches written into `out` (the counts, then the corpus indices) and
   * `scores`; returns how many. Arrays too short are a RangeError, nothing written.
   */
  corpusSearchInto(
    handle: NativeHandle<'corpus'>, queries: string, lengths: Uint32Array, metric: number, n: number,
    prefixWeight: number, minScore: number, maxDistance: number, threads: number, out: Uint32Array, scores: Float64Array,
  ): number;
  /** Rejects with an Error "aborted" once `token` is cancelled. */
  corpusSearch(
    handle: NativeHandle<'corpus'>, queries: string, lengths: Uint32Array, metric: number, n: number,
    prefixWeight: number, minScore: number, maxDistance: number, threads: number, token?: NativeHandle<'token'>,
  ): Promise<NativeSearchResult>;
  /** Row-major, one row of `choices` scores per query. */
  scoreMatrix(
    metric: number, queries: string, queryLengths: Uint32Array, choices: string | NativeHandle<'prepared'>,
    choiceLengths: Uint32Array | undefined,
    param: number, cutoff: number, threads: number, token?: NativeHandle<'token'>,
  ): Promise<Float64Array>;
  /** Packs choices (their UTF-16 units back to back, and each one's length) once. */
  prepareChoices(units: Uint16Array | string, lengths: Uint32Array): NativeHandle<'prepared'>;
  preparedInfo(handle: NativeHandle<'prepared'>): { size: number; bytes: number };
  /** scoreMany over prepared choices; `out` has room for every one. */
  scoreManyPrepared(
    metric: number, query: string, handle: NativeHandle<'prepared'>, param: number, cutoff: number, out: Float64Array,
  ): void;
  /**
   * The SIMD path of the multi-string kernels in use ("scalar", "avx2", "avx512"); with a name,
   * forces it for the whole process (tests, benchmarks). STRDIST_SIMD sets the starting path.
   */
  simdPath(path?: 'scalar' | 'avx2' | 'avx512'): string;
  /** The SIMD paths this CPU and build can run, "scalar" first. */
  readonly simdPaths: readonly string[];
  // issue 11, item 4 (native/corpus_words.hpp): a corpus whose index is its only copy of the words
  /** A corpus of a word list's UTF-8 bytes parsed as src/corpus-source.ts parses format 'lines'; undefined when not UTF-8. */
  corpusFromUtf8(bytes: Uint8Array, dedupe: boolean): { handle: NativeHandle<'corpus'>; positions: Uint32Array | undefined } | undefined;
  /** corpusFromUtf8 on the task threads (the bytes are copied first). */
  corpusFromUtf8Async(bytes: Uint8Array, dedupe: boolean): Promise<{ handle: NativeHandle<'corpus'>; positions: Uint32Array | undefined } | undefined>;
  /** corpusCreate, with the build's scratch memory handed back to the system after. */
  corpusCreatePacked(joined: string, lengths: Uint32Array): NativeHandle<'corpus'>;
  /** The word at a corpus index (undefined past the end). */
  corpusWord(handle: NativeHandle<'corpus'>, index: number): string | undefined;
  corpusWordsAt(handle: NativeHandle<'corpus'>, indices: Uint32Array): (string | undefined)[];
  /** The words at corpus indices from .. to - 1 (clamped to the size), in order. */
  corpusWords(handle: NativeHandle<'corpus'>, from: number, to: number): string[];
  /** Where the index's bytes go. */
  corpusBytes(handle: NativeHandle<'corpus'>): { text: number; signatures: number; index: number; groups: number };
  /** Hands the free pages malloc keeps back to the system (malloc_trim; nothing elsewhere). */
  releaseFreeMemory(): void;
  cancelToken(): NativeHandle<'token'>;
  cancel(token: NativeHandle<'token'>): void;
  readonly kernelVersion: number;
  readonly napiVersion: number;
  readonly cpuFeatures: readonly string[];
}

export interface LoadedAddon {
  addon: Addon;
  /** Absolute path of the loaded binary. */
  path: string;
}

/** The message node-gyp-build throws when it finds no binary at all. */
const NO_BUILD = /No native build was found/;

/**
 * True when there is no binary to load (none built, no prebuild matches, or the package folder
 * is gone from a bundled application), as opposed to a binary that exists but fails to load.
 */
export function isMissingBinary(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return NO_BUILD.test(err.message) || (err as { code?: unknown }).code === ERROR_CODES.NATIVE_UNAVAILABLE;
}

/** How to get the native backend, for the messages below. */
const HOW =
  'To use the native backend, install a C++ toolchain (g++ or clang, make, python3) and run `npm rebuild strdist`; ' +
  'until then strdist runs its TypeScript backend (same results, slower)';

/**
 * Loads the addon with node-gyp-build from the package folder. No binary at all is an error
 * with code ERR_STRDIST_NATIVE_UNAVAILABLE saying why and what to do; a binary that exists but
 * fails to load throws the loader's error unchanged.
 */
export function loadAddon(): LoadedAddon {
  const root = packageDir();
  if (!root) throw codedError(ERROR_CODES.NATIVE_UNAVAILABLE, packageDirMissing());
  const require = createRequire(join(root, 'package.json'));
  const nodeGypBuild = require('node-gyp-build') as {
    (dir: string): unknown;
    resolve(dir: string): string;
  };
  let path: string;
  try {
    path = nodeGypBuild.resolve(root);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (!NO_BUILD.test(message)) throw err;
    throw codedError(
      ERROR_CODES.NATIVE_UNAVAILABLE,
      `${message.split('\n')[0]}: no prebuild in ${join(root, 'prebuilds')} matches this platform and none was ` +
        `built at install time (${join(root, 'build')}). ${HOW}`,
      { cause: err },
    );
  }
  const addon = require(path) as Addon;
  if (addon.kernelVersion !== KERNEL_VERSION) {
    throw codedError(
      ERROR_CODES.NATIVE_UNAVAILABLE,
      `strdist: the native binary at ${path} implements kernel v${addon.kernelVersion}, ` +
        `this package needs v${KERNEL_VERSION}; rebuild it with \`npm rebuild strdist\``,
    );
  }
  return { addon, path };
}

/** Adapts the addon to the Kernel interface. */
export function nativeKernel(addon: Addon): Kernel {
  return Object.freeze({
    name: 'native' as const,
    levenshtein: addon.levenshtein,
    levenshteinSimilarity: addon.levenshteinSimilarity,
    jaro: addon.jaro,
    jaroWinkler: addon.jaroWinkler,
    scoreMany(
      metric: Metric,
      query: string,
      choices: readonly string[],
      param: number,
      cutoff: number,
      out: Float64Array,
    ): void {
      withPackedChoices(choices, (units, lengths) =>
        addon.scoreMany(METRIC_IDS[metric], query, units, lengths, param, cutoff, out),
      );
    },
    prepare(choices: readonly string[]): unknown {
      return withPackedChoices(choices, (units, lengths) => addon.prepareChoices(units, lengths));
    },
    scoreManyPrepared(metric: Metric, query: string, prepared: unknown, param: number, cutoff: number, out: Float64Array): void {
      addon.scoreManyPrepared(METRIC_IDS[metric], query, prepared as NativeHandle<'prepared'>, param, cutoff, out);
    },
  });
}
