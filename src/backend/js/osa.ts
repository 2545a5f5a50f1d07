/**
 * Optimal string alignment distance over code points, bit-parallel (Hyyrö 2003), the twin of
 * native/osa.hpp: Myers' recurrence plus the transposition vector
 * `TR = ((~D0_prev & PM[t_j]) << 1) & PM[t_{j-1}]` OR-ed into D0; in blocks of 32 rows, bit 0
 * of a block's TR comes from bit 31 of the block above.
 */
import { decodePair } from './lcs.js';
import { BlockPattern, codePointsInto, grownCapacity, ID16, IDA } from './text.js';

let VP = new Int32Array(64);
let VN = new Int32Array(64);
let D0S = new Int32Array(64);
let PMS = new Int32Array(64);
let EQ = new Int32Array(64);
const scratch = new BlockPattern();

/** OSA distance between the installed block pattern and `T[ts .. ts + n)` (both non-empty). */
export function osaBlocks(bp: BlockPattern, T: Int32Array, ts: number, n: number): number {
  const W = bp.W;
  const m = bp.m;
  const dense = bp.dense;
  const rows = bp.rows;
  const last = 1 << ((m - 1) & 31);
  let dist = m;
  if (W === 1) {
    let vp = -1;
    let vn = 0;
    let d0 = 0;
    let pmPrev = 0;
    for (let j = 0; j < n; j++) {
      const c = T[ts + j];
      const X = dense ? rows[c < 0x10000 ? ID16[c] : (IDA.get(c) ?? 0)] : bp.hashed(0, c);
      const TR = ((~d0 & X) << 1) & pmPrev;
      d0 = (((X & vp) + vp) ^ vp) | X | vn | TR;
      let hp = vn | ~(d0 | vp);
      const hn = d0 & vp;
      if ((hp & last) !== 0) dist++;
      if ((hn & last) !== 0) dist--;
      hp = (hp << 1) | 1;
      const hn1 = hn << 1;
      vp = hn1 | ~(d0 | hp);
      vn = hp & d0;
      pmPrev = X;
    }
    return dist;
  }
  if (VP.length < W) {
    const size = grownCapacity(VP.length, W);
    VP = new Int32Array(size);
    VN = new Int32Array(size);
    D0S = new Int32Array(size);
    PMS = new Int32Array(size);
    EQ = new Int32Array(size);
  }
  const vpA = VP;
  const vnA = VN;
  const d0A = D0S;
  const pmA = PMS;
  vpA.fill(-1, 0, W);
  vnA.fill(0, 0, W);
  d0A.fill(0, 0, W);
  pmA.fill(0, 0, W);
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
    let hpCarry = 1;
    let hnCarry = 0;
    let above = 0;
    for (let w = 0; w < W; w++) {
      const X = src[row + w];
      const vp = vpA[w];
      const vn = vnA[w];
      const prev = d0A[w];
      const TR = (((~prev & X) << 1) | above) & pmA[w];
      above = (~prev & X) >>> 31;
      const Xh = X | hnCarry;
      const d0 = (((Xh & vp) + vp) ^ vp) | Xh | vn | TR;
      let hp = vn | ~(d0 | vp);
      let hn = d0 & vp;
      if (w === W - 1) {
        if ((hp & last) !== 0) dist++;
        if ((hn & last) !== 0) dist--;
      }
      const hpOut = hp >>> 31;
      const hnOut = hn >>> 31;
      hp = (hp << 1) | hpCarry;
      hn = (hn << 1) | hnCarry;
      hpCarry = hpOut;
      hnCarry = hnOut;
      vpA[w] = hn | ~(d0 | hp);
      vnA[w] = hp & d0;
      d0A[w] = d0;
      pmA[w] = X;
    }
  }
  return dist;
}

export function osaOf(A: Int32Array, la: number, B: Int32Array, lb: number, max: number): number {
  if (la > lb) {
    const t = A;
    A = B;
    B = t;
    const l = la;
    la = lb;
    lb = l;
  }
  if (max >= 0 && lb - la > max) return max + 1;
  let p = 0;
  while (p < la && A[p] === B[p]) p++;
  let s = 0;
  while (s < la - p && A[la - 1 - s] === B[lb - 1 - s]) s++;
  const m = la - p - s;
  let d: number;
  if (m === 0) {
    d = lb - la;
  } else {
    scratch.build(A, p, m);
    d = osaBlocks(scratch, B, p, lb - p - s);
    scratch.release();
  }
  return max >= 0 && d > max ? max + 1 : d;
}

/** OSA distance; `max + 1` past `max` (max < 0: no cutoff). */
export function osa(a: string, b: string, max: number): number {
  const [A, la, B, lb] = decodePair(a, b);
  return osaOf(A, la, B, lb, max);
}

export class CachedOsa {
  readonly #bp = new BlockPattern();
  readonly #m: number;
  #buf = new Int32Array(64);
  constructor(query: string) {
    const q = new Int32Array(query.length);
    this.#m = codePointsInto(query, q);
    if (this.#m > 0) this.#bp.build(q, 0, this.#m);
  }
  /** The length of the last string scored. */
  n = 0;
  distance(s: string, max: number): number {
    if (this.#buf.length < s.length) this.#buf = new Int32Array(grownCapacity(this.#buf.length, s.length));
    const n = codePointsInto(s, this.#buf);
    this.n = n;
    const m = this.#m;
    const diff = m > n ? m - n : n - m;
    if (max >= 0 && diff > max) return max + 1;
    let d: number;
    if (m === 0) d = n;
    else if (n === 0) d = m;
    else {
      this.#bp.use();
      d = osaBlocks(this.#bp, this.#buf, 0, n);
    }
    return max >= 0 && d > max ? max + 1 : d;
  }
  get size(): number {
    return this.#m;
  }
}
