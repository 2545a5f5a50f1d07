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

// ---- issue 12: more metrics ----
/** The metrics added by issue 12 (scoreMany, extract and closest* take them by name). */
export type ExtraMetric =
  | 'indel'
  | 'ratio'
  | 'longestCommonSubsequence'
  | 'hamming'
  | 'hammingSimilarity'
  | 'osa'
  | 'osaSimilarity'
  | 'damerauLevenshtein'
  | 'damerauLevenshteinSimilarity';

/** Their ids at the addon's scoreMany (native/binding.cc ExtraMetricId). */
export const EXTRA_METRIC_IDS: Readonly<Record<ExtraMetric, number>> = Object.freeze({
  indel: 4,
  ratio: 5,
  longestCommonSubsequence: 6,
  hamming: 7,
  hammingSimilarity: 8,
  osa: 9,
  osaSimilarity: 10,
  damerauLevenshtein: 11,
  damerauLevenshteinSimilarity: 12,
});

/** Any metric name: the four core ones and the ones of issue 12. */
export type AnyMetric = Metric | ExtraMetric;

export const EXTRA_METRICS = Object.freeze(Object.keys(EXTRA_METRIC_IDS) as ExtraMetric[]);
export const ALL_METRICS = Object.freeze([...METRICS, ...EXTRA_METRICS] as AnyMetric[]);
export const ANY_METRIC_IDS: Readonly<Record<AnyMetric, number>> = Object.freeze({ ...METRIC_IDS, ...EXTRA_METRIC_IDS });

/** Distances: lower is better, cut off with maxDistance. */
export const DISTANCE_METRICS: readonly AnyMetric[] = Object.freeze([
  'levenshtein',
  'indel',
  'hamming',
  'osa',
  'damerauLevenshtein',
] as AnyMetric[]);

export function isDistanceMetric(metric: AnyMetric): boolean {
  return DISTANCE_METRICS.includes(metric);
}

/** The kernels of issue 12 (both backends; arguments already checked by src/metrics-extra.ts). */
export interface ExtraKernel {
  /** max = -1: no cutoff; max + 1 past it. */
  indel(a: string, b: string, max: number): number;
  /** 0 below min. */
  ratio(a: string, b: string, min: number): number;
  longestCommonSubsequence(a: string, b: string): number;
  /** The lengths in code points are equal, or pad is true. */
  hamming(a: string, b: string, pad: boolean, max: number): number;
  hammingSimilarity(a: string, b: string, pad: boolean, min: number): number;
  osa(a: string, b: string, max: number): number;
  osaSimilarity(a: string, b: string, min: number): number;
  damerauLevenshtein(a: string, b: string, max: number): number;
  damerauLevenshteinSimilarity(a: string, b: string, min: number): number;
  levenshteinWeighted(a: string, b: string, insert: number, del: number, substitute: number, max: number): number;
  /**
   * scoreMany for every metric. `param`: prefix weight (jaroWinkler); for hamming 1 pads,
   * anything else scores a choice of another length -1.
   */
  scoreManyAny(
    metric: AnyMetric,
    query: string,
    choices: readonly string[],
    param: number,
    cutoff: number,
    out: Float64Array,
  ): void;
}
// ---- end issue 12 ----

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
