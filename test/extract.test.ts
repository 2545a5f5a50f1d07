// issue 12: extract / extractOne over a plain list, and closest* and the dispatch task with
// every metric: exact (equal to scoring every choice with the pairwise function and sorting,
// ties to the lower index), on both backends.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { connect } from '../src/dispatch/index.js';
import {
  ALL_METRICS,
  Corpus,
  damerauLevenshtein,
  damerauLevenshteinSimilarity,
  extract,
  extractOne,
  hamming,
  hammingSimilarity,
  indel,
  jaro,
  jaroWinkler,
  levenshtein,
  levenshteinSimilarity,
  longestCommonSubsequence,
  osa,
  osaSimilarity,
  ratio,
  type AnyMetric,
} from '../src/index.js';
import { backendNames } from './helpers/backends.js';

const SEED = Number(process.env.STRDIST_SEED ?? 20261201);

const DISTANCES = new Set<AnyMetric>(['levenshtein', 'indel', 'hamming', 'osa', 'damerauLevenshtein']);
const PAIRWISE: Record<AnyMetric, (a: string, b: string, pad: boolean) => number> = {
  levenshtein: (a, b) => levenshtein(a, b),
  levenshteinSimilarity: (a, b) => levenshteinSimilarity(a, b),
  jaro: (a, b) => jaro(a, b),
  jaroWinkler: (a, b) => jaroWinkler(a, b),
  indel: (a, b) => indel(a, b),
  ratio: (a, b) => ratio(a, b),
  longestCommonSubsequence: (a, b) => longestCommonSubsequence(a, b),
  hamming: (a, b, pad) => hamming(a, b, { pad }),
  hammingSimilarity: (a, b, pad) => hammingSimilarity(a, b, { pad }),
  osa: (a, b) => osa(a, b),
  osaSimilarity: (a, b) => osaSimilarity(a, b),
  damerauLevenshtein: (a, b) => damerauLevenshtein(a, b),
  damerauLevenshteinSimilarity: (a, b) => damerauLevenshteinSimilarity(a, b),
};

interface Cut {
  n: number;
  minScore?: number;
  maxDistance?: number;
  pad?: boolean;
}

/** Scores every choice with the pairwise function, filters, sorts: the definition of extract. */
function brute(query: string, choices: readonly string[], metric: AnyMetric, cut: Cut) {
  const lower = DISTANCES.has(metric);
  const len = (s: string) => Array.from(s).length;
  const all = choices
    .map((word, index) => ({ word, index }))
    .filter(({ word }) => !(metric.startsWith('hamming') && !cut.pad && len(word) !== len(query)))
    .map(({ word, index }) => ({ word, score: PAIRWISE[metric](query, word, cut.pad ?? false), index }))
    .filter(({ score }) =>
      lower ? cut.maxDistance === undefined || score <= cut.maxDistance : metric === 'longestCommonSubsequence' || score >= (cut.minScore ?? 0),
    );
  all.sort((x, y) => (x.score === y.score ? x.index - y.index : lower ? x.score - y.score : y.score - x.score));
  return all.slice(0, cut.n);
}

function options(metric: AnyMetric, cut: Cut) {
  const o: Record<string, unknown> = { metric, n: cut.n };
  if (DISTANCES.has(metric) && cut.maxDistance !== undefined) o.maxDistance = cut.maxDistance;
  if (!DISTANCES.has(metric) && metric !== 'longestCommonSubsequence' && cut.minScore !== undefined) o.minScore = cut.minScore;
  if (metric.startsWith('hamming') && cut.pad !== undefined) o.pad = cut.pad;
  return o;
}

const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd', 'é', '😀'), maxLength: 9 });
const longWord = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '😀'), minLength: 60, maxLength: 140 });
const cuts = fc.record(
  {
    n: fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constant(Infinity)),
    minScore: fc.double({ min: 0, max: 1, noNaN: true }),
    maxDistance: fc.nat(6),
    pad: fc.boolean(),
  },
  { requiredKeys: ['n'] },
);

describe.each(backendNames)('extract and extractOne (%s backend)', (backend) => {
  it('equal scoring every choice and sorting, for every metric', () => {
    fc.assert(
      fc.property(word, fc.array(fc.oneof(word, { arbitrary: longWord, weight: 1 }), { maxLength: 40 }), cuts, (q, choices, cut) => {
        for (const metric of ALL_METRICS) {
          const want = brute(q, choices, metric, cut);
          const o = { ...options(metric, cut), backend };
          const tag = JSON.stringify([q, choices, o]);
          expect(extract(q, choices, o), tag).toEqual(want);
          const { n: _n, ...one } = o;
          expect(extractOne(q, choices, one), tag).toEqual(brute(q, choices, metric, { ...cut, n: 1 })[0]);
        }
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('keeps duplicates at their own positions, and index points into choices', () => {
    const choices = ['bagel', 'x', 'bagel', 'bagels', 'bagel'];
    expect(extract('bagel', choices, { metric: 'osa', n: 3, backend })).toEqual([
      { word: 'bagel', score: 0, index: 0 },
      { word: 'bagel', score: 0, index: 2 },
      { word: 'bagel', score: 0, index: 4 },
    ]);
    expect(extract('bagel', choices, { metric: 'levenshtein', n: 4, backend }).map((m) => m.index)).toEqual([0, 2, 4, 3]);
  });

  it('hamming skips choices of another length unless pad is true; LCS ranks higher first', () => {
    const choices = ['abcd', 'abc', 'abxd', 'abcde', 'zzzz'];
    expect(extract('abcd', choices, { metric: 'hamming', n: 10, backend })).toEqual([
      { word: 'abcd', score: 0, index: 0 },
      { word: 'abxd', score: 1, index: 2 },
      { word: 'zzzz', score: 4, index: 4 },
    ]);
    expect(extract('abcd', choices, { metric: 'hamming', n: 3, pad: true, backend })).toEqual([
      { word: 'abcd', score: 0, index: 0 },
      { word: 'abc', score: 1, index: 1 },
      { word: 'abxd', score: 1, index: 2 },
    ]);
    expect(extract('abcd', choices, { metric: 'longestCommonSubsequence', n: 2, backend })).toEqual([
      { word: 'abcd', score: 4, index: 0 },
      { word: 'abcde', score: 4, index: 3 },
    ]);
    expect(extractOne('abcd', ['zz'], { metric: 'hamming', backend })).toBeUndefined();
  });

  it('refuses cutoffs the metric does not take, and n in extractOne', () => {
    expect(() => extract('a', ['b'], { metric: 'osa', minScore: 0.5, backend })).toThrow(/minScore is for similarity metrics/);
    expect(() => extract('a', ['b'], { metric: 'ratio', maxDistance: 1, backend })).toThrow(/maxDistance is for distances/);
    expect(() => extract('a', ['b'], { metric: 'longestCommonSubsequence', minScore: 0.5, backend })).toThrow(/longestCommonSubsequence/);
    expect(() => extract('a', ['b'], { metric: 'jaro', pad: true, backend })).toThrow(/pad is for hamming/);
    expect(() => extractOne('a', ['b'], { n: 2 } as never)).toThrow(/extractOne: unknown option "n"/);
    expect(() => extract('a', ['b', 3] as never)).toThrow(/extract: choices\[1\] must be a string, got number 3/);
  });
});

describe.each(backendNames)('closest* with every metric (%s backend)', (backend) => {
  const words = ['bagel', 'bagels', 'barge', 'label', 'gable', 'bagel', 'abgel', '😀agel', '', 'lebag', 'baegl'];
  const corpus = Corpus.from(words);
  it('closest, closestMany and closestSync equal the brute force (first occurrences kept)', async () => {
    const firsts = words.filter((w, i) => words.indexOf(w) === i);
    for (const metric of ALL_METRICS) {
      for (const q of ['bagel', 'agleb', '😀']) {
        const want = brute(q, firsts, metric, { n: 5, pad: true }).map((m) => ({ ...m, index: words.indexOf(m.word) }));
        const o = { metric, n: 5, backend, ...(metric.startsWith('hamming') ? { pad: true } : {}) };
        expect(await corpus.closest(q, o), `${metric} ${q}`).toEqual(want);
        expect(corpus.closestSync(q, o), `${metric} ${q}`).toEqual(want);
        expect((await corpus.closestMany([q, q], o))[1], `${metric} ${q}`).toEqual(want);
      }
    }
  });
});

describe('the dispatch task closest with every metric (embedded dispatcher)', () => {
  it('returns what corpus.closestMany returns, whole and in 3 shards', async () => {
    const d = connect();
    try {
      const words = Array.from({ length: 300 }, (_, i) => `w${(i * 7919) % 1000}x${i % 13}`);
      const corpus = Corpus.from(words);
      for (const shards of [1, 3]) {
        const ref = await d.putCorpus(corpus, { shards });
        for (const metric of ALL_METRICS) {
          const args = { corpus: ref.id, queries: ['w123x4', 'w9x1'], n: 6, metric, ...(metric.startsWith('hamming') ? { pad: true } : {}) };
          const [got] = await d.join<'closest'>([await d.call('closest', args, { require: 'any' })]);
          const { corpus: _c, queries, ...o } = args;
          expect(got, `${metric}, ${shards} shards`).toEqual(await corpus.closestMany(queries, o));
        }
      }
    } finally {
      await d.close();
    }
  });
});
