// The multi-string SIMD kernels (native/multi_levenshtein*.{hpp,cc}, native/multi_jaro*.{hpp,cc})
// and prepared choices:
// scoreMany and scoreMatrix, with fresh and with prepared choices, on every SIMD path this
// machine has (forced through the addon's simdPath switch), against the TypeScript kernel and a
// naive reference, exactly. Choice lengths straddle the lane classes (8/16/32/64 code points)
// and go past 64; alphabets include astral characters and lone surrogates.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { js, nativeOnly } from './helpers/backends.js';
import { refJaro, refJaroWinkler, refLevenshtein, refLevenshteinSimilarity } from './helpers/reference.js';
import { createMetrics } from '../src/metrics.js';
import { PreparedChoices, prepare, scoreMany, scoreMatrix, backend } from '../src/index.js';
import { jsKernel, nativeKernel } from '../src/backend/index.js';
import type { Metric } from '../src/kernel.js';

const SEED = Number(process.env.STRDIST_SEED ?? 20261201);
const METRICS: Metric[] = ['levenshtein', 'levenshteinSimilarity', 'jaro', 'jaroWinkler'];

const cp = (min: number, max: number) => fc.integer({ min, max }).map((c) => String.fromCodePoint(c));
const alphabets = [
  fc.constantFrom('a', 'b', 'c'),
  cp(0x61, 0x7a),
  cp(0xa0, 0x17f),
  cp(0x1f600, 0x1f607),
  fc.oneof(fc.constantFrom('a', 'b'), cp(0x1f600, 0x1f603), fc.constantFrom('\ud800', '\udc00', 'é')),
];
// Code-point lengths around every lane class edge, and past one word.
const LENGTHS = [0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 70, 130];
const length = fc.oneof(fc.constantFrom(...LENGTHS), fc.nat(20));

const word = (unit: fc.Arbitrary<string>) =>
  length.chain((n) => fc.array(unit, { minLength: n, maxLength: n }).map((a) => a.join('')));

/** A query and choices over one alphabet; some choices are the query with a few edits. */
const batch = fc
  .constantFrom(...alphabets)
  .chain((u) =>
    fc.tuple(
      word(u),
      fc.array(fc.oneof(word(u), fc.tuple(word(u), fc.nat(), u).map(([w, i, c]) => w.slice(0, i % (w.length + 1)) + c)), {
        maxLength: 150,
      }),
      fc.constantFrom(-1, 0, 1, 2, 3, 5),
      fc.constantFrom(0, 0.5, 0.8),
    ),
  )
  .chain(([q, cs, max, min]) =>
    fc.tuple(fc.constant(q), fc.constant(cs), fc.constant(max), fc.constant(min), fc.nat(cs.length + 1)).map(
      ([q2, cs2, max2, min2, at]) => {
        const choices = cs2.slice();
        choices.splice(at, 0, q2); // the query itself is among them
        return { query: q2, choices, max: max2, min: min2 };
      },
    ),
  );

function reference(metric: Metric, q: string, c: string, max: number, min: number): number {
  switch (metric) {
    case 'levenshtein': {
      const d = refLevenshtein(q, c);
      return max >= 0 && d > max ? max + 1 : d;
    }
    case 'levenshteinSimilarity':
      return refLevenshteinSimilarity(q, c);
    case 'jaro': {
      const s = refJaro(q, c);
      return s >= min ? s : 0;
    }
    case 'jaroWinkler': {
      const s = refJaroWinkler(q, c);
      return s >= min ? s : 0;
    }
  }
}

const TYPED = { float32: Float32Array, int32: Int32Array } as const;

const options = (metric: Metric, max: number, min: number) =>
  metric === 'levenshtein' ? (max >= 0 ? { maxDistance: max } : {}) : metric === 'levenshteinSimilarity' ? {} : { minSimilarity: min };

describe('prepared choices on the TypeScript backend', () => {
  const api = createMetrics(js);
  it('score as the plain array does, in scoreMany and scoreMatrix', async () => {
    const choices = ['kitten', 'sitting', '', '😀a😀', 'x'.repeat(200)];
    const p = api.prepare(choices);
    expect(p).toBeInstanceOf(PreparedChoices);
    expect(p.size).toBe(5);
    expect(p.backend).toBe('js');
    for (const m of METRICS) expect(api.scoreMany(m, 'kitten', p)).toEqual(api.scoreMany(m, 'kitten', choices));
    const matrix = await scoreMatrix('levenshtein', ['kitten', 'a'], p);
    expect(Array.from(matrix)).toEqual([0, 3, 6, 6, 200, 6, 7, 1, 2, 200]);
  });
  it('refuses what is not an array of strings', () => {
    expect(() => api.prepare('abc' as never)).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_STRDIST_ARGUMENT', message: 'prepare: choices must be an array of strings, got the string "abc"' }),
    );
    expect(() => api.prepare(['a', 3] as never)).toThrow(
      expect.objectContaining({ code: 'ERR_STRDIST_ARGUMENT', message: 'prepare: choices[1] must be a string, got number 3' }),
    );
    expect(() => api.scoreMany('jaro', 'a', { size: 1 } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_STRDIST_ARGUMENT', message: 'scoreMany: choices must be an array of strings, got an object' }),
    );
  });
});

describe('the public prepare()', () => {
  it('is made by the process backend and scores like the array', () => {
    const choices = ['alpha', 'alpine', 'beta', ''];
    const p = prepare(choices);
    expect(p.backend).toBe(backend);
    expect(scoreMany('levenshtein', 'alps', p)).toEqual(scoreMany('levenshtein', 'alps', choices));
  });
});

const native = nativeOnly('SIMD paths');

native('every SIMD path against the TypeScript kernel and the reference', (loaded) => {
  const addon = loaded.addon;
  const start = addon.simdPath();
  afterAll(() => {
    addon.simdPath(start as 'scalar');
  });
  const api = createMetrics(nativeKernel(addon), { pairwiseJsBelow: 0 });
  const jsApi = createMetrics(jsKernel);

  it('lists the paths this CPU has, scalar first, and refuses the others', () => {
    expect(addon.simdPaths[0]).toBe('scalar');
    expect(addon.simdPaths).toContain(start);
    expect(() => addon.simdPath('sse' as never)).toThrow(expect.objectContaining({ code: 'ERR_STRDIST_OPTION' }));
    const cpu = addon.cpuFeatures;
    expect(addon.simdPaths.includes('avx2')).toBe(cpu.includes('avx2') && cpu.includes('popcnt'));
    expect(addon.simdPaths.includes('avx512')).toBe(cpu.includes('avx512bw') && cpu.includes('avx512f') && cpu.includes('popcnt'));
  });

  for (const path of addon.simdPaths) {
    it(`${path}: scoreMany, fresh and prepared, equals the TypeScript kernel and the reference`, () => {
      expect(addon.simdPath(path as 'scalar')).toBe(path);
      fc.assert(
        fc.property(batch, fc.constantFrom(...METRICS), ({ query, choices, max, min }, metric) => {
          const o = options(metric, max, min);
          const want = choices.map((c) => reference(metric, query, c, max, min));
          const fresh = Array.from(api.scoreMany(metric, query, choices, o));
          const prepared = Array.from(api.scoreMany(metric, query, api.prepare(choices), o));
          const ts = Array.from(jsApi.scoreMany(metric, query, choices, o));
          expect(fresh).toEqual(want);
          expect(prepared).toEqual(want);
          expect(ts).toEqual(want);
        }),
        { seed: SEED, numRuns: 120 },
      );
    });

    it(`${path}: scoreMatrix, fresh and prepared, on 1 and 2 threads equals scoreMany row by row`, async () => {
      addon.simdPath(path as 'scalar');
      await fc.assert(
        fc.asyncProperty(batch, fc.array(fc.constantFrom('', 'a', 'kitten', '😀ab😀', 'b'.repeat(70)), { maxLength: 4 }), fc.constantFrom(...METRICS), async ({ query, choices, max, min }, more, metric) => {
          const queries = [query, ...more];
          const o = options(metric, max, min);
          const p = api.prepare(choices);
          const want = queries.flatMap((q) => choices.map((c) => reference(metric, q, c, max, min)));
          for (const threads of [1, 2]) {
            expect(Array.from(await scoreMatrix(metric, queries, choices, { ...o, threads }))).toEqual(want);
            expect(Array.from(await scoreMatrix(metric, queries, p, { ...o, threads }))).toEqual(want);
            // the other element types: each cell the reference's double, stored as JS stores it
            for (const dtype of metric === 'levenshtein' ? (['float32', 'int32'] as const) : (['float32'] as const)) {
              const typed = Array.from(TYPED[dtype].from(want));
              for (const c of [choices, p]) {
                const got = await scoreMatrix(metric, queries, c, { ...o, threads, dtype });
                expect(got).toBeInstanceOf(TYPED[dtype]);
                expect(Array.from(got)).toEqual(typed);
              }
            }
          }
        }),
        { seed: SEED + 1, numRuns: 40 },
      );
    });

    it(`${path}: thousands of word-like choices (many full batches per lane class)`, async () => {
      addon.simdPath(path as 'scalar');
      let s = 12345;
      const rnd = (n: number) => ((s = (s * 1103515245 + 12345) % 2147483648) % n);
      const choices = Array.from({ length: 3000 }, () => {
        const n = [3, 8, 9, 16, 17, 32, 33, 64, 65][rnd(9)] - rnd(3);
        return Array.from({ length: n }, () => String.fromCharCode(97 + rnd(6))).join('');
      });
      const queries = ['abcdef', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'fedcbafedcba', ''];
      const p = api.prepare(choices);
      for (const metric of METRICS) {
        const want = queries.flatMap((q) => Array.from(jsApi.scoreMany(metric, q, choices)));
        for (let k = 0; k < 40; k++) expect(reference(metric, queries[k % 4], choices[k * 7], -1, 0)).toBe(want[(k % 4) * 3000 + k * 7]);
        const fresh = queries.flatMap((q) => Array.from(api.scoreMany(metric, q, choices)));
        expect(fresh).toEqual(want);
        expect(Array.from(await scoreMatrix(metric, queries, p, { threads: 2 }))).toEqual(want);
      }
    });
  }

  // Jaro and Jaro-Winkler in lanes: every prefix weight and cutoffs around the Winkler
  // threshold (0.7) and at 1, queries shorter and longer than the lanes (per-lane and common
  // match windows), tie-heavy alphabets; exactly the TypeScript kernel, the reference to rounding.
  const jaroCase = fc
    .constantFrom(...alphabets)
    .chain((u) =>
      fc.record({
        query: fc.oneof(word(u), fc.array(u, { minLength: 60, maxLength: 140 }).map((a) => a.join(''))),
        choices: fc.array(word(u), { minLength: 16, maxLength: 200 }),
        min: fc.constantFrom(0, 0.6, 0.7, 0.75, 0.9, 1),
        prefixWeight: fc.constantFrom(0, 0.1, 0.2, 0.25),
      }),
    );
  for (const path of addon.simdPaths) {
    it(`${path}: jaro and jaroWinkler lanes, fresh and prepared, 1 and 2 threads, equal the TypeScript kernel`, async () => {
      addon.simdPath(path as 'scalar');
      await fc.assert(
        fc.asyncProperty(jaroCase, fc.constantFrom<Metric>('jaro', 'jaroWinkler'), async ({ query, choices, min, prefixWeight }, metric) => {
          const o = metric === 'jaro' ? { minSimilarity: min } : { minSimilarity: min, prefixWeight };
          const want = Array.from(jsApi.scoreMany(metric, query, choices, o));
          const ref = choices.map((c) => {
            const sc = metric === 'jaro' ? refJaro(query, c) : refJaroWinkler(query, c, prefixWeight);
            return sc >= min ? sc : 0;
          });
          for (let i = 0; i < want.length; i++) {
            // away from the cutoff the reference decides the same way
            if (Math.abs(ref[i] - min) > 1e-9 && Math.abs(want[i] - min) > 1e-9) expect(want[i]).toBeCloseTo(ref[i], 12);
          }
          expect(Array.from(api.scoreMany(metric, query, choices, o))).toEqual(want);
          const p = api.prepare(choices);
          expect(Array.from(api.scoreMany(metric, query, p, o))).toEqual(want);
          const rows = [query, choices[0] ?? ''];
          const wantRows = rows.flatMap((q) => Array.from(jsApi.scoreMany(metric, q, choices, o)));
          for (const threads of [1, 2]) {
            expect(Array.from(await scoreMatrix(metric, rows, choices, { ...o, threads }))).toEqual(wantRows);
            expect(Array.from(await scoreMatrix(metric, rows, p, { ...o, threads }))).toEqual(wantRows);
          }
        }),
        { seed: SEED + 2, numRuns: 80 },
      );
    });
  }

  it('prepared choices report their size and native memory', () => {
    const p = api.prepare(['a', 'bb', 'x'.repeat(100)]);
    expect(p.backend).toBe('native');
    expect(p.size).toBe(3);
  });

  it('refuses a prepared pair over the size limit, as the array does', () => {
    const long = 'ab'.repeat(2 ** 17); // 2^18 units: 2^18 x 2^18 = 2^36 is the limit
    const p = api.prepare(['a', long + 'c']);
    const arr = ['a', long + 'c'];
    const q = long + 'd';
    let fromArray: unknown, fromPrepared: unknown;
    try { api.scoreMany('levenshtein', q, arr); } catch (e) { fromArray = e; }
    try { api.scoreMany('levenshtein', q, p); } catch (e) { fromPrepared = e; }
    expect(fromArray).toMatchObject({ code: 'ERR_STRDIST_TOO_LARGE' });
    expect((fromPrepared as Error).message).toBe((fromArray as Error).message);
    // the query itself is always answered
    expect(Array.from(api.scoreMany('levenshtein', long + 'c', p))).toEqual([2 ** 18, 0]);
  });
});
