import type { Metric } from '../../src/kernel.js';
import { refJaro, refJaroWinkler, refLevenshtein, refLevenshteinSimilarity } from './reference.js';

export interface BruteOptions {
  n: number;
  metric: Metric;
  minScore?: number;
  maxDistance?: number;
  prefixWeight?: number;
}

export function refScore(metric: Metric, a: string, b: string, prefixWeight = 0.1): number {
  switch (metric) {
    case 'levenshtein':
      return refLevenshtein(a, b);
    case 'levenshteinSimilarity':
      return refLevenshteinSimilarity(a, b);
    case 'jaro':
      return refJaro(a, b);
    case 'jaroWinkler':
      return refJaroWinkler(a, b, prefixWeight);
  }
}

/**
 * Score every word, sort (best first, ties by lower index), cut, take n. A word that occurred
 * earlier in the list is skipped (a corpus keeps first occurrences), and `index` is the
 * position in the list given.
 */
export function bruteClosest(
  words: readonly string[],
  query: string,
  o: BruteOptions,
  score: (a: string, b: string) => number = (a, b) => refScore(o.metric, a, b, o.prefixWeight),
) {
  const lower = o.metric === 'levenshtein';
  const seen = new Set<string>();
  const all = words.flatMap((word, index) => {
    if (seen.has(word)) return [];
    seen.add(word);
    return [{ word, score: score(query, word), index }];
  });
  const kept = all.filter((m) =>
    lower ? o.maxDistance === undefined || o.maxDistance === -1 || m.score <= o.maxDistance : m.score >= (o.minScore ?? 0),
  );
  kept.sort((x, y) => (x.score === y.score ? x.index - y.index : lower ? x.score - y.score : y.score - x.score));
  return kept.slice(0, o.n);
}
