// The fast path of the pairwise calls without options (issue 11): two short strings go straight
// to a TypeScript kernel. It must give exactly what the checked path gives (the naive
// references), take the pairs it is meant for, and hand every other pair on.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jaroShortPair, jaroWinklerShortPair } from '../src/backend/js/jaro.js';
import { levenshteinShort } from '../src/backend/js/levenshtein.js';
import * as api from '../src/index.js';
import { createMetrics } from '../src/metrics.js';
import { js, native } from './helpers/backends.js';
import { refJaro, refJaroWinkler, refLevenshtein } from './helpers/reference.js';

const SEED = Number(process.env.STRDIST_SEED ?? 20261201);

const cp = (min: number, max: number) => fc.integer({ min, max }).map((c) => String.fromCodePoint(c));
const units = [
  fc.constantFrom('a', 'b', 'c'),
  cp(0x20, 0x7e),
  cp(0x4e00, 0x4e10),
  cp(0x1f600, 0x1f608),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
];
/** Mostly one alphabet per pair; sometimes a mix, so a surrogate turns up anywhere in a word. */
const unit = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...units) }, { weight: 1, arbitrary: fc.constant(fc.oneof(...units)) });
const shortPair = unit.chain((u) =>
  fc.tuple(fc.string({ unit: u, minLength: 0, maxLength: 40 }), fc.string({ unit: u, minLength: 0, maxLength: 40 })),
);

const hasSurrogate = (s: string) => /[\ud800-\udfff]/.test(s);
/** The pairs the fast Levenshtein takes: both non-empty, no surrogate, the longer at most 32 units. */
const fastTakes = (a: string, b: string) =>
  a.length > 0 && b.length > 0 && Math.max(a.length, b.length) <= 32 && !hasSurrogate(a) && !hasSurrogate(b);

const wrappers: [string, { levenshtein: typeof api.levenshtein; jaro: typeof api.jaro; jaroWinkler: typeof api.jaroWinkler }][] = [
  ['public API', api],
  ['js backend', createMetrics(js)],
  ...(native ? [['native backend, routed below PAIRWISE_JS_BELOW', createMetrics(native, { pairwiseJsBelow: api.PAIRWISE_JS_BELOW })] as const] : []),
];

describe('pairwise fast path (no options)', () => {
  it('the fast kernels give the reference on the pairs they take and -1 on every other', () => {
    fc.assert(
      fc.property(shortPair, ([a, b]) => {
        const tag = JSON.stringify([a, b]);
        if (fastTakes(a, b)) {
          expect(levenshteinShort(a, b), tag).toBe(refLevenshtein(a, b));
          expect(jaroShortPair(a, b), tag).toBe(refJaro(a, b));
          expect(jaroWinklerShortPair(a, b), tag).toBe(refJaroWinkler(a, b));
        } else {
          expect(levenshteinShort(a, b), tag).toBe(-1);
        }
      }),
      { seed: SEED, numRuns: 20_000 },
    );
  });

  it('takes ordinary words and both orders of a pair', () => {
    for (const [a, b] of [['kitten', 'sitting'], ['sitting', 'kitten'], ['x', 'abcdefghijklmnopqrstuvwxyz012345']]) {
      expect(levenshteinShort(a, b)).toBe(refLevenshtein(a, b));
      expect(jaroShortPair(a, b)).toBe(refJaro(a, b));
      expect(jaroWinklerShortPair(a, b)).toBe(refJaroWinkler(a, b));
    }
    expect(levenshteinShort('kitten', 'sitting')).toBe(3);
  });

  it('hands on empty, long and surrogate pairs', () => {
    const long = 'a'.repeat(33);
    const cases = [['', 'abc'], ['abc', ''], [long, long + 'b'], ['a\ud83d\ude00', 'ab'], ['ab', '\udc00b']];
    for (const [a, b] of cases) {
      expect(levenshteinShort(a, b), JSON.stringify([a, b])).toBe(-1);
      expect(jaroShortPair(a, b), JSON.stringify([a, b])).toBe(-1);
      expect(jaroWinklerShortPair(a, b), JSON.stringify([a, b])).toBe(-1);
    }
    // One string over 32 units: Levenshtein hands it on; Jaro takes the short one as the pattern.
    expect(levenshteinShort(long, 'a')).toBe(-1);
    expect(levenshteinShort('a', long)).toBe(-1);
    expect(jaroShortPair(long, 'a')).toBe(refJaro(long, 'a'));
    expect(jaroWinklerShortPair('a', long)).toBe(refJaroWinkler('a', long));
  });

  it.each(wrappers)('%s: levenshtein, jaro and jaroWinkler without options equal the references', (_, m) => {
    fc.assert(
      fc.property(shortPair, ([a, b]) => {
        const tag = JSON.stringify([a, b]);
        expect(m.levenshtein(a, b), tag).toBe(refLevenshtein(a, b));
        expect(m.jaro(a, b), tag).toBe(refJaro(a, b));
        expect(m.jaroWinkler(a, b), tag).toBe(refJaroWinkler(a, b));
      }),
      { seed: SEED, numRuns: 5_000 },
    );
  });

  it('a cached scorer left installed does not leak into the fast path', () => {
    // The TypeScript scoreMany leaves its query's masks in the kernel's shared table; the next
    // pairwise call must clear them first.
    const m = createMetrics(js);
    for (const [a, b] of [['fedcba', 'abcdef'], ['cab', 'bad'], ['ace', 'fdb']]) {
      m.scoreMany('levenshtein', 'abcdef', ['zzzz']);
      expect(m.levenshtein(a, b), a + b).toBe(refLevenshtein(a, b));
      m.scoreMany('jaro', 'abcdef', ['zzzz']);
      expect(m.jaro(a, b), a + b).toBe(refJaro(a, b));
      m.scoreMany('jaroWinkler', 'abcdef', ['zzzz']);
      expect(m.jaroWinkler(a, b), a + b).toBe(refJaroWinkler(a, b));
    }
  });
});
