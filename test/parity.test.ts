// Randomized parity: native === TypeScript === a naive reference, exactly (=== on doubles).
// Every kernel this install has (native only when its addon loads) against the reference.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kernels } from './helpers/backends.js';
import { refJaro, refJaroWinkler, refLevenshtein, refLevenshteinSimilarity } from './helpers/reference.js';

const SEED = Number(process.env.STRDIST_SEED ?? 20261125);
// Scale the run (e.g. STRDIST_PARITY_SCALE=0.1 for a quick local loop). CI runs scale 1:
// 100,000+ pairs in all (and 0.25 again on the prebuilt binary alone).
const SCALE = Number(process.env.STRDIST_PARITY_SCALE ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));

const cp = (min: number, max: number) => fc.integer({ min, max }).map((c) => String.fromCodePoint(c));

// Alphabets: a tiny one (many repeats, the hard case for Jaro), ASCII, Latin-1, CJK, astral
// emoji, and lone surrogates (which may happen to pair up when concatenated, as in real input).
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
const units = [
  alphabets.tiny,
  alphabets.ascii,
  alphabets.latin1,
  alphabets.cjk,
  alphabets.emoji,
  alphabets.surrogates,
  mixed,
];
const unit = fc.oneof(...units);
/** Picks one alphabet (as an arbitrary of single characters) per generated case. */
const alphabet = fc.constantFrom(...units);

/** A pair over one shared alphabet (so characters do match), with lengths in [min, max]. */
function pair(minLength: number, maxLength: number) {
  return alphabet.chain((u) =>
    fc.tuple(fc.string({ unit: u, minLength, maxLength }), fc.string({ unit: u, minLength, maxLength })),
  );
}

/** b derived from a by a few edits, so distances are small and cutoffs bite. */
function nearPair(minLength: number, maxLength: number) {
  return alphabet.chain((u) =>
    fc
      .tuple(
        fc.string({ unit: u, minLength, maxLength }),
        fc.array(fc.tuple(fc.nat(), fc.nat(2), u), { maxLength: 6 }),
      )
      .map(([a, edits]) => {
        const chars = Array.from(a);
        for (const [pos, kind, c] of edits) {
          const i = chars.length === 0 ? 0 : pos % (chars.length + (kind === 0 ? 1 : 0));
          if (kind === 0) chars.splice(i, 0, c);
          else if (kind === 1 && chars.length > 0) chars.splice(i, 1);
          else if (chars.length > 0) chars[i] = c;
        }
        return [a, chars.join('')] as [string, string];
      }),
  );
}

function checkPair(a: string, b: string, max: number, min: number, weight: number): void {
  const d = refLevenshtein(a, b);
  const ls = refLevenshteinSimilarity(a, b);
  const j = refJaro(a, b);
  const jw = refJaroWinkler(a, b, weight);
  for (const k of kernels) {
    const tag = `${k.name}: ${JSON.stringify([a, b])}`;
    expect(k.levenshtein(a, b, -1), tag).toBe(d);
    expect(k.levenshtein(a, b, max), tag).toBe(Math.min(d, max + 1));
    expect(k.levenshteinSimilarity(a, b), tag).toBe(ls);
    expect(k.jaro(a, b, 0), tag).toBe(j);
    expect(k.jaro(a, b, min), tag).toBe(j >= min ? j : 0);
    expect(k.jaroWinkler(a, b, weight, 0), tag).toBe(jw);
    expect(k.jaroWinkler(a, b, weight, min), tag).toBe(jw >= min ? jw : 0);
  }
}

const cutoffs = fc.tuple(fc.nat(40), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 0.1, 0.25, 0.17));

function property(name: string, arb: fc.Arbitrary<[string, string]>, numRuns: number): void {
  it(`${name} (${numRuns} pairs)`, () => {
    fc.assert(
      fc.property(arb, cutoffs, ([a, b], [max, min, weight]) => checkPair(a, b, max, min, weight)),
      { seed: SEED, numRuns },
    );
  });
}

describe('parity: native === js === naive reference', () => {
  property('short strings', pair(0, 20), runs(50_000));
  property('short near pairs', nearPair(0, 24), runs(25_000));
  property('lengths across the 32/64-unit words', pair(28, 140), runs(12_000));
  property('near pairs across the word boundaries', nearPair(56, 200), runs(12_000));
  property('long strings', pair(200, 900), runs(400));
  property('long near pairs up to 3000', nearPair(1000, 3000), runs(60));

  it('identical strings score exactly 1 and distance 0', () => {
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 300 }), (s) => {
        for (const k of kernels) {
          expect(k.levenshtein(s, s, -1)).toBe(0);
          expect(k.jaro(s, s, 0)).toBe(1);
          expect(k.jaroWinkler(s, s, 0.25, 0)).toBe(1);
          expect(k.levenshteinSimilarity(s, s)).toBe(1);
        }
      }),
      { seed: SEED, numRuns: runs(2_000) },
    );
  });

  it('scoreMany keeps a surrogate pair that spans two choices apart (the units are packed back to back)', () => {
    // 40 choices (past the SIMD lanes' threshold): a high surrogate ending one choice and a low
    // one starting the next, which pair up if the packing is decoded as one string
    const choices = Array.from({ length: 40 }, (_, i) => (i % 2 ? '\uDE00ab' : 'ab\uD83D'));
    for (const q of ['ab\uD83D\uDE00ab', '\uDE00ab', 'ab\uD83D']) {
      for (const k of kernels) {
        const out = new Float64Array(choices.length);
        k.scoreMany('levenshtein', q, choices, 0.1, -1, out);
        expect(Array.from(out)).toEqual(choices.map((c) => refLevenshtein(q, c)));
        k.scoreMany('jaro', q, choices, 0.1, 0, out);
        expect(Array.from(out)).toEqual(choices.map((c) => refJaro(q, c)));
      }
    }
  });

  it('scoreMany equals the pairwise calls on random batches', () => {
    fc.assert(
      fc.property(
        fc.string({ unit, maxLength: 80 }),
        fc.array(fc.string({ unit, maxLength: 80 }), { maxLength: 40 }),
        cutoffs,
        (q, choices, [max, min, weight]) => {
          for (const k of kernels) {
            const out = new Float64Array(choices.length);
            k.scoreMany('levenshtein', q, choices, weight, max, out);
            expect(Array.from(out)).toEqual(choices.map((c) => Math.min(refLevenshtein(q, c), max + 1)));
            k.scoreMany('levenshteinSimilarity', q, choices, weight, -1, out);
            expect(Array.from(out)).toEqual(choices.map((c) => refLevenshteinSimilarity(q, c)));
            k.scoreMany('jaro', q, choices, weight, min, out);
            expect(Array.from(out)).toEqual(choices.map((c) => (refJaro(q, c) >= min ? refJaro(q, c) : 0)));
            k.scoreMany('jaroWinkler', q, choices, weight, min, out);
            expect(Array.from(out)).toEqual(
              choices.map((c) => (refJaroWinkler(q, c, weight) >= min ? refJaroWinkler(q, c, weight) : 0)),
            );
          }
        },
      ),
      { seed: SEED, numRuns: runs(3_000) },
    );
  });
});
