/**
 * Unit-cost Levenshtein distance over code points, bit-parallel (Myers 1999, in the form of
 * Hyyrö 2003): one 32-bit word per text character for patterns of at most 32 code points,
 * blocks of 32 rows with carries between them for longer ones. With a cutoff, only the blocks
 * inside Ukkonen's diagonal band are computed and the scan stops once the band is out of reach.
 */
import {
  BlockPattern,
  codePointsInto,
  createMaskTable,
  grownCapacity,
  ID16,
  IDA,
  PatternMasks,
  toCodePoints,
} from './text.js';

let bufA = new Int32Array(256);
let bufB = new Int32Array(256);

// Block state: positive / negative vertical deltas, score at the bottom row of each block,
// and the current text character's masks when they come from the hashed layout.
let VP = new Int32Array(64);
let VN = new Int32Array(64);
let SC = new Int32Array(64);
let EQ = new Int32Array(64);

const scratch = new BlockPattern();

function ensureBlocks(W: number): void {
  if (VP.length < W) {
    const size = grownCapacity(VP.length, W);
    VP = new Int32Array(size);
    VN = new Int32Array(size);
    SC = new Int32Array(size);
    EQ = new Int32Array(size);
  }
}

/**
 * Distance between a block pattern (ids installed when dense) and `T[ts .. ts + n)` with
 * cutoff `k` (k < 0: none, the whole matrix). Myers' block algorithm: each block takes the
 * horizontal delta of the row above it (`hin`) and passes its own bottom one down.
 *
 * With a cutoff only rows i with |i - j| + |(m - i) - (n - j)| <= k can lie on a path of cost
 * <= k. Blocks above that band are frozen (their bottom row is taken to grow by 1 per column,
 * an over-estimate), blocks below it start from an over-estimate (+1 per row) when the band
 * reaches them; cells on an optimal path of cost <= k are still computed exactly.
 */
function blockRun(bp: BlockPattern, T: Int32Array, ts: number, n: number, k: number): number {
  const W = bp.W;
  const m = bp.m;
  ensureBlocks(W);
  const vpA = VP;
  const vnA = VN;
  const scA = SC;
  const cut = k >= 0;
  const kk = cut ? k : m + n;
  const D0 = m - n;
  const ad = D0 < 0 ? -D0 : D0;
  if (ad > kk) return k + 1;
  const s = (kk - ad) >>> 1;
  const offLo = (D0 < 0 ? D0 : 0) - s;
  const offHi = (D0 > 0 ? D0 : 0) + s;
  const lastW = W - 1;
  const lastBits = m - (lastW << 5);
  const lastTop = 1 << (lastBits - 1);
  const dense = bp.dense;
  const rows = bp.rows;

  // Column 0: D[i][0] = i.
  let hi = 1 + offHi >= m ? lastW : (offHi >>> 5);
  for (let b = 0; b <= hi; b++) {
    vpA[b] = -1;
    vnA[b] = 0;
    scA[b] = b === lastW ? m : (b + 1) << 5;
  }

  for (let j = 1; j <= n; j++) {
    const iLo = j + offLo;
    const bLo = iLo <= 1 ? 0 : (iLo - 1) >>> 5;
    const iHi = j + offHi;
    const bHi = iHi >= m ? lastW : (iHi - 1) >>> 5;
    while (hi < bHi) {
      hi++;
      vpA[hi] = -1;
      vnA[hi] = 0;
      scA[hi] = scA[hi - 1] + (hi === lastW ? lastBits : 32);
    }
    const c = T[ts + j - 1];
    let src: Int32Array;
    let row: number;
    if (dense) {
      src = rows;
      row = (c < 0x10000 ? ID16[c] : (IDA.get(c) ?? 0)) * W;
    } else {
      src = EQ;
      row = 0;
      for (let b = bLo; b <= hi; b++) EQ[b] = bp.hashed(b, c);
    }
    let hin = 1;
    let low = 0x7fffffff;
    const cj = D0 + j;
    for (let b = bLo; b <= hi; b++) {
      let eq = src[row + b];
      const vp = vpA[b];
      const vn = vnA[b];
      const xv = eq | vn;
      if (hin < 0) eq |= 1;
      const xh = (((eq & vp) + vp) ^ vp) | eq;
      let ph = vn | ~(xh | vp);
      let mh = vp & xh;
      const tb = b === lastW ? lastTop : -0x80000000;
      const hout = (ph & tb) !== 0 ? 1 : (mh & tb) !== 0 ? -1 : 0;
      ph <<= 1;
      mh <<= 1;
      if (hin < 0) mh |= 1;
      else if (hin > 0) ph |= 1;
      vpA[b] = mh | ~(xv | ph);
      vnA[b] = ph & xv;
      const sc = scA[b] + hout;
      scA[b] = sc;
      hin = hout;
      if (cut) {
        // Lower bound on D[i][j] + |(m - i) - (n - j)| over the block's rows (row 0, the
        // top boundary, counts with block 0), from D[i][j] >= sc - (bottom - i).
        const first = b === 0 ? 0 : (b << 5) + 1;
        const bottom = b === lastW ? m : (b + 1) << 5;
        const lb = cj >= first ? sc - bottom + cj : sc - bottom + 2 * first - cj;
        if (lb < low) low = lb;
      }
    }
    if (cut && low > k) return k + 1;
  }
  const d = scA[lastW];
  return cut && d > k ? k + 1 : d;
}

/**
 * Block distance with cutoff `max` (< 0: none). An exponential search on the band: try a
 * narrow cutoff first and double it while the distance exceeds it.
 */
function blockDistance(bp: BlockPattern, T: Int32Array, ts: number, n: number, max: number): number {
  const m = bp.m;
  // A cutoff of at least max(m, n) cannot be exceeded (and would overflow the band arithmetic).
  const cap = max >= 0 && max < (m > n ? m : n) ? max : -1;
  const ad = m > n ? m - n : n - m;
  if (cap >= 0 && ad > cap) return cap + 1;
  let k = ad + 32;
  for (;;) {
    if (cap >= 0 && k >= cap) return blockRun(bp, T, ts, n, cap);
    // About k / 32 + 2 blocks per column; past half the pattern, the whole matrix is cheaper.
    if (((k >>> 5) + 2) * 2 >= bp.W) return blockRun(bp, T, ts, n, cap);
    const d = blockRun(bp, T, ts, n, k);
    if (d <= k) return d;
    k *= 2;
  }
}

/**
 * The single-word kernels and the entry points, in a closure so that the mask table is a
 * `const` binding there (see the speed note in text.ts).
 */
const impl = (() => {
  const table = createMaskTable();
  const PM16 = table.pm;
  const PMA = table.astral;
  /** Pattern units of the fast path, to clear PM16 afterwards. */
  const FP = new Int32Array(32);

  /**
   * Distance between the installed single-word pattern (PM16 / PMA, shifted right by `shift`,
   * `m` rows, 1 <= m <= 32) and `T[ts .. ts + n)`. `max` < 0: no cutoff.
   */
  function myers32(m: number, shift: number, T: Int32Array, ts: number, n: number, max: number): number {
    let vp = -1;
    let vn = 0;
    let score = m;
    const top = m - 1;
    // After column j (0-based) the distance is at least score - (n - 1 - j).
    const lim = max < 0 ? 0x7fffffff : max + n - 1;
    for (let j = 0; j < n; j++) {
      const c = T[ts + j];
      const pm = (c < 0x10000 ? PM16[c] : (PMA.get(c) ?? 0)) >> shift;
      const x = pm | vn;
      const d0 = (((x & vp) + vp) ^ vp) | x;
      const hp = vn | ~(d0 | vp);
      const hn = vp & d0;
      score += ((hp >>> top) & 1) - ((hn >>> top) & 1);
      if (score + j > lim) return max + 1;
      const hps = (hp << 1) | 1;
      vp = (hn << 1) | ~(d0 | hps);
      vn = hps & d0;
    }
    return max >= 0 && score > max ? max + 1 : score;
  }

  /**
   * Fast path straight on the strings, for a pattern `p` of 1..32 UTF-16 units: returns -1 as
   * soon as either string turns out to hold a surrogate (the caller then takes the general
   * path). Up to that point code units are code points, so every result it gives is exact;
   * with a cutoff the early exit only needs the text read so far: later surrogates can only
   * shorten what is left. (Noting surrogates branch-free instead, as jaroShort does, measured
   * slower here: this loop has no data-dependent branch to save, only instructions to add.)
   */
  function short32(p: string, t: string, max: number): number {
    const m = p.length;
    const n = t.length;
    table.free();
    for (let i = 0; i < m; i++) {
      const c = p.charCodeAt(i);
      if ((c & 0xf800) === 0xd800) {
        for (let k = 0; k < i; k++) PM16[FP[k]] = 0;
        return -1;
      }
      FP[i] = c;
      PM16[c] |= 1 << i;
    }
    let vp = -1;
    let vn = 0;
    let score = m;
    const top = m - 1;
    const lim = max < 0 ? 0x7fffffff : max + n - 1;
    for (let j = 0; j < n; j++) {
      const c = t.charCodeAt(j);
      if ((c & 0xf800) === 0xd800) {
        score = -1;
        break;
      }
      const x = PM16[c] | vn;
      const d0 = (((x & vp) + vp) ^ vp) | x;
      const hp = vn | ~(d0 | vp);
      const hn = vp & d0;
      score += ((hp >>> top) & 1) - ((hn >>> top) & 1);
      if (score + j > lim) {
        score = max + 1;
        break;
      }
      const hps = (hp << 1) | 1;
      vp = (hn << 1) | ~(d0 | hps);
      vn = hps & d0;
    }
    for (let i = 0; i < m; i++) PM16[FP[i]] = 0;
    return max >= 0 && score > max ? max + 1 : score;
  }

  /**
   * The public functions' fast path (src/metrics.ts): the distance without cutoff when both
   * strings are non-empty, the longer has at most 32 UTF-16 units and neither holds a
   * surrogate; else -1 (the caller takes the checked, general path).
   */
  function levenshteinShort(a: string, b: string): number {
    // The longer string is the pattern. One call site, so that the kernel is inlined whole.
    const swap = a.length < b.length;
    const p = swap ? b : a;
    const t = swap ? a : b;
    return p.length <= 32 && t.length !== 0 ? short32(p, t, -1) : -1;
  }

  /** Pattern P[ps .. ps + m), text T[ts .. ts + n), 1 <= m <= n. */
  function pairDistance(P: Int32Array, ps: number, m: number, T: Int32Array, ts: number, n: number, max: number): number {
    if (m <= 32) {
      table.set(P, ps, m);
      const d = myers32(m, 0, T, ts, n, max);
      table.clear(P, ps, m);
      return d;
    }
    scratch.build(P, ps, m);
    const d = blockDistance(scratch, T, ts, n, max);
    scratch.release();
    return d;
  }

  /** Distance between the code points A[0..la) and B[0..lb). */
  function distanceOf(A: Int32Array, la: number, B: Int32Array, lb: number, max: number): number {
    if (max >= 0 && (la > lb ? la - lb : lb - la) > max) return max + 1;
    const mn = la < lb ? la : lb;
    let s = 0;
    while (s < mn && A[s] === B[s]) s++;
    let ea = la;
    let eb = lb;
    while (ea > s && eb > s && A[ea - 1] === B[eb - 1]) {
      ea--;
      eb--;
    }
    const na = ea - s;
    const nb = eb - s;
    // One side empty: the distance is the length difference, already checked against max.
    if (na === 0 || nb === 0) return na + nb;
    if (max === 0) return 1;
    // Both remainders differ at their first and at their last code point: one edit can only
    // be a single substitution of one code point.
    if (max === 1) return na === 1 && nb === 1 ? 1 : 2;
    return na <= nb ? pairDistance(A, s, na, B, s, nb, max) : pairDistance(B, s, nb, A, s, na, max);
  }

  /** The general path: decode both strings into the reusable buffers. */
  function general(a: string, b: string, max: number): number {
    if (a === b) return 0;
    if (a.length > bufA.length) bufA = new Int32Array(grownCapacity(bufA.length, a.length));
    if (b.length > bufB.length) bufB = new Int32Array(grownCapacity(bufB.length, b.length));
    const A = bufA;
    const B = bufB;
    const la = codePointsInto(a, A);
    const lb = codePointsInto(b, B);
    return distanceOf(A, la, B, lb, max);
  }

  function levenshtein(a: string, b: string, max: number): number {
    const ua = a.length;
    const ub = b.length;
    // Short strings: one pass over each, no copies. The longer string is the pattern (the
    // text loop is the costly one). A length difference above the cutoff goes to the general
    // path, which answers it right after decoding.
    const swap = ua < ub;
    const lp = swap ? ub : ua;
    const lt = swap ? ua : ub;
    if (lp <= 32 && lt !== 0 && (max < 0 || lp - lt <= max)) {
      const d = swap ? short32(b, a, max) : short32(a, b, max);
      if (d >= 0) return d;
    }
    return general(a, b, max);
  }

  function levenshteinSimilarity(a: string, b: string): number {
    if (a === b) return 1;
    if (a.length > bufA.length) bufA = new Int32Array(grownCapacity(bufA.length, a.length));
    if (b.length > bufB.length) bufB = new Int32Array(grownCapacity(bufB.length, b.length));
    const A = bufA;
    const B = bufB;
    const la = codePointsInto(a, A);
    const lb = codePointsInto(b, B);
    const d = distanceOf(A, la, B, lb, -1);
    return 1 - d / Math.max(la, lb);
  }

  /** Distance between a cached query Q[0..lq) and B[0..lb). */
  function fromQuery(
    Q: Int32Array,
    lq: number,
    masks: PatternMasks | null,
    blocks: BlockPattern | null,
    B: Int32Array,
    lb: number,
    max: number,
  ): number {
    if (max >= 0 && (lq > lb ? lq - lb : lb - lq) > max) return max + 1;
    if (masks === null) {
      if (blocks === null || lb === 0) return lq + lb; // one side empty
      blocks.use();
      return blockDistance(blocks, B, 0, lb, max);
    }
    const mn = lq < lb ? lq : lb;
    let s = 0;
    while (s < mn && Q[s] === B[s]) s++;
    let eq = lq;
    let eb = lb;
    while (eq > s && eb > s && Q[eq - 1] === B[eb - 1]) {
      eq--;
      eb--;
    }
    const nq = eq - s;
    const nb = eb - s;
    if (nq === 0 || nb === 0) return nq + nb;
    if (max === 0) return 1;
    if (max === 1) return nq === 1 && nb === 1 ? 1 : 2;
    // The query's masks shifted right by s are those of Q[s..); the bits of the stripped
    // suffix sit above row nq and never reach it.
    table.use(masks);
    return myers32(nq, s, B, s, nb, max);
  }

  function cachedDistance(
    Q: Int32Array,
    masks: PatternMasks | null,
    blocks: BlockPattern | null,
    b: string,
    max: number,
  ): number {
    if (b.length > bufB.length) bufB = new Int32Array(grownCapacity(bufB.length, b.length));
    const B = bufB;
    const lb = codePointsInto(b, B);
    return fromQuery(Q, Q.length, masks, blocks, B, lb, max);
  }

  function cachedSimilarity(Q: Int32Array, masks: PatternMasks | null, blocks: BlockPattern | null, b: string): number {
    if (b.length > bufB.length) bufB = new Int32Array(grownCapacity(bufB.length, b.length));
    const B = bufB;
    const lb = codePointsInto(b, B);
    const lq = Q.length;
    const d = fromQuery(Q, lq, masks, blocks, B, lb, -1);
    return 1 - d / Math.max(lq, lb);
  }

  return { levenshtein, levenshteinShort, levenshteinSimilarity, cachedDistance, cachedSimilarity };
})();

/** Unit-cost Levenshtein over code points; when the distance exceeds max, returns max + 1. max = -1 means no cutoff. */
export const levenshtein: (a: string, b: string, max: number) => number = impl.levenshtein;

/**
 * Unit-cost Levenshtein without cutoff for two non-empty strings without surrogates, the longer
 * of at most 32 UTF-16 units; -1 for any other pair. The public functions' fast path.
 */
export const levenshteinShort: (a: string, b: string) => number = impl.levenshteinShort;

/** 1 - d / Math.max(la, lb) (code-point lengths), exactly `1 - d / Math.max(la, lb)`; two empty strings give 1. */
export const levenshteinSimilarity: (a: string, b: string) => number = impl.levenshteinSimilarity;

/** Levenshtein distances from one query to many strings, with the query's vectors kept. */
export class CachedLevenshtein {
  private readonly query: string;
  private readonly q: Int32Array;
  private readonly masks: PatternMasks | null;
  private readonly blocks: BlockPattern | null;

  constructor(query: string) {
    this.query = query;
    const q = toCodePoints(query);
    const lq = q.length;
    this.q = q;
    this.masks = lq > 0 && lq <= 32 ? new PatternMasks(q, 0, lq) : null;
    if (lq > 32) {
      const bp = new BlockPattern();
      bp.build(q, 0, lq);
      bp.release();
      this.blocks = bp;
    } else {
      this.blocks = null;
    }
  }

  /** Distance to `b`, or max + 1 when it exceeds max (max = -1: no cutoff). */
  distance(b: string, max: number): number {
    if (b === this.query) return 0;
    return impl.cachedDistance(this.q, this.masks, this.blocks, b, max);
  }

  /** 1 - d / Math.max(|query|, |b|); 1 when both are empty. */
  similarity(b: string): number {
    if (b === this.query) return 1;
    return impl.cachedSimilarity(this.q, this.masks, this.blocks, b);
  }
}
