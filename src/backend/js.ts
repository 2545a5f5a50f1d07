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

/** The pure-TypeScript kernel: the same algorithms as the addon, the same results to the bit. */
export const jsKernel: Kernel = Object.freeze({
  name: 'js' as const,
  levenshtein,
  levenshteinSimilarity,
  jaro,
  jaroWinkler,
  scoreMany,
});
