// scoreMatrix on the TypeScript backend runs on the main thread in slices that yield to the
// event loop: a timer keeps ticking while a large matrix is computed, and the result is the
// same as scoring each row in one piece.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsKernel } from '../src/backend/js.js';
import { METRICS } from '../src/kernel.js';
import { scoreMatrixInSlices, SLICE_WORK } from '../src/matrix.js';

const choices = Array.from({ length: 15_000 }, (_, i) => `w${(i * 7919) % 100_003}${'abc'.slice(i % 3)}`);
const queries = ['bagel', 'w123abc', '', '😀x', 'a'.repeat(70), 'kitten'];

/** Ticks of a 0 ms interval counted while `work` is pending. */
async function ticksDuring<T>(work: () => Promise<T>): Promise<{ ticks: number; value: T }> {
  let ticks = 0;
  let pending = true;
  const timer = setInterval(() => {
    if (pending) ticks++;
  }, 0);
  try {
    const value = await work().finally(() => (pending = false));
    return { ticks, value };
  } finally {
    clearInterval(timer);
  }
}

describe('scoreMatrix on the TypeScript kernel, in slices', () => {
  it.each(METRICS.map((m) => [m]))('%s equals one scoreMany per row, cell by cell', async (metric) => {
    const cutoff = metric === 'levenshtein' ? 4 : metric === 'levenshteinSimilarity' ? -1 : 0.5;
    const got = await scoreMatrixInSlices(jsKernel, metric, queries, choices, 0.1, cutoff);
    const want = new Float64Array(queries.length * choices.length);
    queries.forEach((q, i) => jsKernel.scoreMany(metric, q, choices, 0.1, cutoff, want.subarray(i * choices.length, (i + 1) * choices.length)));
    expect(got).toEqual(want);
  });

  it.each(METRICS.map((m) => [m]))('%s as float32 (and Levenshtein as int32) stores the float64 cells, across slices', async (metric) => {
    const cutoff = metric === 'levenshtein' ? 4 : -1;
    const doubles = await scoreMatrixInSlices(jsKernel, metric, queries, choices, 0.1, cutoff);
    const f32 = await scoreMatrixInSlices(jsKernel, metric, queries, choices, 0.1, cutoff, undefined, 'float32');
    expect(f32).toBeInstanceOf(Float32Array);
    expect(Array.from(f32)).toEqual(Array.from(Float32Array.from(doubles)));
    if (metric === 'levenshtein') {
      const i32 = await scoreMatrixInSlices(jsKernel, metric, queries, choices, 0.1, cutoff, undefined, 'int32');
      expect(i32).toBeInstanceOf(Int32Array);
      expect(Array.from(i32)).toEqual(Array.from(doubles));
    }
  });

  it('a timer ticks while a large matrix is computed (the work is several slices)', async () => {
    const work = queries.reduce((sum, q) => sum + choices.reduce((s, c) => s + (c.length + 8) * (1 + (q.length >> 5)), 0), 0);
    expect(work).toBeGreaterThan(4 * SLICE_WORK);
    const { ticks, value } = await ticksDuring(() => scoreMatrixInSlices(jsKernel, 'levenshtein', queries, choices, 0.1, Infinity));
    expect(value.length).toBe(queries.length * choices.length);
    expect(ticks).toBeGreaterThan(0);
  });

  it('stops at the next slice when the signal is aborted', async () => {
    const ac = new AbortController();
    setImmediate(() => ac.abort(new Error('enough')));
    await expect(scoreMatrixInSlices(jsKernel, 'jaro', queries, choices, 0.1, 0, ac.signal)).rejects.toThrow('enough');
  });
});

describe('the public scoreMatrix with STRDIST_BACKEND=js', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('keeps the event loop turning, even for fewer rows than a slice used to hold', async () => {
    vi.stubEnv('STRDIST_BACKEND', 'js');
    vi.resetModules();
    const { scoreMatrix } = await import('../src/matrix.js');
    const { backendState } = await import('../src/backend/index.js');
    expect(backendState().kernel.name).toBe('js');
    const { ticks, value } = await ticksDuring(() => scoreMatrix('jaroWinkler', queries, choices));
    expect(value.length).toBe(queries.length * choices.length);
    expect(ticks).toBeGreaterThan(0);
  });
});
