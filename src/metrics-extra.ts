// issue 12: the pairwise functions of the added metrics and scoreMany over every metric. The
// same conventions as src/metrics.ts: strict options from src/options.ts, one set of checks and
// messages for both backends, distances cut off at maxDistance (maxDistance + 1 past it) and
// similarities at minSimilarity (0 below it).
import type { AnyMetric, ExtraKernel, Kernel } from './kernel.js';
import { isDistanceMetric } from './kernel.js';
import { jsExtraKernel } from './backend/js-extra.js';
import { ERROR_CODES, describe, isArray, rangeError, typeError } from './errors.js';
import { MAX_CELLS, checkString, readProcessor, type Metrics } from './metrics.js';
import { OPTION_RULES, checkMetricConflict, kernelMaxDistance, option, readOptions, type Weights } from './options.js';
import { codePointLength } from './backend/js/text.js';
import { isPrepared, type PreparedChoices } from './prepared.js';

export interface DistanceOptions {
  /**
   * Stop once the distance is known to exceed this; the result is then `maxDistance + 1`.
   * A non-negative integer, or `Infinity`.
   * @defaultValue Infinity
   */
  maxDistance?: number;
}

export interface SimilarityOptions {
  /**
   * Scores below this come back as 0. In [0, 1].
   * @defaultValue 0
   */
  minSimilarity?: number;
}

export interface HammingOptions extends DistanceOptions {
  /**
   * Compare strings of different lengths: each code point past the shorter one's end counts as
   * a mismatch (RapidFuzz's `pad=True`). Without it, different lengths are a RangeError
   * (`ERR_STRDIST_LENGTH_MISMATCH`).
   * @defaultValue false
   */
  pad?: boolean;
}

export interface HammingSimilarityOptions extends SimilarityOptions {
  /** See {@link HammingOptions.pad}. @defaultValue false */
  pad?: boolean;
}

export interface WeightedLevenshteinOptions extends DistanceOptions {
  /**
   * Costs of the edits, non-negative integers up to 2^20: `insert` (a code point inserted into
   * `a` on the way to `b`), `delete` (one deleted from `a`), `substitute`. A left-out key is 1.
   * @defaultValue { insert: 1, delete: 1, substitute: 1 }
   */
  weights?: Partial<Weights>;
}

export interface ScoreManyAnyOptions extends DistanceOptions, SimilarityOptions {
  /** For `jaroWinkler`. */
  prefixWeight?: number;
  /** For `hamming` and `hammingSimilarity`. */
  pad?: boolean;
}

export interface ExtraMetrics {
  indel(a: string, b: string, options?: DistanceOptions): number;
  ratio(a: string, b: string, options?: SimilarityOptions): number;
  longestCommonSubsequence(a: string, b: string, options?: Record<string, never>): number;
  hamming(a: string, b: string, options?: HammingOptions): number;
  hammingSimilarity(a: string, b: string, options?: HammingSimilarityOptions): number;
  osa(a: string, b: string, options?: DistanceOptions): number;
  osaSimilarity(a: string, b: string, options?: SimilarityOptions): number;
  damerauLevenshtein(a: string, b: string, options?: DistanceOptions): number;
  damerauLevenshteinSimilarity(a: string, b: string, options?: SimilarityOptions): number;
  /** `levenshtein` with `weights` as well as `maxDistance`. */
  levenshtein(a: string, b: string, options?: WeightedLevenshteinOptions): number;
  /** Prepared choices (`prepare`) serve the core four metrics. */
  scoreMany(metric: AnyMetric, query: string, choices: readonly string[] | PreparedChoices, options?: ScoreManyAnyOptions): Float64Array;
}

function checkSize(fn: string, a: string, b: string): void {
  if (a.length * b.length > MAX_CELLS && a !== b) {
    throw rangeError(
      ERROR_CODES.TOO_LARGE,
      `${fn}: strings too long: ${a.length} x ${b.length} UTF-16 units is over the limit of 2^36 cells`,
    );
  }
}

export function lengthMismatch(fn: string, what: string, la: number, lb: number): RangeError {
  return rangeError(
    ERROR_CODES.LENGTH_MISMATCH,
    `${fn}: ${what} must have the same length in code points unless pad is true, got ${la} and ${lb}`,
  );
}

function checkHamming(fn: string, a: string, b: string, pad: boolean): void {
  if (pad) return;
  const la = codePointLength(a);
  const lb = codePointLength(b);
  if (la !== lb) throw lengthMismatch(fn, 'a and b', la, lb);
}

/**
 * Hamming distance (padded) of two strings without surrogates, read unit by unit in one pass;
 * -1 when either has a surrogate (then code points and UTF-16 units differ: the kernels decode).
 * Hamming is one compare per character, so crossing into native code would cost more than the
 * work: the public functions answer such pairs here, with the same result as both kernels.
 */
function hammingBmp(a: string, b: string): number {
  const la = a.length;
  const lb = b.length;
  const n = la < lb ? la : lb;
  let d = la > lb ? la - lb : lb - la;
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if ((x & 0xf800) === 0xd800 || (y & 0xf800) === 0xd800) return -1;
    if (x !== y) d++;
  }
  const longer = la > lb ? a : b;
  for (let i = n; i < longer.length; i++) if ((longer.charCodeAt(i) & 0xf800) === 0xd800) return -1;
  return d;
}

const DISTANCE = ['maxDistance'];
const SIMILARITY = ['minSimilarity'];

/**
 * The added metrics over either backend. `core` is the metrics object of src/metrics.ts (for
 * levenshtein without weights and scoreMany of the core metrics); `jsBelow` is the combined
 * UTF-16 length below which a native backend answers a pair with the TypeScript kernel.
 */
export function createExtraMetrics(kernel: Kernel, extra: ExtraKernel, core: Metrics, jsBelow = 0): ExtraMetrics {
  const below = extra === jsExtraKernel ? 0 : jsBelow;
  const pick = (a: string, b: string): ExtraKernel => (a.length + b.length < below ? jsExtraKernel : extra);

  /** Checks a pair and its options; the strings come back processed (the `processor` option). */
  function pair(fn: string, a: unknown, b: unknown, options: unknown, allowed: readonly string[]): [Record<string, unknown>, string, string] {
    checkString(fn, 'a', a);
    checkString(fn, 'b', b);
    const o = readOptions(fn, options, [...allowed, 'processor']);
    const process = readProcessor(fn, o);
    return process ? [o, process(a), process(b)] : [o, a, b];
  }
  const max = (fn: string, o: Record<string, unknown>) => kernelMaxDistance(option(fn, o, 'maxDistance', Infinity));
  const min = (fn: string, o: Record<string, unknown>) => option(fn, o, 'minSimilarity', 0);

  return {
    indel(a, b, options) {
      let o: Record<string, unknown>;
      [o, a, b] = pair('indel', a, b, options, DISTANCE);
      const m = max('indel', o);
      checkSize('indel', a, b);
      return pick(a, b).indel(a, b, m);
    },
    ratio(a, b, options) {
      let o: Record<string, unknown>;
      [o, a, b] = pair('ratio', a, b, options, SIMILARITY);
      const m = min('ratio', o);
      checkSize('ratio', a, b);
      return pick(a, b).ratio(a, b, m);
    },
    longestCommonSubsequence(a, b, options) {
      [, a, b] = pair('longestCommonSubsequence', a, b, options, []);
      checkSize('longestCommonSubsequence', a, b);
      return pick(a, b).longestCommonSubsequence(a, b);
    },
    hamming(a, b, options) {
      let o: Record<string, unknown>;
      [o, a, b] = pair('hamming', a, b, options, ['pad', 'maxDistance']);
      const pad = option('hamming', o, 'pad', false);
      const m = max('hamming', o);
      const d = hammingBmp(a, b);
      if (d >= 0) {
        if (!pad && a.length !== b.length) throw lengthMismatch('hamming', 'a and b', a.length, b.length);
        return m >= 0 && d > m ? m + 1 : d;
      }
      checkHamming('hamming', a, b, pad);
      return pick(a, b).hamming(a, b, pad, m);
    },
    hammingSimilarity(a, b, options) {
      let o: Record<string, unknown>;
      [o, a, b] = pair('hammingSimilarity', a, b, options, ['pad', 'minSimilarity']);
      const pad = option('hammingSimilarity', o, 'pad', false);
      const m = min('hammingSimilarity', o);
      const d = hammingBmp(a, b);
      if (d >= 0) {
        if (!pad && a.length !== b.length) throw lengthMismatch('hammingSimilarity', 'a and b', a.length, b.length);
        const longer = a.length > b.length ? a.length : b.length;
        const sim = longer === 0 ? 1 : 1 - d / longer;
        return sim >= m ? sim : 0;
      }
      checkHamming('hammingSimilarity', a, b, pad);
      return pick(a, b).hammingSimilarity(a, b, pad, m);
    },
    osa(a, b, options) {
      let o: Record<string, unknown>;
      [o, a, b] = pair('osa', a, b, options, DISTANCE);
      const m = max('osa', o);
      checkSize('osa', a, b);
      return pick(a, b).osa(a, b, m);
    },
    osaSimilarity(a, b, options) {
      let o: Record<string, unknown>;
      [o, a, b] = pair('osaSimilarity', a, b, options, SIMILARITY);
      const m = min('osaSimilarity', o);
      checkSize('osaSimilarity', a, b);
      return pick(a, b).osaSimilarity(a, b, m);
    },
    damerauLevenshtein(a, b, options) {
      let o: Record<string, unknown>;
      [o, a, b] = pair('damerauLevenshtein', a, b, options, DISTANCE);
      const m = max('damerauLevenshtein', o);
      checkSize('damerauLevenshtein', a, b);
      return pick(a, b).damerauLevenshtein(a, b, m);
    },
    damerauLevenshteinSimilarity(a, b, options) {
      let o: Record<string, unknown>;
      [o, a, b] = pair('damerauLevenshteinSimilarity', a, b, options, SIMILARITY);
      const m = min('damerauLevenshteinSimilarity', o);
      checkSize('damerauLevenshteinSimilarity', a, b);
      return pick(a, b).damerauLevenshteinSimilarity(a, b, m);
    },
    levenshtein(a, b, options) {
      if (options === undefined) return core.levenshtein(a, b); // the same checks, made once
      let o: Record<string, unknown>;
      [o, a, b] = pair('levenshtein', a, b, options, ['maxDistance', 'weights']);
      if (o.weights === undefined) return core.levenshtein(a, b, o.maxDistance === undefined ? undefined : { maxDistance: o.maxDistance as number });
      const w = option('levenshtein', o, 'weights', { insert: 1, delete: 1, substitute: 1 });
      const m = max('levenshtein', o);
      checkSize('levenshtein', a, b);
      if (w.insert === 1 && w.delete === 1 && w.substitute === 1) return core.levenshtein(a, b, o.maxDistance === undefined ? undefined : { maxDistance: o.maxDistance as number });
      return pick(a, b).levenshteinWeighted(a, b, w.insert, w.delete, w.substitute, m);
    },
    scoreMany(metric, query, choices, options) {
      const fn = 'scoreMany';
      OPTION_RULES.metric.check(fn, 'metric', metric);
      if (!extraOnly(metric)) return core.scoreMany(metric as never, query, choices, options as never); // the core four, as before
      checkString(fn, 'query', query);
      if (isPrepared(choices)) {
        throw typeError(
          ERROR_CODES.ARGUMENT,
          `${fn}: prepared choices serve the metrics levenshtein, levenshteinSimilarity, jaro and jaroWinkler; ${metric} takes an array of strings`,
        );
      }
      if (!isArray(choices)) {
        throw typeError(ERROR_CODES.ARGUMENT, `${fn}: choices must be an array of strings, got ${describe(choices)}`);
      }
      const o = readOptions(fn, options, ['maxDistance', 'minSimilarity', 'prefixWeight', 'pad', 'processor']);
      const process = readProcessor(fn, o);
      if (process) {
        query = process(query);
        choices = choices.map((c, i) => {
          if (typeof c !== 'string') throw typeError(ERROR_CODES.ARGUMENT, `${fn}: choices[${i}] must be a string, got ${describe(c)}`);
          return process(c);
        });
      }
      const given = o.maxDistance === Infinity ? { ...o, maxDistance: undefined } : o;
      checkMetricConflict(fn, metric, given, 'minSimilarity');
      const cutoff = isDistanceMetric(metric) ? max(fn, o) : min(fn, o);
      const pad = option(fn, o, 'pad', false);
      const ql = metric === 'hamming' || metric === 'hammingSimilarity' ? codePointLength(query) : 0;
      for (let i = 0; i < choices.length; i++) {
        const c: unknown = choices[i];
        if (typeof c !== 'string') {
          throw typeError(ERROR_CODES.ARGUMENT, `${fn}: choices[${i}] must be a string, got ${describe(c)}`);
        }
        checkSize(fn, query, c);
        if ((metric === 'hamming' || metric === 'hammingSimilarity') && !pad) {
          const cl = codePointLength(c);
          if (cl !== ql) throw lengthMismatch(fn, `query and choices[${i}]`, ql, cl);
        }
      }
      const out = new Float64Array(choices.length);
      if (choices.length > 0) extra.scoreManyAny(metric, query, choices, pad ? 1 : 0, cutoff, out);
      return out;
    },
  };
}

function extraOnly(metric: AnyMetric): boolean {
  return !(metric === 'levenshtein' || metric === 'levenshteinSimilarity' || metric === 'jaro' || metric === 'jaroWinkler');
}
