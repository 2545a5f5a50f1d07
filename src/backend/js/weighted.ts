/**
 * Levenshtein distance with integer weights, the twin of native/weighted.hpp: insert = delete
 * = 0 gives 0; uniform weights w give w * the unit distance (bit-parallel); insert = delete = w
 * with substitute >= 2w gives w * Indel (bit-parallel LCS); anything else runs Wagner-Fischer
 * over one row after the common prefix and suffix are set aside. Weights are at most 2^20, so
 * every sum stays an exact double.
 */
import { lcsOf, decodePair } from './lcs.js';
import { levenshtein } from './levenshtein.js';

let row = new Float64Array(64);

function wagnerFischer(A: Int32Array, as: number, la: number, B: Int32Array, bs: number, lb: number, ins: number, del: number, sub: number): number {
  if (row.length < lb + 1) row = new Float64Array(lb + 1);
  const r = row;
  for (let j = 0; j <= lb; j++) r[j] = j * ins;
  for (let i = 1; i <= la; i++) {
    let diag = r[0];
    r[0] = i * del;
    const ai = A[as + i - 1];
    for (let j = 1; j <= lb; j++) {
      const up = r[j];
      let best = diag + (ai === B[bs + j - 1] ? 0 : sub);
      const d = up + del;
      if (d < best) best = d;
      const l = r[j - 1] + ins;
      if (l < best) best = l;
      diag = up;
      r[j] = best;
    }
  }
  return r[lb];
}

/** Weighted distance; `max + 1` past `max` (max < 0: no cutoff). */
export function levenshteinWeighted(a: string, b: string, ins: number, del: number, sub: number, max: number): number {
  const cut = (d: number) => (max >= 0 && d > max ? max + 1 : d);
  if (ins === del) {
    if (ins === 0) return 0;
    const unitMax = max < 0 ? -1 : Math.floor(max / ins);
    if (sub === ins) {
      const d = levenshtein(a, b, unitMax);
      return unitMax >= 0 && d > unitMax ? max + 1 : cut(d * ins);
    }
    if (sub >= ins + del) {
      const [A, la, B, lb] = decodePair(a, b);
      const diff = la > lb ? la - lb : lb - la;
      if (unitMax >= 0 && diff > unitMax) return max + 1;
      const d = la + lb - 2 * lcsOf(A, la, B, lb);
      return unitMax >= 0 && d > unitMax ? max + 1 : cut(d * ins);
    }
  }
  const [A, la, B, lb] = decodePair(a, b);
  const floorCost = la > lb ? (la - lb) * del : (lb - la) * ins;
  if (max >= 0 && floorCost > max) return max + 1;
  const n = la < lb ? la : lb;
  let p = 0;
  while (p < n && A[p] === B[p]) p++;
  let s = 0;
  while (s < n - p && A[la - 1 - s] === B[lb - 1 - s]) s++;
  return cut(wagnerFischer(A, p, la - p - s, B, p, lb - p - s, ins, del, sub));
}
