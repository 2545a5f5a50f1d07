import type { Kernel, Metric } from './kernel.js';
import { jsKernel } from './backend/js.js';
import { ERROR_CODES, describe, isArray, rangeError, typeError } from './errors.js';
import { OPTION_RULES, checkMetricConflict, kernelMaxDistance, option, readOptions } from './options.js';
import { isPrepared, prepareWith, preparedParts, type PreparedChoices } from './prepared.js';

export interface LevenshteinOptions {
  /**
   * Stop once the distance is known to exceed this; the result is then `maxDistance + 1`.
   * A non-negative integer, or `Infinity`.
   * @defaultValue Infinity
   */
  maxDistance?: number;
}

export interface JaroOptions {
  /**
   * Scores below this come back as 0, and the work stops as soon as that is certain. A score
   * exactly at the cutoff passes. In [0, 1].
   * @defaultValue 0
   */
  minSimilarity?: number;
}

export interface JaroWinklerOptions extends JaroOptions {
  /**
   * Winkler's prefix scale `p`, in [0, 0.25].
   * @defaultValue 0.1
   */
  prefixWeight?: number;
}

export interface ScoreManyOptions {
  /** For `levenshtein`: see {@link LevenshteinOptions.maxDistance}. */
  maxDistance?: number;
  /** For `jaro` and `jaroWinkler`: see {@link JaroOptions.minSimilarity}. */
  minSimilarity?: number;
  /** For `jaroWinkler`: see {@link JaroWinklerOptions.prefixWeight}. */
  prefixWeight?: number;
}

export interface Metrics {
  levenshtein(a: string, b: string, options?: LevenshteinOptions): number;
  levenshteinSimilarity(a: string, b: string, options?: Record<string, never>): number;
  jaro(a: string, b: string, options?: JaroOptions): number;
  jaroWinkler(a: string, b: string, options?: JaroWinklerOptions): number;
  /**
   * `choices` may be {@link PreparedChoices} (from `prepare`): then nothing but the query crosses
   * into native code, and they are scored by the backend that prepared them.
   */
  scoreMany(metric: Metric, query: string, choices: readonly string[] | PreparedChoices, options?: ScoreManyOptions): Float64Array;
  /** Packs `choices` once for repeated scoreMany / scoreMatrix calls. */
  prepare(choices: readonly string[]): PreparedChoices;
}

/**
 * Pairs whose total UTF-16 length exceeds this product are refused with a RangeError: the
 * O(|a|·|b|/64) work would take minutes (2^36 cells is about a second of bit-parallel work).
 * Identical strings are always answered.
 */
export const MAX_CELLS = 2 ** 36;

export { describe };

export function checkString(fn: string, name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') {
    throw typeError(ERROR_CODES.ARGUMENT, `${fn}: ${name} must be a string, got ${describe(value)}`);
  }
}

function checkSize(fn: string, a: string, b: string): void {
  if (a.length * b.length > MAX_CELLS && a !== b) {
    throw rangeError(
      ERROR_CODES.TOO_LARGE,
      `${fn}: strings too long: ${a.length} x ${b.length} UTF-16 units is over the limit of 2^36 cells`,
    );
  }
}

export function checkMetric(fn: string, metric: unknown): asserts metric is Metric {
  OPTION_RULES.metric.check(fn, 'metric', metric);
}

const SCORE_MANY_OPTIONS = ['maxDistance', 'minSimilarity', 'prefixWeight'];

/**
 * Checks one-to-many arguments (shared by scoreMany and scoreMatrix): returns the prefix
 * weight and the cutoff as the kernels take them. `extra` names options the caller reads
 * itself (scoreMatrix's threads and signal); their values come back in `rest`.
 */
export function scoreManyArgs(
  fn: string,
  metric: unknown,
  query: unknown,
  choices: unknown,
  options: unknown,
  extra: readonly string[] = [],
): { weight: number; cutoff: number; rest: Record<string, unknown> } {
  checkMetric(fn, metric);
  checkString(fn, 'query', query);
  const prepared = isPrepared(choices);
  if (!prepared && !isArray(choices)) {
    throw typeError(
      ERROR_CODES.ARGUMENT,
      `${fn}: choices must be an array of strings, got ${describe(choices)}`,
    );
  }
  const o = readOptions(fn, options, [...SCORE_MANY_OPTIONS, ...extra]);
  const given = o.maxDistance === Infinity ? { ...o, maxDistance: undefined } : o;
  checkMetricConflict(fn, metric, given, 'minSimilarity');
  let cutoff = -1;
  if (metric === 'levenshtein') cutoff = kernelMaxDistance(option(fn, o, 'maxDistance', Infinity));
  else cutoff = option(fn, o, 'minSimilarity', 0);
  const weight = option(fn, o, 'prefixWeight', 0.1);
  if (prepared) {
    // Only the long choices can be over the size limit; they are kept for this check.
    const { longest, long } = preparedParts(choices);
    if (query.length * longest > MAX_CELLS) for (const [, c] of long) checkSize(fn, query, c);
    return { weight, cutoff, rest: o };
  }
  for (let i = 0; i < choices.length; i++) {
    const c: unknown = choices[i];
    if (typeof c !== 'string') {
      throw typeError(ERROR_CODES.ARGUMENT, `${fn}: choices[${i}] must be a string, got ${describe(c)}`);
    }
    checkSize(fn, query, c);
  }
  return { weight, cutoff, rest: o };
}

export interface MetricsConfig {
  /**
   * When the kernel is native, pairs whose combined UTF-16 length is below this are scored by
   * the TypeScript kernel instead: the results are identical and, for short strings, crossing
   * into native code costs more than the work itself (see bench/, "crossover"). One number
   * for every metric, or one for Levenshtein (both metrics) and one for Jaro (both).
   */
  pairwiseJsBelow?: number | { levenshtein: number; jaro: number };
}

/**
 * One wrapper for either kernel: argument checks, option parsing and error messages are
 * written once here, so both backends throw the same errors.
 */
export function createMetrics(kernel: Kernel, config: MetricsConfig = {}): Metrics {
  const cfg = kernel.name === 'native' ? (config.pairwiseJsBelow ?? 0) : 0;
  const levBelow = typeof cfg === 'number' ? cfg : cfg.levenshtein;
  const jaroBelow = typeof cfg === 'number' ? cfg : cfg.jaro;
  const pickLev = (a: string, b: string): Kernel => (a.length + b.length < levBelow ? jsKernel : kernel);
  const pickJaro = (a: string, b: string): Kernel => (a.length + b.length < jaroBelow ? jsKernel : kernel);

  return {
    levenshtein(a, b, options) {
      checkString('levenshtein', 'a', a);
      checkString('levenshtein', 'b', b);
      const o = readOptions('levenshtein', options, ['maxDistance']);
      const max = kernelMaxDistance(option('levenshtein', o, 'maxDistance', Infinity));
      checkSize('levenshtein', a, b);
      return pickLev(a, b).levenshtein(a, b, max);
    },
    levenshteinSimilarity(a, b, options) {
      checkString('levenshteinSimilarity', 'a', a);
      checkString('levenshteinSimilarity', 'b', b);
      readOptions('levenshteinSimilarity', options, []);
      checkSize('levenshteinSimilarity', a, b);
      return pickLev(a, b).levenshteinSimilarity(a, b);
    },
    jaro(a, b, options) {
      checkString('jaro', 'a', a);
      checkString('jaro', 'b', b);
      const min = option('jaro', readOptions('jaro', options, ['minSimilarity']), 'minSimilarity', 0);
      checkSize('jaro', a, b);
      return pickJaro(a, b).jaro(a, b, min);
    },
    jaroWinkler(a, b, options) {
      checkString('jaroWinkler', 'a', a);
      checkString('jaroWinkler', 'b', b);
      const o = readOptions('jaroWinkler', options, ['minSimilarity', 'prefixWeight']);
      const weight = option('jaroWinkler', o, 'prefixWeight', 0.1);
      const min = option('jaroWinkler', o, 'minSimilarity', 0);
      checkSize('jaroWinkler', a, b);
      return pickJaro(a, b).jaroWinkler(a, b, weight, min);
    },
    scoreMany(metric, query, choices, options) {
      const { weight, cutoff } = scoreManyArgs('scoreMany', metric, query, choices, options);
      if (isPrepared(choices)) {
        const p = preparedParts(choices);
        const out = new Float64Array(choices.size);
        if (choices.size > 0) p.kernel.scoreManyPrepared(metric, query, p.packed, weight, cutoff, out);
        return out;
      }
      const out = new Float64Array(choices.length);
      if (choices.length > 0) kernel.scoreMany(metric, query, choices, weight, cutoff, out);
      return out;
    },
    prepare(choices) {
      return prepareWith(kernel, choices);
    },
  };
}
