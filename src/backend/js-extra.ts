// issue 12: the TypeScript kernels of the added metrics, with the same results as the addon's.
import type { AnyMetric, ExtraKernel } from '../kernel.js';
import { ERROR_CODES, rangeError } from '../errors.js';
import { jsKernel } from './js.js';
import { damerauLevenshtein, damerauOf } from './js/damerau.js';
import { hamming } from './js/hamming.js';
import { CachedLcs, indel, longestCommonSubsequence, normalizedSimilarity, ratio } from './js/lcs.js';
import { CachedOsa, osa } from './js/osa.js';
import { codePointsInto, grownCapacity } from './js/text.js';
import { levenshteinWeighted } from './js/weighted.js';

const atLeast = (s: number, min: number) => (s >= min ? s : 0);

let qBuf = new Int32Array(64);
let cBuf = new Int32Array(64);

function scoreExtra(metric: AnyMetric, query: string, choices: readonly string[], param: number, cutoff: number, out: Float64Array): void {
  const n = choices.length;
  const max = cutoff;
  const min = cutoff < 0 ? 0 : cutoff;
  switch (metric) {
    case 'indel':
    case 'ratio':
    case 'longestCommonSubsequence': {
      const scorer = new CachedLcs(query);
      if (metric === 'indel') for (let i = 0; i < n; i++) out[i] = scorer.indel(choices[i], max);
      else if (metric === 'ratio') for (let i = 0; i < n; i++) out[i] = scorer.ratio(choices[i], min);
      else for (let i = 0; i < n; i++) out[i] = scorer.lcs(choices[i]);
      return;
    }
    case 'osa':
    case 'osaSimilarity': {
      const scorer = new CachedOsa(query);
      const m = scorer.size;
      if (metric === 'osa') for (let i = 0; i < n; i++) out[i] = scorer.distance(choices[i], max);
      else {
        for (let i = 0; i < n; i++) {
          const d = scorer.distance(choices[i], -1);
          const l = scorer.n;
          out[i] = atLeast(normalizedSimilarity(d, m > l ? m : l), min);
        }
      }
      return;
    }
    case 'hamming':
    case 'hammingSimilarity':
    case 'damerauLevenshtein':
    case 'damerauLevenshteinSimilarity': {
      if (qBuf.length < query.length) qBuf = new Int32Array(grownCapacity(qBuf.length, query.length));
      const Q = qBuf;
      const ql = codePointsInto(query, Q);
      const pad = param === 1;
      for (let i = 0; i < n; i++) {
        const c = choices[i];
        if (cBuf.length < c.length) cBuf = new Int32Array(grownCapacity(cBuf.length, c.length));
        const C = cBuf;
        const cl = codePointsInto(c, C);
        const longer = ql > cl ? ql : cl;
        if (metric === 'hamming' || metric === 'hammingSimilarity') {
          if (!pad && cl !== ql) {
            out[i] = -1;
            continue;
          }
          let d = ql > cl ? ql - cl : cl - ql;
          const k = ql < cl ? ql : cl;
          for (let j = 0; j < k; j++) if (Q[j] !== C[j]) d++;
          if (metric === 'hamming') out[i] = max >= 0 && d > max ? max + 1 : d;
          else out[i] = atLeast(normalizedSimilarity(d, longer), min);
        } else if (metric === 'damerauLevenshtein') {
          out[i] = damerauOf(Q, ql, C, cl, max);
        } else {
          out[i] = atLeast(normalizedSimilarity(damerauOf(Q, ql, C, cl, -1), longer), min);
        }
      }
      return;
    }
    default:
      jsKernel.scoreMany(metric, query, choices, param, cutoff, out);
  }
}

function outOfMemory(err: unknown): unknown {
  if (!(err instanceof RangeError) || 'code' in err) return err;
  const e = rangeError(ERROR_CODES.OUT_OF_MEMORY, 'strdist: out of memory for this input');
  e.cause = err;
  return e;
}

function guarded<A extends unknown[], R>(f: (...args: A) => R): (...args: A) => R {
  return (...args: A) => {
    try {
      return f(...args);
    } catch (err) {
      throw outOfMemory(err);
    }
  };
}

/** The pure-TypeScript kernels of the added metrics. */
export const jsExtraKernel: ExtraKernel = Object.freeze({
  indel: guarded(indel),
  ratio: guarded(ratio),
  longestCommonSubsequence: guarded(longestCommonSubsequence),
  hamming: guarded((a: string, b: string, _pad: boolean, max: number) => hamming(a, b, max)),
  hammingSimilarity: guarded((a: string, b: string, _pad: boolean, min: number) => {
    const la = codePointCount(a);
    const lb = codePointCount(b);
    return atLeast(normalizedSimilarity(hamming(a, b, -1), la > lb ? la : lb), min);
  }),
  osa: guarded(osa),
  osaSimilarity: guarded((a: string, b: string, min: number) => {
    const la = codePointCount(a);
    const lb = codePointCount(b);
    return atLeast(normalizedSimilarity(osa(a, b, -1), la > lb ? la : lb), min);
  }),
  damerauLevenshtein: guarded(damerauLevenshtein),
  damerauLevenshteinSimilarity: guarded((a: string, b: string, min: number) => {
    const la = codePointCount(a);
    const lb = codePointCount(b);
    return atLeast(normalizedSimilarity(damerauLevenshtein(a, b, -1), la > lb ? la : lb), min);
  }),
  levenshteinWeighted: guarded(levenshteinWeighted),
  scoreManyAny: guarded(scoreExtra),
});

function codePointCount(s: string): number {
  let n = s.length;
  for (let i = 0; i + 1 < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}
