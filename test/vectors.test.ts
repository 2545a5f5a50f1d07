import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backends } from './helpers/backends.js';

interface Vector {
  a: string;
  b: string;
  levenshtein: number;
  jaro: number;
  jaroWinkler: number;
}

// The oracle (python-Levenshtein and jellyfish), a copy kept in the repository's fixtures.
const file = process.env.STRDIST_VECTORS ?? resolve(__dirname, 'fixtures/metrics.jsonl');
const vectors: Vector[] = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Vector);

describe.each(backends)('oracle vectors (%s)', (_name, m) => {
  it('has vectors to check', () => {
    expect(vectors.length).toBeGreaterThan(10);
  });

  it('levenshtein matches python-Levenshtein exactly', () => {
    for (const v of vectors) expect([v.a, v.b, m.levenshtein(v.a, v.b)]).toEqual([v.a, v.b, v.levenshtein]);
  });

  it('jaro and jaroWinkler match jellyfish within 1e-12', () => {
    for (const v of vectors) {
      expect(Math.abs(m.jaro(v.a, v.b) - v.jaro), `jaro(${v.a}, ${v.b})`).toBeLessThanOrEqual(1e-12);
      expect(Math.abs(m.jaroWinkler(v.a, v.b) - v.jaroWinkler), `jaroWinkler(${v.a}, ${v.b})`).toBeLessThanOrEqual(
        1e-12,
      );
    }
  });

  it('scoreMany agrees with the pairwise calls on the vectors', () => {
    const q = vectors[3].a;
    const choices = vectors.map((v) => v.b);
    for (const metric of ['levenshtein', 'levenshteinSimilarity', 'jaro', 'jaroWinkler'] as const) {
      const many = m.scoreMany(metric, q, choices);
      const one = choices.map((c) => m[metric](q, c));
      expect(Array.from(many)).toEqual(one);
    }
  });
});
