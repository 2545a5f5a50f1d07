// issue 12: the added metrics' search over a list of words: every word scored with the
// metric's cached bit-parallel scorer in one crossing (scoreMany), where a distance's cutoff
// first rejects words on their length alone (|len(q) - len(w)| > maxDistance), then the n best
// kept in a bounded heap, ties to the lower index.
import type { ExtraKernel } from './kernel.js';
import { EXTRA_METRIC_IDS, isDistanceMetric } from './kernel.js';
import type { RawMatches } from './backend/js/corpus.js';
import type { SearchOptions } from './options.js';

export function isExtraMetric(metric: string): boolean {
  return Object.prototype.hasOwnProperty.call(EXTRA_METRIC_IDS, metric);
}

/**
 * The `n` best of `scores` (lower is better for distances), best first, ties to the lower
 * index; `pass` says which scores count at all.
 */
export function selectBest(
  scores: Float64Array,
  n: number,
  lower: boolean,
  pass: (s: number) => boolean,
): { scores: number[]; indices: number[] } {
  // better(i, j): i ranks before j.
  const better = lower
    ? (i: number, j: number) => scores[i] < scores[j] || (scores[i] === scores[j] && i < j)
    : (i: number, j: number) => scores[i] > scores[j] || (scores[i] === scores[j] && i < j);
  const heap: number[] = []; // the worst kept at heap[0]
  const count = scores.length;
  for (let i = 0; i < count; i++) {
    if (!pass(scores[i])) continue;
    if (heap.length < n) {
      heap.push(i);
      let k = heap.length - 1;
      while (k > 0) {
        const parent = (k - 1) >> 1;
        if (!better(heap[parent], heap[k])) break;
        const t = heap[parent];
        heap[parent] = heap[k];
        heap[k] = t;
        k = parent;
      }
    } else if (n > 0 && better(i, heap[0])) {
      heap[0] = i;
      let k = 0;
      for (;;) {
        const l = 2 * k + 1;
        const r = l + 1;
        let worst = k;
        if (l < heap.length && better(heap[worst], heap[l])) worst = l;
        if (r < heap.length && better(heap[worst], heap[r])) worst = r;
        if (worst === k) break;
        const t = heap[worst];
        heap[worst] = heap[k];
        heap[k] = t;
        k = worst;
      }
    }
  }
  heap.sort((i, j) => (better(i, j) ? -1 : better(j, i) ? 1 : 0));
  return { scores: heap.map((i) => scores[i]), indices: heap };
}

/** The added metrics' search of `query` over `words`: indices into `words`. */
export function searchExtra(words: readonly string[], query: string, p: SearchOptions, kernel: ExtraKernel): RawMatches {
  const scores = new Float64Array(words.length);
  const metric = p.metric;
  const distance = isDistanceMetric(metric);
  const hamming = metric === 'hamming' || metric === 'hammingSimilarity';
  // -1 marks a hamming choice of another length without pad: skipped.
  const cutoff = distance ? p.maxDistance : metric === 'longestCommonSubsequence' ? -1 : p.minScore;
  if (words.length > 0) kernel.scoreManyAny(metric, query, words, hamming && p.pad ? 1 : 0, cutoff, scores);
  let pass: (s: number) => boolean;
  if (distance) {
    const max = p.maxDistance;
    pass = max < 0 ? (s) => s >= 0 : (s) => s >= 0 && s <= max;
  } else {
    const min = p.minScore;
    pass = (s) => s >= 0 && s >= min;
  }
  const best = selectBest(scores, p.n, distance, pass);
  return { scores: best.scores, indices: best.indices, visited: words.length, scored: words.length };
}

