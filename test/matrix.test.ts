import { describe, expect, it } from 'vitest';
import { METRICS } from '../src/kernel.js';
import { scoreMatrix } from '../src/matrix.js';
import { createMetrics } from '../src/metrics.js';
import { addon, native } from './helpers/backends.js';
import { refScore } from './helpers/brute.js';

const queries = ['bagel', '', 'chëese', '😀x', 'kitten', 'a'.repeat(70)];
const choices = ['bagels', 'sitting', '', '😀', 'cheese', 'b'.repeat(65), 'a'.repeat(71), ...Array.from({ length: 700 }, (_, i) => `w${i}`)];

describe('scoreMatrix', () => {
  it.each(METRICS.map((m) => [m]))('%s equals the reference cell by cell, on 1, 2 and 5 threads', async (metric) => {
    const want = queries.flatMap((q) => choices.map((c) => refScore(metric, q, c)));
    for (const threads of [1, 2, 5]) {
      expect(Array.from(await scoreMatrix(metric, queries, choices, { threads }))).toEqual(want);
    }
  });
  it('gives a Float32Array or (Levenshtein distances) an Int32Array when asked, cell for cell the stored doubles', async () => {
    for (const metric of METRICS) {
      const doubles = await scoreMatrix(metric, queries, choices, { threads: 2 });
      const f32 = await scoreMatrix(metric, queries, choices, { threads: 2, dtype: 'float32' });
      expect(f32).toBeInstanceOf(Float32Array);
      expect(Array.from(f32)).toEqual(Array.from(Float32Array.from(doubles)));
      expect(await scoreMatrix(metric, queries, choices, { dtype: 'float64' })).toEqual(doubles);
    }
    const lev = await scoreMatrix('levenshtein', queries, choices, { dtype: 'int32', maxDistance: 3 });
    expect(lev).toBeInstanceOf(Int32Array);
    expect(Array.from(lev)).toEqual(queries.flatMap((q) => choices.map((c) => Math.min(refScore('levenshtein', q, c), 4))));
  });
  it('refuses an element type the metric cannot hold, and an unknown one', async () => {
    for (const metric of ['levenshteinSimilarity', 'jaro', 'jaroWinkler'] as const) {
      await expect(scoreMatrix(metric, ['a'], ['b'], { dtype: 'int32' })).rejects.toThrow(
        expect.objectContaining({
          name: 'RangeError',
          code: 'ERR_STRDIST_OPTION',
          message: `scoreMatrix: dtype "int32" holds distances, for metric levenshtein only; ${metric} gives fractions: use "float32" or "float64"`,
        }),
      );
    }
    await expect(scoreMatrix('jaro', ['a'], ['b'], { dtype: 'int8' as never })).rejects.toThrow(
      expect.objectContaining({ code: 'ERR_STRDIST_OPTION', message: expect.stringContaining('dtype must be "float64", "float32" or "int32"') }),
    );
  });
  it('applies cutoffs like scoreMany', async () => {
    const m = await scoreMatrix('levenshtein', ['kitten'], ['sitting', 'kitten'], { maxDistance: 1 });
    expect(Array.from(m)).toEqual([2, 0]);
  });
  it('handles empty sides', async () => {
    expect((await scoreMatrix('jaro', [], ['a'])).length).toBe(0);
    expect((await scoreMatrix('jaro', ['a'], [])).length).toBe(0);
  });
  it('refuses a matrix over 2^32 - 1 cells up front, with the same coded error on every backend', async () => {
    const err = await scoreMatrix('jaro', Array<string>(65536).fill(''), Array<string>(65537).fill('')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RangeError);
    expect(err).toMatchObject({
      code: 'ERR_STRDIST_TOO_LARGE',
      message: 'scoreMatrix: the matrix (queries x choices) must have at most 2^32 - 1 elements, got 4295032832',
    });
  });
  it('refuses a (query, choice) pair over 2^36 cells, as the pairwise calls do', async () => {
    const big = 'ab'.repeat(5_000_000);
    const err = await scoreMatrix('jaro', ['x', big], ['short', 'ba'.repeat(5_000_000)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RangeError);
    expect(err).toMatchObject({
      code: 'ERR_STRDIST_TOO_LARGE',
      message: 'scoreMatrix: strings too long: 10000000 x 10000000 UTF-16 units is over the limit of 2^36 cells',
    });
  });
  it('rejects bad input clearly', async () => {
    await expect(scoreMatrix('jaro', ['a'], ['b', 1] as never)).rejects.toThrow(/scoreMatrix: choices\[1\] must be a string, got number 1/);
    await expect(scoreMatrix('jaro', 'a' as never, ['b'])).rejects.toThrow(/queries must be an array of strings/);
    await expect(scoreMatrix('jaro', ['a'], ['b'], { threads: 0 })).rejects.toThrow(/threads must be a positive integer/);
    await expect(scoreMatrix('nope' as never, ['a'], ['b'])).rejects.toThrow(/metric must be one of/);
  });
  it('can be cancelled', async () => {
    const ac = new AbortController();
    const many = Array.from({ length: 400 }, (_, i) => `query${i}`.repeat(20));
    const p = scoreMatrix('levenshtein', many, Array.from({ length: 5000 }, (_, i) => `choice${i}`.repeat(20)), { signal: ac.signal, threads: 1 });
    setTimeout(() => ac.abort(new Error('enough')), 20);
    await expect(p).rejects.toThrow('enough');
  });
});

// Choices are packed into memory kept from call to call (src/backend/pack.ts); a getter of the
// array may call back in while it is read, and both calls must still see their own strings.
describe.skipIf(!addon)('choices read by the addon while a getter calls back in', () => {
  it('packs the outer and the inner array each whole (prepare, scoreMatrix)', async () => {
    const { prepare, scoreMany } = createMetrics(native!);
    const inner = Array.from({ length: 300 }, (_, i) => `inner${i}`);
    const outer = Array.from({ length: 300 }, (_, i) => `outer-choice-${i}`);
    let innerPrepared: ReturnType<typeof prepare> | undefined;
    const hostile = [...outer];
    Object.defineProperty(hostile, 150, {
      get() {
        innerPrepared = prepare(inner); // re-enters the packing of `hostile`
        return outer[150];
      },
    });
    const outerPrepared = prepare(hostile);
    expect(innerPrepared).toBeDefined();
    const want = (list: string[]) => list.map((c) => refScore('levenshtein', 'outer-choice-7', c));
    expect(Array.from(scoreMany('levenshtein', 'outer-choice-7', outerPrepared))).toEqual(want(outer));
    expect(Array.from(scoreMany('levenshtein', 'outer-choice-7', innerPrepared!))).toEqual(want(inner));
    // and the same through scoreMatrix's own packing of an array
    const m = await scoreMatrix('levenshtein', ['outer-choice-7'], hostile);
    expect(Array.from(m)).toEqual(want(outer));
    expect(Array.from(scoreMany('levenshtein', 'outer-choice-7', innerPrepared!))).toEqual(want(inner));
  });

  it('packs the outer and the inner array each whole (scoreMany, whose units are packed in TypeScript)', () => {
    const { scoreMany } = createMetrics(native!);
    const inner = Array.from({ length: 300 }, (_, i) => `inner${i}`);
    const outer = Array.from({ length: 3000 }, (_, i) => `outer-choice-${i}`);
    let innerScores: Float64Array | undefined;
    let reads = 0;
    const hostile = [...outer];
    Object.defineProperty(hostile, 2500, {
      get() {
        // the second read is the packing's (the first is the argument check): the inner call
        // then packs into the buffer the outer one is filling, unless each has its own
        if (++reads === 2) innerScores = scoreMany('levenshtein', 'outer-choice-7', inner);
        return outer[2500];
      },
    });
    const scores = scoreMany('levenshtein', 'outer-choice-7', hostile);
    expect(reads).toBe(2);
    expect(Array.from(scores)).toEqual(outer.map((c) => refScore('levenshtein', 'outer-choice-7', c)));
    expect(Array.from(innerScores!)).toEqual(inner.map((c) => refScore('levenshtein', 'outer-choice-7', c)));
    // a getter that gives another value the second time is refused, not read as garbage
    const changing = [...inner];
    let n = 0;
    Object.defineProperty(changing, 3, { get: () => (++n === 1 ? 'x' : 3) });
    expect(() => scoreMany('jaro', 'x', changing)).toThrow(/^strdist: choices\[3\] changed after it was checked: not a string now but number 3$/);
  });
});
