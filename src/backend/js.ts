import { ERROR_CODES, rangeError } from '../errors.js';
import type { Kernel, Metric } from '../kernel.js';
import {
  CachedJaro,
  CachedJaroWinkler,
  CachedLevenshtein,
  jaro,
  jaroWinkler,
  levenshtein,
  levenshteinSimilarity,
} from './js/index.js';

function scoreMany(
  metric: Metric,
  query: string,
  choices: readonly string[],
  param: number,
  cutoff: number,
  out: Float64Array,
): void {
  const n = choices.length;
  switch (metric) {
    case 'levenshtein': {
      const scorer = new CachedLevenshtein(query);
      for (let i = 0; i < n; i++) out[i] = scorer.distance(choices[i], cutoff);
      return;
    }
    case 'levenshteinSimilarity': {
      const scorer = new CachedLevenshtein(query);
      for (let i = 0; i < n; i++) out[i] = scorer.similarity(choices[i]);
      return;
    }
    case 'jaro': {
      const scorer = new CachedJaro(query);
      const min = cutoff < 0 ? 0 : cutoff;
      for (let i = 0; i < n; i++) out[i] = scorer.similarity(choices[i], min);
      return;
    }
    case 'jaroWinkler': {
      const scorer = new CachedJaroWinkler(query, param);
      const min = cutoff < 0 ? 0 : cutoff;
      for (let i = 0; i < n; i++) out[i] = scorer.similarity(choices[i], min);
      return;
    }
  }
}

/**
 * A typed array the kernel cannot allocate is V8's RangeError ("Array buffer allocation
 * failed"), without a code: it becomes the same coded error the native kernel throws.
 */
function outOfMemory(err: unknown): unknown {
  if (!(err instanceof RangeError) || 'code' in err) return err;
  const e = rangeError(ERROR_CODES.OUT_OF_MEMORY, 'strdist: out of memory for this input');
  e.cause = err;
  return e;
}

/** The pure-TypeScript kernel: the same algorithms as the addon, the same results to the bit. */
export const jsKernel: Kernel = Object.freeze({
  name: 'js' as const,
  levenshtein(a: string, b: string, max: number): number {
    try {
      return levenshtein(a, b, max);
    } catch (err) {
      throw outOfMemory(err);
    }
  },
  levenshteinSimilarity(a: string, b: string): number {
    try {
      return levenshteinSimilarity(a, b);
    } catch (err) {
      throw outOfMemory(err);
    }
  },
  jaro(a: string, b: string, min: number): number {
    try {
      return jaro(a, b, min);
    } catch (err) {
      throw outOfMemory(err);
    }
  },
  jaroWinkler(a: string, b: string, weight: number, min: number): number {
    try {
      return jaroWinkler(a, b, weight, min);
    } catch (err) {
      throw outOfMemory(err);
    }
  },
  scoreMany(metric: Metric, query: string, choices: readonly string[], param: number, cutoff: number, out: Float64Array): void {
    try {
      scoreMany(metric, query, choices, param, cutoff, out);
    } catch (err) {
      throw outOfMemory(err);
    }
  },
  prepare(choices: readonly string[]): unknown {
    return Object.freeze(choices.slice());
  },
  scoreManyPrepared(metric: Metric, query: string, prepared: unknown, param: number, cutoff: number, out: Float64Array): void {
    try {
      scoreMany(metric, query, prepared as readonly string[], param, cutoff, out);
    } catch (err) {
      throw outOfMemory(err);
    }
  },
});
