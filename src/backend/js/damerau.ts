/**
 * Unrestricted Damerau-Levenshtein distance over code points (Lowrance & Wagner 1975) in
 * linear memory (Zhao, Sahni et al. 2018), the twin of native/damerau.hpp: of the
 * transpositions from the last row k with a[k] = b[j] and the last column l with b[l] = a[i],
 * only those with i - k = 1 or j - l = 1 can beat the plain edits.
 */
import { decodePair } from './lcs.js';

// Last row (1-based, 0: none) of each code point of a so far: BMP in a table, astral in a map.
const lastBmp = new Int32Array(0x10000);
const lastAstral = new Map<number, number>();
let r0 = new Int32Array(64);
let r1 = new Int32Array(64);
let fr = new Int32Array(64);

function zhao(A: Int32Array, as: number, la: number, B: Int32Array, bs: number, lb: number): number {
  const big = la + lb + 1;
  if (r0.length < lb + 2) {
    r0 = new Int32Array(lb + 2);
    r1 = new Int32Array(lb + 2);
    fr = new Int32Array(lb + 2);
  }
  // Arrays are shifted by one: index j + 1 holds column j, so column -1 exists.
  let prev2 = r0;
  let prev = r1;
  const FR = fr;
  FR.fill(big, 0, lb + 2);
  prev.fill(big, 0, lb + 2); // row -1
  prev2[0] = big;
  for (let j = 0; j <= lb; j++) prev2[j + 1] = j; // row 0
  let t = prev;
  prev = prev2;
  prev2 = t;
  for (let i = 1; i <= la; i++) {
    const cur = prev2;
    const ai = A[as + i - 1];
    let lastCol = -1;
    let saved = cur[1];
    cur[1] = i;
    let T = big;
    for (let j = 1; j <= lb; j++) {
      const bj = B[bs + j - 1];
      const left = cur[j];
      const up = prev[j + 1];
      let best = prev[j] + (ai !== bj ? 1 : 0);
      const edit = (left < up ? left : up) + 1;
      if (edit < best) best = edit;
      if (ai === bj) {
        lastCol = j;
        FR[j + 1] = prev[j - 1];
        T = saved;
      } else {
        const k = bj < 0x10000 ? lastBmp[bj] : (lastAstral.get(bj) ?? 0);
        if (j - lastCol === 1) {
          if (k > 0) {
            const tr = FR[j + 1] + i - k;
            if (tr < best) best = tr;
          }
        } else if (k > 0 && i - k === 1) {
          const tr = T + j - lastCol;
          if (tr < best) best = tr;
        }
      }
      saved = cur[j + 1];
      cur[j + 1] = best;
    }
    if (ai < 0x10000) lastBmp[ai] = i;
    else lastAstral.set(ai, i);
    prev2 = prev;
    prev = cur;
  }
  for (let i = 0; i < la; i++) {
    const c = A[as + i];
    if (c < 0x10000) lastBmp[c] = 0;
  }
  if (lastAstral.size !== 0) lastAstral.clear();
  return prev[lb + 1];
}

export function damerauOf(A: Int32Array, la: number, B: Int32Array, lb: number, max: number): number {
  const diff = la > lb ? la - lb : lb - la;
  if (max >= 0 && diff > max) return max + 1;
  const n = la < lb ? la : lb;
  let p = 0;
  while (p < n && A[p] === B[p]) p++;
  let s = 0;
  while (s < n - p && A[la - 1 - s] === B[lb - 1 - s]) s++;
  const ma = la - p - s;
  const mb = lb - p - s;
  const d = ma === 0 || mb === 0 ? ma + mb : zhao(A, p, ma, B, p, mb);
  return max >= 0 && d > max ? max + 1 : d;
}

/** Damerau-Levenshtein distance; `max + 1` past `max` (max < 0: no cutoff). */
export function damerauLevenshtein(a: string, b: string, max: number): number {
  const [A, la, B, lb] = decodePair(a, b);
  return damerauOf(A, la, B, lb, max);
}
