// The pairwise calls as the public API makes them (issue 11, item 5): short pairs go to the
// TypeScript kernel, longer ones to the addon, and the split must never show in a result.
// Also the addon's own pairwise boundary: strings around its stack buffer (255/256 UTF-16
// units, a surrogate pair across it), the fast path with no options against the same call
// with options, and the per-environment context of each pairwise export (worker_threads).
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../src/metrics.js';
import { PAIRWISE_JS_BELOW } from '../src/index.js';
import { addon, js, native, nativeOnly } from './helpers/backends.js';
import { refJaro, refJaroWinkler, refLevenshtein, refLevenshteinSimilarity } from './helpers/reference.js';

const SEED = Number(process.env.STRDIST_SEED ?? 20261201);

const cp = (min: number, max: number) => fc.integer({ min, max }).map((c) => String.fromCodePoint(c));
const unit = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'b', 'c') },
  { weight: 3, arbitrary: cp(0x20, 0x7e) },
  { weight: 1, arbitrary: cp(0x4e00, 0x4e10) },
  { weight: 1, arbitrary: cp(0x1f600, 0x1f608) }, // astral: two units, one code point
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
);
const text = (minLength: number, maxLength: number) => fc.string({ unit, minLength, maxLength });

/** Every value the four pairwise functions give for (a, b), from the naive reference. */
function reference(a: string, b: string) {
  return {
    levenshtein: refLevenshtein(a, b),
    levenshteinSimilarity: refLevenshteinSimilarity(a, b),
    jaro: refJaro(a, b),
    jaroWinkler: refJaroWinkler(a, b, 0.1),
  };
}

// The public wrapper over the native kernel with the shipped thresholds, with thresholds that
// send everything below 70 units to TypeScript, and the TypeScript-only wrapper.
const apis = [
  ['js', createMetrics(js)],
  ...(native
    ? ([
        ['native, shipped thresholds', createMetrics(native, { pairwiseJsBelow: PAIRWISE_JS_BELOW })],
        ['native, js below 70', createMetrics(native, { pairwiseJsBelow: 70 })],
        ['native only', createMetrics(native, { pairwiseJsBelow: 0 })],
      ] as const)
    : []),
] as const;

function expectError(f: () => unknown, message: string, code: string): void {
  let caught: unknown;
  try {
    f();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(TypeError);
  expect((caught as TypeError).message).toBe(message);
  expect((caught as { code?: string }).code).toBe(code);
}

describe('pairwise dispatch: the kernel picked for a pair never changes its result', () => {
  it('matches the naive reference on both sides of every threshold, astral characters included', () => {
    fc.assert(
      fc.property(text(0, 40), text(0, 40), (a, b) => {
        const want = reference(a, b);
        for (const [name, api] of apis) {
          const tag = `${name}: ${JSON.stringify([a, b])}`;
          expect(api.levenshtein(a, b), tag).toBe(want.levenshtein);
          expect(api.levenshteinSimilarity(a, b), tag).toBe(want.levenshteinSimilarity);
          expect(api.jaro(a, b), tag).toBe(want.jaro);
          expect(api.jaroWinkler(a, b), tag).toBe(want.jaroWinkler);
        }
      }),
      { seed: SEED, numRuns: 6_000 },
    );
  });

  it('gives the same with no options as with the defaults spelled out, and cutoffs still apply', () => {
    fc.assert(
      fc.property(text(0, 70), text(0, 70), fc.nat(10), fc.double({ min: 0, max: 1, noNaN: true }), (a, b, max, min) => {
        for (const [, api] of apis) {
          expect(api.levenshtein(a, b)).toBe(api.levenshtein(a, b, { maxDistance: Infinity }));
          expect(api.levenshtein(a, b, { maxDistance: max })).toBe(Math.min(api.levenshtein(a, b), max + 1));
          expect(api.levenshteinSimilarity(a, b)).toBe(api.levenshteinSimilarity(a, b, {}));
          expect(api.jaro(a, b)).toBe(api.jaro(a, b, { minSimilarity: 0 }));
          const j = api.jaro(a, b);
          expect(api.jaro(a, b, { minSimilarity: min })).toBe(j >= min ? j : 0);
          expect(api.jaroWinkler(a, b)).toBe(api.jaroWinkler(a, b, { prefixWeight: 0.1, minSimilarity: 0 }));
        }
      }),
      { seed: SEED, numRuns: 2_000 },
    );
  });

  it('checks arguments the same way on the fast path (no options) as with options', () => {
    for (const [, api] of apis) {
      for (const fn of ['levenshtein', 'levenshteinSimilarity', 'jaro', 'jaroWinkler'] as const) {
        const call = api[fn] as (a: unknown, b: unknown, o?: unknown) => number;
        expectError(() => call(1, 'x'), `${fn}: a must be a string, got number 1`, 'ERR_STRDIST_ARGUMENT');
        expectError(() => call('x', null), `${fn}: b must be a string, got null`, 'ERR_STRDIST_ARGUMENT');
        expectError(() => call('x', 'y', 5), `${fn}: options must be an object, got number 5`, 'ERR_STRDIST_ARGUMENT');
      }
    }
  });
});

// The addon copies a string of up to 254 units into a stack buffer and reads longer ones into
// its per-function buffers; the surrogate pair may sit right across that edge.
const AROUND_STACK = [0, 1, 253, 254, 255, 256, 257, 300, 511, 512, 513];

function edgeStrings(): string[] {
  const out: string[] = [];
  for (const n of AROUND_STACK) {
    out.push('ab'.repeat(n).slice(0, n));
    if (n >= 2) {
      // An astral character whose two units end exactly at unit n, and one that starts there.
      out.push('x'.repeat(n - 2) + '😀');
      out.push('y'.repeat(n - 1) + '😀');
      out.push('z'.repeat(n - 1) + '\ud83d'); // a lone high surrogate at the very end
    }
  }
  return out;
}

nativeOnly('the addon pairwise boundary')('the addon pairwise boundary', () => {
  it('reads strings at and around its stack buffer exactly (native === js === reference)', () => {
    const strings = edgeStrings();
    for (const a of strings) {
      for (const b of strings) {
        const want = reference(a, b);
        for (const k of [native!, js]) {
          const tag = `${k.name}: ${a.length} x ${b.length} ${JSON.stringify([a.slice(-3), b.slice(-3)])}`;
          expect(k.levenshtein(a, b, -1), tag).toBe(want.levenshtein);
          expect(k.levenshteinSimilarity(a, b), tag).toBe(want.levenshteinSimilarity);
          expect(k.jaro(a, b, 0), tag).toBe(want.jaro);
          expect(k.jaroWinkler(a, b, 0.1, 0), tag).toBe(want.jaroWinkler);
        }
      }
    }
  });

  it('keeps one context per environment: a worker_thread computes alongside, and its exit leaves this one working', async () => {
    const { path } = addon!;
    // Short and long pairs (the long ones use the per-function buffers), computed in a worker
    // while this thread computes the same, then again here once the worker is gone.
    const pairs: [string, string][] = [];
    for (let i = 0; i < 200; i++) {
      const n = (i * 37) % 700;
      pairs.push([`${'abcde'.repeat(n / 5 + 1).slice(0, n)}😀${i}`, `${'badce'.repeat(n / 4 + 1).slice(0, n + (i % 7))}${i}`]);
    }
    const compute = (a: typeof native) => pairs.map(([x, y]) => [a!.levenshtein(x, y, -1), a!.jaro(x, y, 0), a!.jaroWinkler(x, y, 0.1, 0)]);
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const a = require(workerData.path);
       const out = [];
       for (let r = 0; r < 20; r++) {
         out.length = 0;
         for (const [x, y] of workerData.pairs) out.push([a.levenshtein(x, y, -1), a.jaro(x, y, 0), a.jaroWinkler(x, y, 0.1, 0)]);
       }
       parentPort.postMessage(out);`,
      { eval: true, workerData: { path, pairs } },
    );
    const fromWorker = new Promise<number[][]>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const here: number[][] = [];
    for (let r = 0; r < 20; r++) here.splice(0, here.length, ...compute(native));
    const there = await fromWorker;
    await worker.terminate();
    expect(there).toEqual(here);
    expect(compute(native)).toEqual(here);
    expect(here.map(([d], i) => d === refLevenshtein(...pairs[i]))).not.toContain(false);
  });
});
