// Exactness of the closest-word search: native (several thread counts) and TypeScript equal a
// brute-force scan of every word, on random corpora and on a real word list.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Corpus, type ClosestOptions } from '../src/corpus.js';
import { METRICS, type Metric } from '../src/kernel.js';
import { bruteClosest } from './helpers/brute.js';
import { addon, js, native } from './helpers/backends.js';

const SEED = Number(process.env.STRDIST_SEED ?? 20261125);
const SCALE = Number(process.env.STRDIST_PARITY_SCALE ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));

const cp = (min: number, max: number) => fc.integer({ min, max }).map((c) => String.fromCodePoint(c));
const unit = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom('a', 'b', 'c', 'd') },
  { weight: 3, arbitrary: cp(0x61, 0x7a) },
  { weight: 1, arbitrary: cp(0xe0, 0xff) },
  { weight: 1, arbitrary: cp(0x1f600, 0x1f60f) },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
);
const word = fc.oneof(
  { weight: 10, arbitrary: fc.string({ unit, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit, minLength: 60, maxLength: 140 }) },
);

type Variant = { label: string; options: Partial<ClosestOptions> };
// The native variants only where the addon loads (this install's backends).
const variants: Variant[] = [
  { label: 'js', options: { backend: 'js' } },
  ...(addon
    ? ([
        { label: 'native, 1 thread', options: { backend: 'native', threads: 1 } },
        { label: 'native, 2 threads', options: { backend: 'native', threads: 2 } },
        { label: 'native, 7 threads', options: { backend: 'native', threads: 7 } },
      ] satisfies Variant[])
    : []),
];

const strip = (ms: { word: string; score: number; index: number }[]) => ms.map(({ word, score, index }) => ({ word, score, index }));

describe('closest: exact on random corpora', () => {
  it(`equals brute force for every metric, n, cutoff, backend and thread count (${runs(600)} corpora)`, async () => {
    // n and maxDistance take any non-negative integer and Infinity, with the same results on
    // every backend (huge values once reached the native code through an unchecked cast).
    await fc.assert(
      fc.asyncProperty(
        fc.array(word, { maxLength: 60 }),
        fc.array(word, { minLength: 1, maxLength: 3 }),
        fc.constantFrom(...METRICS),
        fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constantFrom(Infinity, 1e20, 2 ** 53, 2 ** 32)),
        fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
        fc.option(fc.oneof(fc.nat(8), fc.constantFrom(Infinity, 1e20, 2 ** 53, 2 ** 32 - 1, 2 ** 32)), { nil: undefined }),
        fc.constantFrom(0.1, 0.25, 0),
        async (words, queries, metric, n, minScore, maxDistance, prefixWeight) => {
          const corpus = Corpus.from(words);
          const o: ClosestOptions = { n, metric };
          if (metric === 'jaroWinkler') o.prefixWeight = prefixWeight;
          if (metric === 'levenshtein') o.maxDistance = maxDistance;
          else o.minScore = minScore;
          // Brute force over the list as given: indices are positions in it.
          const expected = queries.map((q) => bruteClosest(words, q, { ...o, n, metric }));
          for (const v of variants) {
            const got = await corpus.closestMany(queries, { ...o, ...v.options });
            expect(got, v.label).toEqual(expected);
            expect(strip(corpus.closestSync(queries[0], { ...o, ...v.options })), v.label).toEqual(expected[0]);
          }
        },
      ),
      { seed: SEED, numRuns: runs(600) },
    );
  });
});

// A real word list (the bundled one), cut to 20,000 words so brute force stays quick, plus
// words of repeated letters that stress the saturated character counters.
const bundled = gunzipSync(readFileSync(join(__dirname, '..', 'data', 'words.txt.gz'))).toString('utf8').split('\n').filter(Boolean);
const repeats = ['aaaaaaa', 'aaaabbbb', 'eeeeeeeeee', 'mississippi', 'sassafrass', 'bookkeeper', 'aaaaaaaaaaaaaaaaaaaa', 'ßßßßß', '😀😀😀😀😀'];
const big = Corpus.from([...bundled.filter((_, i) => i % 5 === 0), ...repeats]);
const queries = ['bagel', 'cheese', 'aaaaaa', 'mississipi', 'xyzzy', 'the', '', 'internationalization', 'sassafras', 'Zürich', '😀😀😀', 'qu'];

describe(`closest: exact on a real word list (${big.size} words)`, () => {
  it.each(METRICS.map((m) => [m]))('%s', async (metric: Metric) => {
    // brute force through the (separately verified, parity.test.ts) scoreMany: native's where it
    // loads, else the TypeScript one
    const scored = (q: string) => {
      const out = new Float64Array(big.size);
      (native ?? js).scoreMany(metric, q, big.words, 0.1, -1, out);
      return out;
    };
    for (const n of [1, 10, 50]) {
      for (const q of queries) {
        const s = scored(q);
        const all = big.words.map((word, index) => ({ word, score: s[index], index }));
        const lower = metric === 'levenshtein';
        all.sort((x, y) => (x.score === y.score ? x.index - y.index : lower ? x.score - y.score : y.score - x.score));
        const want = all.slice(0, n);
        for (const v of variants) {
          expect(await big.closest(q, { n, metric, ...v.options }), `${v.label} ${q} n=${n}`).toEqual(want);
        }
      }
    }
  });
});

// The native search on the calling thread writes its matches into arrays reused from call to
// call when they surely fit (1,024 entries: the counts and the indices), else the addon builds
// them: both sides of that line, and the reuse (a call after a larger one), give the js answer.
describe('closest: a search on the calling thread, its matches in the reused arrays or not', () => {
  const words = bundled.filter((_, i) => i % 40 === 0).slice(0, 1_500);
  const corpus = Corpus.from(words);
  const qs = ['bagel', 'cheese'];
  it.each([
    ['in the reused arrays', 5],
    ['just in them (2 counts + 2 x 511 matches)', 511],
    ['just not (2 x 512)', 512],
    ['not (every word)', Infinity],
  ])('%s', async (_, n) => {
    for (const metric of METRICS) {
      const want = await corpus.closestMany(qs, { n, metric, backend: 'js' });
      expect(want[0].length).toBe(Math.min(n, corpus.size));
      for (const v of variants) {
        expect(await corpus.closestMany(qs, { n, metric, ...v.options }), `${v.label} ${metric}`).toEqual(want);
        expect(strip(corpus.closestSync(qs[1], { n, metric, ...v.options })), `${v.label} ${metric}`).toEqual(want[1]);
        // a small search right after: nothing of the larger one's matches left in it
        expect(await corpus.closest(qs[0], { n: 2, metric, ...v.options }), `${v.label} ${metric}`).toEqual(want[0].slice(0, 2));
      }
    }
  });
});

// Where the native search's bounds are tight (issue 11: best-first by bound, the
// first-character-aware Jaro-Winkler bound): ties across the n-th place, first code points that
// are equal, different, or different but alike under the index's 8-bit first-character hash
// (U+0061, U+0161, U+10061), astral ones, long queries, and n past the corpus size.
describe('closest: exact where the bounds are tight', () => {
  const rand = (() => {
    let a = SEED >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = Math.imul(a ^ (a >>> 15), a | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  })();
  const pick = (n: number) => Math.floor(rand() * n);
  const rotations: string[] = [];
  while (rotations.length < 5000) {
    const base = [...'stranger'];
    const r = pick(base.length);
    const w = [...base.slice(r), ...base.slice(0, r)];
    if (pick(2)) w[pick(w.length)] = String.fromCharCode(97 + pick(26));
    rotations.push(w.join(''));
  }
  const firsts = ['a', '\u0161', '\u{10061}', 'b', '😀', '😁'];
  const prefixed: string[] = [];
  for (let i = 0; i < 6000; i++) {
    const rest = [...'pple'];
    if (pick(3) === 0) {
      const [x, y] = [pick(4), pick(4)];
      [rest[x], rest[y]] = [rest[y], rest[x]];
    }
    prefixed.push(firsts[pick(firsts.length)] + rest.join('') + (pick(4) === 0 ? 's' : ''));
  }
  const cases: [string, string[], string[]][] = [
    ['ties across the n-th place', rotations, ['stranger', 'strange']],
    ['first characters: equal, different, hash-alike, astral', prefixed, ['apple', '😀plpe', '\u0161pple']],
    ['n past a tiny corpus', ['', 'a', 'ba'], ['', 'ab']],
  ];
  it.each(cases)('%s', async (_label, words, qs) => {
    const corpus = Corpus.from(words);
    for (const metric of METRICS) {
      for (const n of [1, 3, 10, words.length + 5]) {
        const o: ClosestOptions = { n, metric, ...(metric === 'jaroWinkler' ? { prefixWeight: 0.25 } : {}) };
        const expected = qs.map((q) => bruteClosest(words, q, { ...o, n, metric }));
        for (const v of variants) {
          expect(await corpus.closestMany(qs, { ...o, ...v.options }), `${v.label} ${metric} n=${n}`).toEqual(expected);
        }
      }
    }
  });
});
