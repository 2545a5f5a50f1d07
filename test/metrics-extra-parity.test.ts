// issue 12: randomized parity for the added metrics: native === TypeScript === a naive
// dynamic-programming reference (test/helpers/reference-extra.ts), exactly, over the alphabets
// and lengths of test/parity.test.ts (astral characters, lone surrogates, strings over 64 code
// points and over several blocks).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsExtraKernel } from '../src/backend/js-extra.js';
import { nativeExtraKernel, type ExtraAddon } from '../src/backend/native-extra.js';
import type { ExtraKernel } from '../src/kernel.js';
import { addon } from './helpers/backends.js';
import {
  refDamerau,
  refHamming,
  refIndel,
  refLcs,
  refNormalized,
  refOsa,
  refRatio,
  refWeighted,
} from './helpers/reference-extra.js';

const SEED = Number(process.env.STRDIST_SEED ?? 20261201);
const SCALE = Number(process.env.STRDIST_PARITY_SCALE ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));

const kernels: [string, ExtraKernel][] = [['js', jsExtraKernel]];
if (addon) kernels.unshift(['native', nativeExtraKernel(addon.addon as unknown as ExtraAddon)]);

const cp = (min: number, max: number) => fc.integer({ min, max }).map((c) => String.fromCodePoint(c));
const alphabets = {
  tiny: fc.constantFrom('a', 'b', 'c'),
  ascii: cp(0x20, 0x7e),
  latin1: cp(0xa0, 0xff),
  cjk: cp(0x4e00, 0x4e40),
  emoji: cp(0x1f600, 0x1f640),
  surrogates: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
};
const mixed = fc.oneof(
  { weight: 4, arbitrary: alphabets.tiny },
  { weight: 4, arbitrary: alphabets.ascii },
  { weight: 1, arbitrary: alphabets.latin1 },
  { weight: 1, arbitrary: alphabets.cjk },
  { weight: 1, arbitrary: alphabets.emoji },
  { weight: 1, arbitrary: alphabets.surrogates },
);
const units = [...Object.values(alphabets), mixed];
const unit = fc.oneof(...units);
const alphabet = fc.constantFrom(...units);

function pair(minLength: number, maxLength: number) {
  return alphabet.chain((u) =>
    fc.tuple(fc.string({ unit: u, minLength, maxLength }), fc.string({ unit: u, minLength, maxLength })),
  );
}

/** b from a by a few edits, adjacent swaps included (so transpositions and cutoffs matter). */
function nearPair(minLength: number, maxLength: number) {
  return alphabet.chain((u) =>
    fc
      .tuple(fc.string({ unit: u, minLength, maxLength }), fc.array(fc.tuple(fc.nat(), fc.nat(3), u), { maxLength: 6 }))
      .map(([a, edits]) => {
        const chars = Array.from(a);
        for (const [pos, kind, c] of edits) {
          const i = chars.length === 0 ? 0 : pos % (chars.length + (kind === 0 ? 1 : 0));
          if (kind === 0) chars.splice(i, 0, c);
          else if (kind === 1 && chars.length > 0) chars.splice(i, 1);
          else if (kind === 2 && chars.length > 0) chars[i] = c;
          else if (chars.length > 1) {
            const k = Math.min(i, chars.length - 2);
            [chars[k], chars[k + 1]] = [chars[k + 1], chars[k]];
          }
        }
        return [a, chars.join('')] as [string, string];
      }),
  );
}

const len = (s: string) => Array.from(s).length;
const cutDistance = (d: number, max: number) => (d > max ? max + 1 : d);
const cutSimilarity = (s: number, min: number) => (s >= min ? s : 0);

function checkPair(a: string, b: string, max: number, min: number, w: [number, number, number]): void {
  const lcs = refLcs(a, b);
  const indel = refIndel(a, b);
  const ratio = refRatio(a, b);
  const ham = refHamming(a, b);
  const longer = Math.max(len(a), len(b));
  const osa = refOsa(a, b);
  const dl = refDamerau(a, b);
  const weighted = refWeighted(a, b, ...w);
  for (const [name, k] of kernels) {
    const tag = `${name}: ${JSON.stringify([a, b, max, min, w])}`;
    expect(k.longestCommonSubsequence(a, b), tag).toBe(lcs);
    expect(k.indel(a, b, -1), tag).toBe(indel);
    expect(k.indel(a, b, max), tag).toBe(cutDistance(indel, max));
    expect(k.ratio(a, b, 0), tag).toBe(ratio);
    expect(k.ratio(a, b, min), tag).toBe(cutSimilarity(ratio, min));
    expect(k.hamming(a, b, true, -1), tag).toBe(ham);
    expect(k.hamming(a, b, true, max), tag).toBe(cutDistance(ham, max));
    expect(k.hammingSimilarity(a, b, true, min), tag).toBe(cutSimilarity(refNormalized(ham, longer), min));
    expect(k.osa(a, b, -1), tag).toBe(osa);
    expect(k.osa(a, b, max), tag).toBe(cutDistance(osa, max));
    expect(k.osaSimilarity(a, b, min), tag).toBe(cutSimilarity(refNormalized(osa, longer), min));
    expect(k.damerauLevenshtein(a, b, -1), tag).toBe(dl);
    expect(k.damerauLevenshtein(a, b, max), tag).toBe(cutDistance(dl, max));
    expect(k.damerauLevenshteinSimilarity(a, b, min), tag).toBe(cutSimilarity(refNormalized(dl, longer), min));
    expect(k.levenshteinWeighted(a, b, ...w, -1), tag).toBe(weighted);
    expect(k.levenshteinWeighted(a, b, ...w, max), tag).toBe(cutDistance(weighted, max));
  }
}

// Weights: uniform (the bit-parallel path), insert = delete with a dear substitution (the Indel
// path), zero costs, and arbitrary ones (Wagner-Fischer).
const weights = fc.oneof(
  fc.constant<[number, number, number]>([1, 1, 1]),
  fc.integer({ min: 0, max: 5 }).map((x) => [x, x, x] as [number, number, number]),
  fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 6 })).map(([x, s]) => [x, x, 2 * x + s] as [number, number, number]),
  fc.tuple(fc.nat(7), fc.nat(7), fc.nat(7)),
);
const cutoffs = fc.tuple(fc.nat(40), fc.double({ min: 0, max: 1, noNaN: true }), weights);

function property(name: string, arb: fc.Arbitrary<[string, string]>, numRuns: number): void {
  it(`${name} (${numRuns} pairs)`, () => {
    fc.assert(
      fc.property(arb, cutoffs, ([a, b], [max, min, w]) => checkPair(a, b, max, min, w)),
      { seed: SEED, numRuns },
    );
  });
}

describe('parity of the added metrics: native === js === naive reference', () => {
  property('short strings', pair(0, 20), runs(4_000));
  property('short near pairs', nearPair(0, 24), runs(3_000));
  property('lengths across the 32/64-unit words', pair(28, 140), runs(500));
  property('near pairs across the word boundaries', nearPair(56, 200), runs(400));
  property('long strings over several blocks', pair(200, 400), runs(20));
  property('long near pairs', nearPair(300, 700), runs(8));

  it('identical strings: distance 0, similarity 1', () => {
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 300 }), (s) => {
        for (const [, k] of kernels) {
          expect(k.indel(s, s, -1)).toBe(0);
          expect(k.ratio(s, s, 0)).toBe(1);
          expect(k.longestCommonSubsequence(s, s)).toBe(len(s));
          expect(k.osa(s, s, -1)).toBe(0);
          expect(k.damerauLevenshtein(s, s, -1)).toBe(0);
          expect(k.hammingSimilarity(s, s, false, 0)).toBe(1);
        }
      }),
      { seed: SEED, numRuns: runs(500) },
    );
  });

  it('scoreMany equals the pairwise calls for every added metric', () => {
    const metrics = [
      'indel', 'ratio', 'longestCommonSubsequence', 'hamming', 'hammingSimilarity', 'osa', 'osaSimilarity',
      'damerauLevenshtein', 'damerauLevenshteinSimilarity',
    ] as const;
    fc.assert(
      fc.property(
        fc.string({ unit, maxLength: 90 }),
        fc.array(fc.string({ unit, maxLength: 90 }), { maxLength: 25 }),
        fc.nat(30),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        (q, choices, max, min, pad) => {
          for (const metric of metrics) {
            const distance = ['indel', 'hamming', 'osa', 'damerauLevenshtein'].includes(metric);
            const cutoff = metric === 'longestCommonSubsequence' ? -1 : distance ? max : min;
            const want = choices.map((c) => {
              const hammingSkip = metric.startsWith('hamming') && !pad && len(c) !== len(q);
              if (hammingSkip) return -1;
              const longer = Math.max(len(q), len(c));
              switch (metric) {
                case 'indel': return cutDistance(refIndel(q, c), max);
                case 'ratio': return cutSimilarity(refRatio(q, c), min);
                case 'longestCommonSubsequence': return refLcs(q, c);
                case 'hamming': return cutDistance(refHamming(q, c), max);
                case 'hammingSimilarity': return cutSimilarity(refNormalized(refHamming(q, c), longer), min);
                case 'osa': return cutDistance(refOsa(q, c), max);
                case 'osaSimilarity': return cutSimilarity(refNormalized(refOsa(q, c), longer), min);
                case 'damerauLevenshtein': return cutDistance(refDamerau(q, c), max);
                case 'damerauLevenshteinSimilarity': return cutSimilarity(refNormalized(refDamerau(q, c), longer), min);
              }
            });
            for (const [name, k] of kernels) {
              const out = new Float64Array(choices.length);
              k.scoreManyAny(metric, q, choices, pad ? 1 : 0, cutoff, out);
              expect(Array.from(out), `${name} ${metric}`).toEqual(want);
            }
          }
        },
      ),
      { seed: SEED, numRuns: runs(400) },
    );
  });
});
