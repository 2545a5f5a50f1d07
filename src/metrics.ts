import { METRICS, METRIC_IDS, type Kernel, type Metric } from './kernel.js';
import { jsKernel } from './backend/js.js';
import { jaroShortPair, jaroWinklerShortPair } from './backend/js/jaro.js';
import { levenshteinShort } from './backend/js/levenshtein.js';
import { ERROR_CODES, describe, isArray, rangeError, typeError } from './errors.js';
import { OPTION_RULES, checkMetricConflict, kernelMaxDistance, option, readOptions } from './options.js';
import { processorFunction, type Processor } from './processors.js';
import { isPrepared, prepareWith, preparedParts, type PreparedChoices } from './prepared.js';

/** The `processor` option (issue 12), taken by every pairwise function. */
export interface ProcessorOptions {
  /**
   * What is done to both strings before they are compared: a built-in processor by name
   * (`'lowercase'`, `'casefold'`, `'nfkc'`, `'nfkcCasefold'`, `'default'`) or a function that
   * returns a string.
   * @defaultValue 'none'
   */
  processor?: Processor;
}

export interface LevenshteinOptions extends ProcessorOptions {
  /**
   * Stop once the distance is known to exceed this; the result is then `maxDistance + 1`.
   * A non-negative integer, or `Infinity`.
   * @defaultValue Infinity
   */
  maxDistance?: number;
}

export interface JaroOptions extends ProcessorOptions {
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

export interface ScoreManyOptions extends ProcessorOptions {
  /** For `levenshtein`: see {@link LevenshteinOptions.maxDistance}. */
  maxDistance?: number;
  /** For `jaro` and `jaroWinkler`: see {@link JaroOptions.minSimilarity}. */
  minSimilarity?: number;
  /** For `jaroWinkler`: see {@link JaroWinklerOptions.prefixWeight}. */
  prefixWeight?: number;
}

export interface Metrics {
  levenshtein(a: string, b: string, options?: LevenshteinOptions): number;
  levenshteinSimilarity(a: string, b: string, options?: ProcessorOptions): number;
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

export function checkSize(fn: string, a: string, b: string): void {
  if (a.length * b.length > MAX_CELLS && a !== b) {
    throw rangeError(
      ERROR_CODES.TOO_LARGE,
      `${fn}: strings too long: ${a.length} x ${b.length} UTF-16 units is over the limit of 2^36 cells`,
    );
  }
}

export function checkMetric(fn: string, metric: unknown): asserts metric is Metric {
  OPTION_RULES.metric.check(fn, 'metric', metric);
  // issue 12: the added metrics reach scoreMany through src/metrics-extra.ts; here (scoreMatrix)
  // only the core four.
  if (!Object.prototype.hasOwnProperty.call(METRIC_IDS, metric as string)) {
    throw rangeError(ERROR_CODES.OPTION, `${fn}: metric must be one of ${METRICS.join(', ')}, got ${describe(metric)}`);
  }
}

const SCORE_MANY_OPTIONS = ['maxDistance', 'minSimilarity', 'prefixWeight', 'processor'];

/** The `processor` option read from `o` as a function; undefined for none. */
export function readProcessor(fn: string, o: Record<string, unknown>): ((s: string) => string) | undefined {
  return processorFunction(fn, option(fn, o, 'processor', 'none'));
}

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
): { weight: number; cutoff: number; rest: Record<string, unknown>; query: string; choices: readonly string[]; process?: (s: string) => string } {
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
  const process = readProcessor(fn, o);
  if (prepared) {
    if (process) {
      throw rangeError(
        ERROR_CODES.OPTION,
        `${fn}: a processor cannot apply to prepared choices (they were packed as given); prepare the processed strings instead`,
      );
    }
    // Only the long choices can be over the size limit; they are kept for this check.
    const { longest, long } = preparedParts(choices);
    if (query.length * longest > MAX_CELLS) for (const [, c] of long) checkSize(fn, query, c);
    return { weight, cutoff, rest: o, query, choices: [] }; // the choices stay packed
  }
  const q = process ? process(query) : query;
  const processed: string[] | undefined = process ? new Array(choices.length) : undefined;
  // The longest choice within the size limit for q (checkSize is called only past it: this loop
  // runs once per choice of every call, so it is kept to a type check and one compare).
  const longest = q.length === 0 ? Infinity : MAX_CELLS / q.length;
  for (let i = 0; i < choices.length; i++) {
    const c: unknown = choices[i];
    if (typeof c !== 'string') {
      throw typeError(ERROR_CODES.ARGUMENT, `${fn}: choices[${i}] must be a string, got ${describe(c)}`);
    }
    const p = processed ? (processed[i] = process!(c)) : c;
    if (p.length > longest) checkSize(fn, q, p);
  }
  return { weight, cutoff, rest: o, query: q, choices: processed ?? (choices as string[]), process };
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
  // Each kernel function held in its own constant and called directly: at a few hundred
  // nanoseconds a call, a call site that sees one target (and can be inlined) is measurably
  // cheaper than a method looked up on one of two kernel objects.
  const jsLev = jsKernel.levenshtein;
  const jsLevSim = jsKernel.levenshteinSimilarity;
  const jsJaro = jsKernel.jaro;
  const jsJaroWinkler = jsKernel.jaroWinkler;
  const kLev = kernel.levenshtein;
  const kLevSim = kernel.levenshteinSimilarity;
  const kJaro = kernel.jaro;
  const kJaroWinkler = kernel.jaroWinkler;

  // The fast path of the common call, two short strings without options: nothing to read or
  // check beyond `typeof` (short pairs are far below the size limit), and a TypeScript kernel
  // called directly, the same function for every metrics object so the call site stays
  // monomorphic. It answers below the same lengths as `pairwiseJsBelow` (every length on the
  // TypeScript backend) and gives -1 for what it does not take (surrogates, empty or long
  // strings): those calls, and every bad argument, go the checked way below.
  const fastLev = kernel.name === 'native' ? levBelow : Infinity;
  const fastJaro = kernel.name === 'native' ? jaroBelow : Infinity;

  // Without options there is nothing to read: the defaults are known, and the checks that
  // remain (two strings, the size limit) are the ones every call makes.
  return {
    levenshtein(a, b, options) {
      if (options === undefined && typeof a === 'string' && typeof b === 'string' && a.length + b.length < fastLev) {
        const d = levenshteinShort(a, b);
        if (d >= 0) return d;
      }
      checkString('levenshtein', 'a', a);
      checkString('levenshtein', 'b', b);
      let max = -1;
      if (options !== undefined) {
        const o = readOptions('levenshtein', options, ['maxDistance', 'processor']);
        max = kernelMaxDistance(option('levenshtein', o, 'maxDistance', Infinity));
        const process = readProcessor('levenshtein', o);
        if (process) [a, b] = [process(a), process(b)];
      }
      checkSize('levenshtein', a, b);
      return a.length + b.length < levBelow ? jsLev(a, b, max) : kLev(a, b, max);
    },
    levenshteinSimilarity(a, b, options) {
      checkString('levenshteinSimilarity', 'a', a);
      checkString('levenshteinSimilarity', 'b', b);
      if (options !== undefined) {
        const process = readProcessor('levenshteinSimilarity', readOptions('levenshteinSimilarity', options, ['processor']));
        if (process) [a, b] = [process(a), process(b)];
      }
      checkSize('levenshteinSimilarity', a, b);
      return a.length + b.length < levBelow ? jsLevSim(a, b) : kLevSim(a, b);
    },
    jaro(a, b, options) {
      if (options === undefined && typeof a === 'string' && typeof b === 'string' && a.length + b.length < fastJaro) {
        const sim = jaroShortPair(a, b);
        if (sim >= 0) return sim;
      }
      checkString('jaro', 'a', a);
      checkString('jaro', 'b', b);
      let min = 0;
      if (options !== undefined) {
        const o = readOptions('jaro', options, ['minSimilarity', 'processor']);
        min = option('jaro', o, 'minSimilarity', 0);
        const process = readProcessor('jaro', o);
        if (process) [a, b] = [process(a), process(b)];
      }
      checkSize('jaro', a, b);
      return a.length + b.length < jaroBelow ? jsJaro(a, b, min) : kJaro(a, b, min);
    },
    jaroWinkler(a, b, options) {
      if (options === undefined && typeof a === 'string' && typeof b === 'string' && a.length + b.length < fastJaro) {
        const sim = jaroWinklerShortPair(a, b);
        if (sim >= 0) return sim;
      }
      checkString('jaroWinkler', 'a', a);
      checkString('jaroWinkler', 'b', b);
      let weight = 0.1;
      let min = 0;
      if (options !== undefined) {
        const o = readOptions('jaroWinkler', options, ['minSimilarity', 'prefixWeight', 'processor']);
        weight = option('jaroWinkler', o, 'prefixWeight', 0.1);
        min = option('jaroWinkler', o, 'minSimilarity', 0);
        const process = readProcessor('jaroWinkler', o);
        if (process) [a, b] = [process(a), process(b)];
      }
      checkSize('jaroWinkler', a, b);
      return a.length + b.length < jaroBelow ? jsJaroWinkler(a, b, weight, min) : kJaroWinkler(a, b, weight, min);
    },
    scoreMany(metric, query, choices, options) {
      const args = scoreManyArgs('scoreMany', metric, query, choices, options);
      if (isPrepared(choices)) {
        const p = preparedParts(choices);
        const out = new Float64Array(choices.size);
        if (choices.size > 0) p.kernel.scoreManyPrepared(metric, args.query, p.packed, args.weight, args.cutoff, out);
        return out;
      }
      const out = new Float64Array(choices.length);
      if (choices.length > 0) kernel.scoreMany(metric, args.query, args.choices, args.weight, args.cutoff, out);
      return out;
    },
    prepare(choices) {
      return prepareWith(kernel, choices);
    },
  };
}
