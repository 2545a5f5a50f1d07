// issue 12: oracle vectors for the added metrics, generated from RapidFuzz 3.14.6 by
// scripts/gen-metrics-extra.py (not run by CI; its output is test/fixtures/metrics-extra.jsonl),
// checked through the public wrapper on every backend this install has.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsExtraKernel } from '../src/backend/js-extra.js';
import { nativeExtraKernel, type ExtraAddon } from '../src/backend/native-extra.js';
import { createExtraMetrics, type ExtraMetrics } from '../src/metrics-extra.js';
import { createMetrics } from '../src/metrics.js';
import { addon, js, native } from './helpers/backends.js';

interface Vector {
  a: string;
  b: string;
  indel: number;
  ratio: number;
  lcs: number;
  hamming: number;
  hammingSimilarity: number;
  osa: number;
  osaSimilarity: number;
  damerauLevenshtein: number;
  damerauLevenshteinSimilarity: number;
  weighted: [number, number, number, number][];
}

const vectors: Vector[] = readFileSync(new URL('./fixtures/metrics-extra.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line));

const apis: [string, ExtraMetrics][] = [['js', createExtraMetrics(js, jsExtraKernel, createMetrics(js))]];
if (native && addon) {
  const extra = nativeExtraKernel(addon.addon as unknown as ExtraAddon);
  apis.unshift(['native', createExtraMetrics(native, extra, createMetrics(native, { pairwiseJsBelow: 0 }), 0)]);
}

describe.each(apis)('RapidFuzz vectors (%s)', (_name, m) => {
  it(`has the vectors (${vectors.length} pairs, astral and long ones among them)`, () => {
    expect(vectors.length).toBeGreaterThan(500);
    expect(vectors.some((v) => /[\u{10000}-\u{10FFFF}]/u.test(v.a))).toBe(true);
    expect(vectors.some((v) => Array.from(v.a).length > 128)).toBe(true);
  });

  it('indel, ratio and longestCommonSubsequence', () => {
    for (const v of vectors) {
      const tag = JSON.stringify([v.a, v.b]);
      expect(m.indel(v.a, v.b), tag).toBe(v.indel);
      expect(m.ratio(v.a, v.b), tag).toBe(v.ratio);
      expect(m.longestCommonSubsequence(v.a, v.b), tag).toBe(v.lcs);
    }
  });

  it('hamming and hammingSimilarity with pad (and without it on equal lengths)', () => {
    for (const v of vectors) {
      const tag = JSON.stringify([v.a, v.b]);
      expect(m.hamming(v.a, v.b, { pad: true }), tag).toBe(v.hamming);
      expect(m.hammingSimilarity(v.a, v.b, { pad: true }), tag).toBe(v.hammingSimilarity);
      if (Array.from(v.a).length === Array.from(v.b).length) {
        expect(m.hamming(v.a, v.b), tag).toBe(v.hamming);
        expect(m.hammingSimilarity(v.a, v.b), tag).toBe(v.hammingSimilarity);
      }
    }
  });

  it('osa and damerauLevenshtein with their similarities', () => {
    for (const v of vectors) {
      const tag = JSON.stringify([v.a, v.b]);
      expect(m.osa(v.a, v.b), tag).toBe(v.osa);
      expect(m.osaSimilarity(v.a, v.b), tag).toBe(v.osaSimilarity);
      expect(m.damerauLevenshtein(v.a, v.b), tag).toBe(v.damerauLevenshtein);
      expect(m.damerauLevenshteinSimilarity(v.a, v.b), tag).toBe(v.damerauLevenshteinSimilarity);
    }
  });

  it('levenshtein with weights', () => {
    for (const v of vectors) {
      for (const [insert, del, substitute, d] of v.weighted) {
        const tag = JSON.stringify([v.a, v.b, insert, del, substitute]);
        expect(m.levenshtein(v.a, v.b, { weights: { insert, delete: del, substitute } }), tag).toBe(d);
        expect(m.levenshtein(v.a, v.b, { weights: { insert, delete: del, substitute }, maxDistance: 3 }), tag).toBe(
          Math.min(d, 4),
        );
      }
    }
  });
});
