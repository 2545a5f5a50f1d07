import { describe, expect, it } from 'vitest';
import { backends, nativeOnly } from './helpers/backends.js';
import type { Metrics } from '../src/metrics.js';

type Call = [label: string, run: (m: Metrics) => unknown, kind: typeof TypeError | typeof RangeError, message: RegExp, code?: string];

const calls: Call[] = [
  ['levenshtein(1, "a")', (m) => m.levenshtein(1 as never, 'a'), TypeError, /^levenshtein: a must be a string, got number 1$/],
  ['levenshtein("a", null)', (m) => m.levenshtein('a', null as never), TypeError, /^levenshtein: b must be a string, got null$/],
  ['levenshtein(undefined, "a")', (m) => m.levenshtein(undefined as never, 'a'), TypeError, /a must be a string, got undefined/],
  ['jaro({}, "a")', (m) => m.jaro({} as never, 'a'), TypeError, /^jaro: a must be a string, got an object$/],
  ['jaroWinkler("a", ["b"])', (m) => m.jaroWinkler('a', ['b'] as never), TypeError, /b must be a string, got an array/],
  ['levenshteinSimilarity(1n, "")', (m) => m.levenshteinSimilarity(1n as never, ''), TypeError, /a must be a string, got bigint 1/],
  ['maxDistance: -1', (m) => m.levenshtein('a', 'b', { maxDistance: -1 }), RangeError, /^levenshtein: maxDistance must be a non-negative integer or Infinity, got number -1$/],
  ['maxDistance: 1.5', (m) => m.levenshtein('a', 'b', { maxDistance: 1.5 }), RangeError, /maxDistance .* got number 1.5/],
  ['maxDistance: "3"', (m) => m.levenshtein('a', 'b', { maxDistance: '3' as never }), RangeError, /maxDistance .* got the string "3"/],
  ['maxDistance: NaN', (m) => m.levenshtein('a', 'b', { maxDistance: NaN }), RangeError, /maxDistance .* got number NaN/],
  ['options: 5', (m) => m.levenshtein('a', 'b', 5 as never), TypeError, /^levenshtein: options must be an object, got number 5$/],
  ['prefixWeight: 0.3', (m) => m.jaroWinkler('a', 'b', { prefixWeight: 0.3 }), RangeError, /^jaroWinkler: prefixWeight must be a number in \[0, 0.25\], got number 0.3$/],
  ['prefixWeight: -0.1', (m) => m.jaroWinkler('a', 'b', { prefixWeight: -0.1 }), RangeError, /prefixWeight .* got number -0.1/],
  ['minSimilarity: 2', (m) => m.jaro('a', 'b', { minSimilarity: 2 }), RangeError, /^jaro: minSimilarity must be a number in \[0, 1\], got number 2$/],
  ['minSimilarity: NaN', (m) => m.jaroWinkler('a', 'b', { minSimilarity: NaN }), RangeError, /minSimilarity .* got number NaN/],
  ['scoreMany unknown metric', (m) => m.scoreMany('hamming' as never, 'a', ['b']), RangeError, /^scoreMany: metric must be one of levenshtein, levenshteinSimilarity, jaro, jaroWinkler, got the string "hamming"$/],
  ['scoreMany query', (m) => m.scoreMany('jaro', 3 as never, ['b']), TypeError, /^scoreMany: query must be a string, got number 3$/],
  ['scoreMany choices', (m) => m.scoreMany('jaro', 'a', 'abc' as never), TypeError, /^scoreMany: choices must be an array of strings, got the string "abc"$/],
  ['scoreMany choices[1]', (m) => m.scoreMany('jaro', 'a', ['b', null] as never), TypeError, /^scoreMany: choices\[1\] must be a string, got null$/],
  ['scoreMany bad cutoff', (m) => m.scoreMany('levenshtein', 'a', ['b'], { maxDistance: -2 }), RangeError, /^scoreMany: maxDistance/],
];

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

describe.each(backends)('bad input (%s)', (_name, m) => {
  it.each(calls)('%s', (_label, run, kind, message, code) => {
    const err = thrown(() => run(m));
    expect(err).toBeInstanceOf(kind);
    expect(err.message).toMatch(message);
    expect((err as Error & { code?: string }).code).toBe(code ?? (kind === TypeError ? 'ERR_STRDIST_ARGUMENT' : 'ERR_STRDIST_OPTION'));
  });
});

// Needs both backends; on an install without the addon, one test says why it is absent.
const describeNative = nativeOnly('bad input gives the same class and message on both backends');
describeNative('bad input gives the same class and message on both backends', () => {
  it.each(calls)('%s', (_label, run) => {
    const [a, b] = backends.map(([, m]) => thrown(() => run(m)));
    expect(a.constructor).toBe(b.constructor);
    expect(a.message).toBe(b.message);
    expect((a as Error & { code?: string }).code).toBe((b as Error & { code?: string }).code);
  });
});

describe.each(backends)('huge strings (%s)', (_name, m) => {
  const big = 'ab'.repeat(5_000_000); // 10 million code points
  const other = 'ba'.repeat(5_000_000);

  it('a 10-million-code-point pair throws a RangeError instead of running for hours', () => {
    for (const f of [
      () => m.levenshtein(big, other),
      () => m.jaro(big, other),
      () => m.jaroWinkler(big, other),
      () => m.levenshteinSimilarity(big, other),
      () => m.scoreMany('jaro', big, [other]),
    ]) {
      const err = thrown(f);
      expect(err).toBeInstanceOf(RangeError);
      expect(err.message).toMatch(/strings too long: 10000000 x 10000000 UTF-16 units/);
      expect((err as Error & { code?: string }).code).toBe('ERR_STRDIST_TOO_LARGE');
    }
  });

  it('computes a 10-million-code-point string against a short one, and against itself', () => {
    expect(m.levenshtein(big, 'abc')).toBe(10_000_000 - 2);
    expect(m.levenshtein(big, big)).toBe(0);
    expect(m.jaro(big, big)).toBe(1);
    expect(m.jaroWinkler(big, 'ab')).toBeGreaterThan(0);
  });
});
