/**
 * Longest common subsequence and the Indel distance over code points, bit-parallel (Allison &
 * Dix 1986; Hyyrö 2004, "Bit-parallel LCS-length computation revisited"), the twin of
 * native/lcs.hpp: per text code point with match vector M, `U = S & M; S = (S + U) | (S - U)`;
 * the LCS length is the number of zero bits of S among the pattern's rows. Blocks of 32 rows
 * here, with the addition's carry passed from block to block.
 * Indel = |a| + |b| - 2 * LCS; ratio = 1 - Indel / (|a| + |b|), 1 for two empty strings.
 */
import { BlockPattern, codePointsInto, grownCapacity, ID16, IDA } from './text.js';

let bufA = new Int32Array(256);
let bufB = new Int32Array(256);
let S = new Int32Array(64);
let EQ = new Int32Array(64);
const scratch = new BlockPattern();

export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Code points of a and b into the module buffers; returns their counts. */
export function decodePair(a: string, b: string): [Int32Array, number, Int32Array, number] {
  if (bufA.length < a.length) bufA = new Int32Array(grownCapacity(bufA.length, a.length));
  if (bufB.length < b.length) bufB = new Int32Array(grownCapacity(bufB.length, b.length));
  return [bufA, codePointsInto(a, bufA), bufB, codePointsInto(b, bufB)];
}

/** LCS length of the installed block pattern `bp` and `T[ts .. ts + n)`. */
export function lcsBlocks(bp: BlockPattern, T: Int32Array, ts: number, n: number): number {
  const W = bp.W;
  const m = bp.m;
  if (m === 0 || n === 0) return 0;
  if (S.length < W) {
    S = new Int32Array(grownCapacity(S.length, W));
    EQ = new Int32Array(S.length);
  }
  const dense = bp.dense;
  const rows = bp.rows;
  if (W === 1) {
    let s = -1;
    for (let j = 0; j < n; j++) {
      const c = T[ts + j];
      const M = dense ? rows[c < 0x10000 ? ID16[c] : (IDA.get(c) ?? 0)] : bp.hashed(0, c);
      const u = s & M;
      s = (s + u) | (s & ~M);
    }
    return popcount32(~s & (m === 32 ? -1 : (1 << m) - 1));
  }
  const st = S;
  st.fill(-1, 0, W);
  for (let j = 0; j < n; j++) {
    const c = T[ts + j];
    let src: Int32Array;
    let row: number;
    if (dense) {
      src = rows;
      row = (c < 0x10000 ? ID16[c] : (IDA.get(c) ?? 0)) * W;
    } else {
      src = EQ;
      row = 0;
      for (let w = 0; w < W; w++) EQ[w] = bp.hashed(w, c);
    }
    let carry = 0;
    for (let w = 0; w < W; w++) {
      const s = st[w];
      const M = src[row + w];
      const u = s & M;
      const x = (s >>> 0) + (u >>> 0) + carry;
      carry = x > 0xffffffff ? 1 : 0;
      st[w] = x | (s & ~M);
    }
  }
  let lcs = 0;
  for (let w = 0; w < W - 1; w++) lcs += popcount32(~st[w]);
  const rest = m - ((W - 1) << 5);
  return lcs + popcount32(~st[W - 1] & (rest === 32 ? -1 : (1 << rest) - 1));
}

/** Length of a longest common subsequence of the code points of a and b. */
export function lcsOf(A: Int32Array, la: number, B: Int32Array, lb: number): number {
  if (la > lb) {
    const t = A;
    A = B;
    B = t;
    const l = la;
    la = lb;
    lb = l;
  }
  let p = 0;
  while (p < la && A[p] === B[p]) p++;
  let s = 0;
  while (s < la - p && A[la - 1 - s] === B[lb - 1 - s]) s++;
  const m = la - p - s;
  if (m === 0) return p + s;
  scratch.build(A, p, m);
  const l = lcsBlocks(scratch, B, p, lb - p - s);
  scratch.release();
  return p + s + l;
}

export function longestCommonSubsequence(a: string, b: string): number {
  const [A, la, B, lb] = decodePair(a, b);
  return lcsOf(A, la, B, lb);
}

/** Indel distance; `max + 1` past `max` (max < 0: no cutoff). */
export function indel(a: string, b: string, max: number): number {
  const [A, la, B, lb] = decodePair(a, b);
  const diff = la > lb ? la - lb : lb - la;
  if (max >= 0 && diff > max) return max + 1;
  const d = la + lb - 2 * lcsOf(A, la, B, lb);
  return max >= 0 && d > max ? max + 1 : d;
}

/** 1 - d / maximum, 1 when maximum is 0 (RapidFuzz's normalized_similarity). */
export function normalizedSimilarity(d: number, maximum: number): number {
  if (maximum === 0) return 1;
  return 1 - d / maximum;
}

export function ratio(a: string, b: string, min: number): number {
  const [A, la, B, lb] = decodePair(a, b);
  const r = normalizedSimilarity(la + lb - 2 * lcsOf(A, la, B, lb), la + lb);
  return r >= min ? r : 0;
}

/** A query whose match vectors are built once, scored against many strings. */
export class CachedLcs {
  readonly #bp = new BlockPattern();
  readonly #m: number;
  #buf = new Int32Array(64);
  constructor(query: string) {
    const q = new Int32Array(query.length);
    this.#m = codePointsInto(query, q);
    if (this.#m > 0) {
      this.#bp.build(q, 0, this.#m);
    }
  }
  #decode(s: string): number {
    if (this.#buf.length < s.length) this.#buf = new Int32Array(grownCapacity(this.#buf.length, s.length));
    return codePointsInto(s, this.#buf);
  }
  lcs(s: string): number {
    const n = this.#decode(s);
    if (this.#m === 0 || n === 0) return 0;
    this.#bp.use();
    return lcsBlocks(this.#bp, this.#buf, 0, n);
  }
  indel(s: string, max: number): number {
    const n = this.#decode(s);
    const m = this.#m;
    const diff = m > n ? m - n : n - m;
    if (max >= 0 && diff > max) return max + 1;
    let l = 0;
    if (m > 0 && n > 0) {
      this.#bp.use();
      l = lcsBlocks(this.#bp, this.#buf, 0, n);
    }
    const d = m + n - 2 * l;
    return max >= 0 && d > max ? max + 1 : d;
  }
  ratio(s: string, min: number): number {
    const n = this.#decode(s);
    const m = this.#m;
    let l = 0;
    if (m > 0 && n > 0) {
      this.#bp.use();
      l = lcsBlocks(this.#bp, this.#buf, 0, n);
    }
    const r = normalizedSimilarity(m + n - 2 * l, m + n);
    return r >= min ? r : 0;
  }
}
