import { METRICS, type Kernel, type Metric } from './kernel.js';
import { jsKernel } from './backend/js.js';

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
  levenshteinSimilarity(a: string, b: string): number;
  jaro(a: string, b: string, options?: JaroOptions): number;
  jaroWinkler(a: string, b: string, options?: JaroWinklerOptions): number;
  scoreMany(metric: Metric, query: string, choices: readonly string[], options?: ScoreManyOptions): Float64Array;
}

/**
 * Pairs whose total UTF-16 length exceeds this product are refused with a RangeError: the
 * O(|a|·|b|/64) work would take minutes (2^36 cells is about a second of bit-parallel work).
 * Identical strings are always answered.
 */
export const MAX_CELLS = 2 ** 36;

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const t = typeof value;
  if (t === 'string') return `the string ${JSON.stringify(value).slice(0, 40)}`;
  if (t === 'number' || t === 'bigint' || t === 'boolean') return `${t} ${String(value)}`;
  return t === 'object' ? 'an object' : t;
}

export function checkString(fn: string, name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') {
    throw new TypeError(`${fn}: ${name} must be a string, got ${describe(value)}`);
  }
}

function checkOptions(fn: string, options: unknown): Record<string, unknown> | undefined {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${fn}: options must be an object, got ${describe(options)}`);
  }
  return options as Record<string, unknown>;
}

/** -1 for "no cutoff", else a non-negative integer. */
function maxDistanceOf(fn: string, value: unknown): number {
  if (value === undefined || value === Infinity) return -1;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new RangeError(`${fn}: maxDistance must be a non-negative integer or Infinity, got ${describe(value)}`);
  }
  return value > 0xffffffff ? -1 : value;
}

function unitInterval(fn: string, name: string, value: unknown, fallback: number, max = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0 && value <= max)) {
    throw new RangeError(`${fn}: ${name} must be a number in [0, ${max}], got ${describe(value)}`);
  }
  return value;
}

function checkSize(fn: string, a: string, b: string): void {
  if (a.length * b.length > MAX_CELLS && a !== b) {
    throw new RangeError(
      `${fn}: strings too long: ${a.length} x ${b.length} UTF-16 units is over the limit of 2^36 cells`,
    );
  }
}

export function checkMetric(fn: string, metric: unknown): asserts metric is Metric {
  if (typeof metric !== 'string' || !(METRICS as readonly string[]).includes(metric)) {
    throw new RangeError(`${fn}: metric must be one of ${METRICS.join(', ')}; got ${describe(metric)}`);
  }
}

/**
 * Checks one-to-many arguments (shared by scoreMany and scoreMatrix): returns the prefix
 * weight and the cutoff as the kernels take them.
 */
export function scoreManyArgs(
  fn: string,
  metric: unknown,
  query: unknown,
  choices: unknown,
  options: unknown,
): { weight: number; cutoff: number } {
  checkMetric(fn, metric);
  checkString(fn, 'query', query);
  if (!Array.isArray(choices)) {
    throw new TypeError(`${fn}: choices must be an array of strings, got ${describe(choices)}`);
  }
  const o = checkOptions(fn, options);
  let cutoff = -1;
  let weight = 0.1;
  if (metric === 'levenshtein') cutoff = maxDistanceOf(fn, o?.maxDistance);
  if (metric === 'jaro' || metric === 'jaroWinkler') cutoff = unitInterval(fn, 'minSimilarity', o?.minSimilarity, 0);
  if (metric === 'jaroWinkler') weight = unitInterval(fn, 'prefixWeight', o?.prefixWeight, 0.1, 0.25);
  for (let i = 0; i < choices.length; i++) {
    const c: unknown = choices[i];
    if (typeof c !== 'string') throw new TypeError(`${fn}: choices[${i}] must be a string, got ${describe(c)}`);
    checkSize(fn, query, c);
  }
  return { weight, cutoff };
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
      const max = maxDistanceOf('levenshtein', checkOptions('levenshtein', options)?.maxDistance);
      checkSize('levenshtein', a, b);
      return pickLev(a, b).levenshtein(a, b, max);
    },
    levenshteinSimilarity(a, b) {
      checkString('levenshteinSimilarity', 'a', a);
      checkString('levenshteinSimilarity', 'b', b);
      checkSize('levenshteinSimilarity', a, b);
      return pickLev(a, b).levenshteinSimilarity(a, b);
    },
    jaro(a, b, options) {
      checkString('jaro', 'a', a);
      checkString('jaro', 'b', b);
      const min = unitInterval('jaro', 'minSimilarity', checkOptions('jaro', options)?.minSimilarity, 0);
      checkSize('jaro', a, b);
      return pickJaro(a, b).jaro(a, b, min);
    },
    jaroWinkler(a, b, options) {
      checkString('jaroWinkler', 'a', a);
      checkString('jaroWinkler', 'b', b);
      const o = checkOptions('jaroWinkler', options);
      const weight = unitInterval('jaroWinkler', 'prefixWeight', o?.prefixWeight, 0.1, 0.25);
      const min = unitInterval('jaroWinkler', 'minSimilarity', o?.minSimilarity, 0);
      checkSize('jaroWinkler', a, b);
      return pickJaro(a, b).jaroWinkler(a, b, weight, min);
    },
    scoreMany(metric, query, choices, options) {
      const { weight, cutoff } = scoreManyArgs('scoreMany', metric, query, choices, options);
      const out = new Float64Array(choices.length);
      if (choices.length > 0) kernel.scoreMany(metric, query, choices, weight, cutoff, out);
      return out;
    },
  };
}
