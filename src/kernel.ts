/** Metric names accepted by the public API. */
export type Metric = 'levenshtein' | 'levenshteinSimilarity' | 'jaro' | 'jaroWinkler';

/** Numeric ids for the metrics, shared with the native addon (native/binding.cc). */
export const METRIC_IDS: Readonly<Record<Metric, number>> = Object.freeze({
  levenshtein: 0,
  levenshteinSimilarity: 1,
  jaro: 2,
  jaroWinkler: 3,
});

export const METRICS = Object.freeze(Object.keys(METRIC_IDS) as Metric[]);

/**
 * The version of the scoring semantics. The native addon reports its own; a binary whose
 * version differs from this one is not used.
 */
export const KERNEL_VERSION = 1;

/**
 * What a backend implements. Arguments reach a kernel already validated (src/metrics.ts), so
 * both backends share one set of checks and error messages.
 */
export interface Kernel {
  readonly name: 'native' | 'js';
  /** Distance, or `max + 1` when it exceeds `max`; `max = -1` means no cutoff. */
  levenshtein(a: string, b: string, max: number): number;
  levenshteinSimilarity(a: string, b: string): number;
  /** 0 when below `minSimilarity`. */
  jaro(a: string, b: string, minSimilarity: number): number;
  jaroWinkler(a: string, b: string, prefixWeight: number, minSimilarity: number): number;
  /**
   * Scores `query` against every choice into `out`. `param` is the prefix weight
   * (jaroWinkler); `cutoff` is maxDistance (levenshtein, -1 for none) or minSimilarity.
   */
  scoreMany(
    metric: Metric,
    query: string,
    choices: readonly string[],
    param: number,
    cutoff: number,
    out: Float64Array,
  ): void;
  /**
   * Packs choices once for scoreManyPrepared (and, on the native kernel, scoreMatrix): a native
   * handle, or a frozen copy of the array on the TypeScript kernel. Only this kernel reads it.
   */
  prepare(choices: readonly string[]): unknown;
  /** scoreMany over what prepare() returned; `out` has room for every choice. */
  scoreManyPrepared(metric: Metric, query: string, prepared: unknown, param: number, cutoff: number, out: Float64Array): void;
}
