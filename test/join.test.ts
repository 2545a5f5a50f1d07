// Exactness of the fuzzy joins: corpus.join, selfJoin and dedupe on both backends (native with
// several thread counts) equal brute force (scoring every pair with the naive references) on
// random corpora (tie-heavy, astral and lone surrogates, duplicates kept or dropped), for every
// metric; and cancellation stops a join and leaves nothing behind.
import { getEventListeners } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Corpus } from '../src/corpus.js';
import { METRICS, type Metric } from '../src/kernel.js';
import type { FuzzyJoinOptions, JoinPair, JoinProgress, JoinRow } from '../src/join.js';
import { refScore } from './helpers/brute.js';
import { addon } from './helpers/backends.js';

const SEED = Number(process.env.STRDIST_SEED ?? 20261201);

const cp = (min: number, max: number) => fc.integer({ min, max }).map((c) => String.fromCodePoint(c));
const unit = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('a', 'b', 'c') }, // tie-heavy: a tiny alphabet
  { weight: 2, arbitrary: cp(0x61, 0x7a) },
  { weight: 1, arbitrary: cp(0x1f600, 0x1f603) }, // astral
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
);
const word = fc.oneof({ weight: 12, arbitrary: fc.string({ unit, maxLength: 9 }) }, { weight: 1, arbitrary: fc.string({ unit, minLength: 60, maxLength: 90 }) });
/** A word list with duplicates: some words repeated. */
const wordList = fc
  .tuple(fc.array(word, { maxLength: 70 }), fc.array(fc.nat(), { maxLength: 20 }))
  .map(([ws, dups]) => (ws.length ? [...ws, ...dups.map((d) => ws[d % ws.length])] : ws));

/** A threshold for the metric, some of them exactly on scores that occur (a tie at the cutoff passes). */
const threshold = (metric: Metric) =>
  metric === 'levenshtein'
    ? fc.record({ maxDistance: fc.constantFrom(0, 1, 2, 3, 70) })
    : fc.record({ minScore: fc.constantFrom(0, 0.5, 2 / 3, 0.75, 0.8, 0.85, 0.9, 1, 7 / 9) });

type Variant = { label: string; options: Partial<FuzzyJoinOptions> };
const variants: Variant[] = [
  { label: 'js', options: { backend: 'js' } },
  ...(addon
    ? ([
        { label: 'native, 1 thread', options: { backend: 'native', threads: 1 } },
        { label: 'native, 3 threads', options: { backend: 'native', threads: 3 } },
      ] satisfies Variant[])
    : []),
];

const passes = (metric: Metric, o: { minScore?: number; maxDistance?: number }, s: number) =>
  metric === 'levenshtein' ? s <= o.maxDistance! : s >= o.minScore!;

/** The corpus's words with their positions (first occurrences, or all when not deduped). */
function entries(words: string[], dedupe: boolean): { word: string; index: number }[] {
  const seen = new Set<string>();
  return words.flatMap((w, index) => {
    if (dedupe && seen.has(w)) return [];
    seen.add(w);
    return [{ word: w, index }];
  });
}

function bruteJoin(words: string[], dedupe: boolean, queries: { q: string; at: number }[], metric: Metric, o: { minScore?: number; maxDistance?: number }, pw?: number): JoinRow[] {
  const lower = metric === 'levenshtein';
  const es = entries(words, dedupe);
  const rows: JoinRow[] = [];
  for (const { q, at } of queries) {
    const ms = es.map((e) => ({ word: e.word, score: refScore(metric, q, e.word, pw), index: e.index })).filter((m) => passes(metric, o, m.score));
    ms.sort((x, y) => (x.score === y.score ? x.index - y.index : lower ? x.score - y.score : y.score - x.score));
    if (ms.length) rows.push({ queryIndex: at, query: q, matches: ms });
  }
  return rows;
}

function bruteSelf(words: string[], dedupe: boolean, metric: Metric, o: { minScore?: number; maxDistance?: number }, pw?: number): JoinPair[] {
  const es = entries(words, dedupe);
  const out: JoinPair[] = [];
  for (let a = 0; a < es.length; a++) {
    for (let b = a + 1; b < es.length; b++) {
      const score = refScore(metric, es[a].word, es[b].word, pw);
      if (passes(metric, o, score)) out.push({ i: es[a].index, j: es[b].index, score });
    }
  }
  return out;
}

function bruteClusters(words: string[], dedupe: boolean, pairs: JoinPair[], singletons: boolean): number[][] {
  const es = entries(words, dedupe);
  const parent = new Map<number, number>(es.map((e) => [e.index, e.index]));
  const find = (x: number): number => (parent.get(x) === x ? x : find(parent.get(x)!));
  for (const p of pairs) {
    const a = find(p.i);
    const b = find(p.j);
    if (a !== b) parent.set(Math.max(a, b), Math.min(a, b));
  }
  const by = new Map<number, number[]>();
  for (const e of es) {
    const r = find(e.index);
    if (!by.has(r)) by.set(r, []);
    by.get(r)!.push(e.index);
  }
  return [...by.values()].filter((c) => singletons || c.length > 1).sort((x, y) => x[0] - y[0]);
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const byPair = (a: JoinPair, b: JoinPair) => a.i - b.i || a.j - b.j;

describe.each(METRICS.map((m) => [m] as const))('joins equal brute force: %s', (metric) => {
  it('join, selfJoin and dedupe on random corpora, every backend', { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        wordList,
        fc.array(word, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        threshold(metric),
        fc.constantFrom(0.1, 0.25),
        async (words, extra, dedupe, o, pw) => {
          const corpus = Corpus.from(words, { dedupe });
          const prefix = metric === 'jaroWinkler' ? { prefixWeight: pw } : {};
          const queries = [...extra, ...words.slice(0, 4)];
          const expectedRows = bruteJoin(words, dedupe, queries.map((q, at) => ({ q, at })), metric, o, pw);
          const expectedPairs = bruteSelf(words, dedupe, metric, o, pw);
          const expectedClusters = bruteClusters(words, dedupe, expectedPairs, false);
          let first: JoinPair[] | undefined;
          for (const v of variants) {
            const opts = { metric, ...o, ...prefix, ...v.options };
            expect(await collect(corpus.join(queries, opts)), v.label).toEqual(expectedRows);
            const pairs = await collect(corpus.selfJoin(opts));
            for (const p of pairs) expect(p.i < p.j, v.label).toBe(true);
            expect([...pairs].sort(byPair), v.label).toEqual(expectedPairs.sort(byPair));
            // every backend streams the same pairs in the same order
            if (first) expect(pairs, v.label).toEqual(first);
            first ??= pairs;
            expect(await corpus.dedupe(opts), v.label).toEqual(expectedClusters);
          }
        },
      ),
      { numRuns: 60, seed: SEED },
    );
  });
});

describe('join details', () => {
  it('a Corpus as the queries: queryIndex is the query position (duplicates dropped)', async () => {
    const words = ['kitten', 'sitting', 'mitten', 'kitten', 'bitten', 'smitten'];
    const queries = Corpus.from(['mitten', 'zzz', 'mitten', 'sittin']);
    const expected = bruteJoin(words, true, [{ q: 'mitten', at: 0 }, { q: 'zzz', at: 1 }, { q: 'sittin', at: 3 }], 'levenshtein', { maxDistance: 1 });
    for (const v of variants) {
      expect(await collect(Corpus.from(words).join(queries, { metric: 'levenshtein', maxDistance: 1, ...v.options })), v.label).toEqual(expected);
    }
    expect(expected.map((r) => r.queryIndex)).toEqual([0, 3]);
  });

  it('queries may be any iterable, read lazily', async () => {
    const corpus = Corpus.from(['alpha', 'alpho', 'beta']);
    function* gen() {
      yield 'alphx';
      yield 'beto';
    }
    for (const v of variants) {
      const rows = await collect(corpus.join(gen(), { metric: 'levenshtein', maxDistance: 1, ...v.options }));
      expect(rows.map((r) => [r.queryIndex, r.matches.map((m) => m.index)]), v.label).toEqual([
        [0, [0, 1]],
        [1, [2]],
      ]);
    }
  });

  it('dedupe with singletons: every word once, representative first', async () => {
    const words = ['abc', 'abd', 'xyz', 'abe', 'qqq', 'xyy'];
    for (const v of variants) {
      expect(await Corpus.from(words).dedupe({ metric: 'levenshtein', maxDistance: 1, singletons: true, ...v.options }), v.label).toEqual([[0, 1, 3], [2, 5], [4]]);
    }
  });

  it('a threshold is required, and options are checked', () => {
    const c = Corpus.from(['a', 'b']);
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return (err as { code?: string }).code + ': ' + (err as Error).message;
      }
      return 'no error';
    };
    expect(code(() => c.join(['a'], {} as FuzzyJoinOptions))).toMatch(/^ERR_STRDIST_OPTION: join: a threshold is required: give minScore/);
    expect(code(() => c.join(['a'], undefined as unknown as FuzzyJoinOptions))).toMatch(/^ERR_STRDIST_OPTION: join: a threshold is required/);
    expect(code(() => c.selfJoin({ metric: 'levenshtein' }))).toMatch(/^ERR_STRDIST_OPTION: selfJoin: a threshold is required: give a finite maxDistance/);
    expect(code(() => c.selfJoin({ metric: 'levenshtein', maxDistance: Infinity }))).toMatch(/threshold is required/);
    expect(code(() => c.join(['a'], { minScore: 0.5, onProgress: 3 as never }))).toMatch(/^ERR_STRDIST_OPTION: join: onProgress must be a function/);
    expect(code(() => c.join(['a'], { minScore: 0.5, n: 3 } as never))).toMatch(/^ERR_STRDIST_UNKNOWN_OPTION: join: unknown option "n"/);
    expect(code(() => c.selfJoin({ minScore: 0.5, singletons: true } as never))).toMatch(/^ERR_STRDIST_UNKNOWN_OPTION/);
    expect(code(() => c.join('abc' as never, { minScore: 0.5 }))).toMatch(/^ERR_STRDIST_ARGUMENT: join: queries must be an iterable/);
  });

  it('dedupe rejects bad options, as closest does', async () => {
    await expect(Corpus.from(['a']).dedupe({ metric: 'jaro', maxDistance: 1 })).rejects.toMatchObject({
      code: 'ERR_STRDIST_OPTION',
      message: 'dedupe: maxDistance is for distances; use minScore with jaro',
    });
    await expect(Corpus.from(['a']).dedupe({ metric: 'jaro' })).rejects.toMatchObject({ code: 'ERR_STRDIST_OPTION' });
  });

  it('a non-string query is a TypeError naming it', async () => {
    for (const v of variants) {
      await expect(collect(Corpus.from(['a']).join(['a', 3 as never], { minScore: 0.5, ...v.options }))).rejects.toMatchObject({
        code: 'ERR_STRDIST_ARGUMENT',
        message: expect.stringMatching(/^join: queries\[1\] must be a string, got /),
      });
    }
  });
});

/** A corpus whose self-join at levenshtein <= 2 is slow (many short words, many pairs). */
function bigCorpus(n: number): Corpus {
  let s = 12345;
  const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const words: string[] = [];
  for (let i = 0; i < n; i++) {
    let w = '';
    const len = 3 + Math.floor(rnd() * 4);
    for (let k = 0; k < len; k++) w += 'abcdef'[Math.floor(rnd() * 6)];
    words.push(w + i.toString(36).slice(-1));
  }
  return Corpus.from(words);
}

describe.each(variants.map((v) => [v.label, v] as const))('cancellation: %s', (_label, v) => {
  it('an abort mid-selfJoin rejects with its reason, stops the chunks, and removes its listener', async () => {
    const corpus = bigCorpus(30_000);
    const ac = new AbortController();
    let chunks = 0;
    let pairs = 0;
    let last: JoinProgress | undefined;
    const onProgress = (p: JoinProgress) => {
      chunks++;
      last = p;
    };
    const it = corpus.selfJoin({ metric: 'levenshtein', maxDistance: 1, signal: ac.signal, onProgress, ...v.options });
    const reason = new Error('stop');
    await expect(
      (async () => {
        for await (const _ of it) {
          if (++pairs === 10) ac.abort(reason);
        }
      })(),
    ).rejects.toBe(reason);
    const seen = chunks;
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(chunks).toBe(seen); // nothing ran on after the abort
    expect(last!.done).toBeLessThan(last!.total!);
    // the index is free for the next call
    expect(await corpus.closest('abc', { metric: 'levenshtein', n: 1, ...v.options })).toHaveLength(1);
  });

  it('breaking out of a join stops it; an aborted signal refuses to start', async () => {
    const corpus = bigCorpus(20_000);
    const ac = new AbortController();
    let chunks = 0;
    const queries = corpus.words.slice(0, 20_000);
    for await (const row of corpus.join(queries, { metric: 'levenshtein', maxDistance: 2, signal: ac.signal, onProgress: () => chunks++, ...v.options })) {
      expect(row.matches.length).toBeGreaterThan(0);
      break;
    }
    const seen = chunks;
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(chunks).toBe(seen);
    ac.abort();
    await expect(collect(corpus.join(['abc'], { metric: 'levenshtein', maxDistance: 1, signal: ac.signal, ...v.options }))).rejects.toMatchObject({ name: 'AbortError' });
    await expect(corpus.dedupe({ metric: 'levenshtein', maxDistance: 1, signal: ac.signal, ...v.options })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
