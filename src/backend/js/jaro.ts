/**
 * Jaro and Jaro-Winkler similarity over code points, bit-parallel.
 *
 * The pattern P (the shorter string, or a cached query) is held as match masks. Each text
 * character T[j] in order takes the earliest unmatched equal character of P inside the window
 * [j - bound, j + bound]: the lowest set bit of PM[T[j]] & window & ~flags. Transpositions
 * come from walking the matched text characters in order alongside the set bits of the
 * pattern flags. Jaro is symmetric, so which string is the pattern does not matter.
 */
import {
  BlockPattern,
  codePointsInto,
  commonPrefix,
  createMaskTable,
  grownCapacity,
  ID16,
  IDA,
  PatternMasks,
  toCodePoints,
} from './text.js';

let bufA = new Int32Array(256);
let bufB = new Int32Array(256);

/** Multi-word: pattern flags, and the matched text code points in text order. */
let PF = new Int32Array(64);
let TC = new Int32Array(256);

const scratch = new BlockPattern();

/** Match window of Jaro for lengths la, lb. */
function windowOf(la: number, lb: number): number {
  const w = ((la > lb ? la : lb) >>> 1) - 1;
  return w < 0 ? 0 : w;
}

/** Flags matches between a block pattern (ids installed when dense) and T[0..n). */
function flagBlock(bp: BlockPattern, T: Int32Array, n: number, bound: number): number {
  const W = bp.W;
  const lp = bp.m;
  if (PF.length < W) PF = new Int32Array(grownCapacity(PF.length, W));
  if (TC.length < lp) TC = new Int32Array(grownCapacity(TC.length, lp));
  const pf = PF;
  const tc = TC;
  pf.fill(0, 0, W);
  const dense = bp.dense;
  const rows = bp.rows;
  let m = 0;
  for (let j = 0; j < n; j++) {
    const c = T[j];
    let row = 0;
    if (dense) {
      const id = c < 0x10000 ? ID16[c] : (IDA.get(c) ?? 0);
      if (id === 0) continue;
      row = id * W;
    }
    const lo = j > bound ? j - bound : 0;
    const hi = j + bound < lp ? j + bound : lp - 1;
    if (lo > hi) continue;
    const wlo = lo >>> 5;
    const whi = hi >>> 5;
    for (let w = wlo; w <= whi; w++) {
      let x = (dense ? rows[row + w] : bp.hashed(w, c)) & ~pf[w];
      if (w === wlo) x &= -1 << (lo & 31);
      if (w === whi) x &= (2 << (hi & 31)) - 1;
      if (x !== 0) {
        pf[w] |= x & -x;
        tc[m++] = c;
        break;
      }
    }
  }
  return m;
}

/** Matched characters out of order, after flagBlock. */
function transpositionsBlock(bp: BlockPattern, m: number): number {
  const W = bp.W;
  const dense = bp.dense;
  const rows = bp.rows;
  const pf = PF;
  let w = 0;
  let flags = pf[0];
  let t = 0;
  for (let k = 0; k < m; k++) {
    while (flags === 0) flags = pf[++w];
    const low = flags & -flags;
    const c = TC[k];
    const mask = dense ? rows[(c < 0x10000 ? ID16[c] : (IDA.get(c) ?? 0)) * W + w] : bp.hashed(w, c);
    if ((mask & low) === 0) t++;
    flags ^= low;
  }
  return t;
}

/** The score from m matches and tr out-of-order matches, 0 below min. */
function score(m: number, tr: number, la: number, lb: number, min: number): number {
  const t = tr >>> 1;
  const sim = (m / la + m / lb + (m - t) / m) / 3;
  return sim >= min ? sim : 0;
}

/**
 * A Jaro cutoff that is safe for Jaro-Winkler with cutoff `min`, prefix `l` and weight `p`:
 * every Jaro score below it gives a Jaro-Winkler score below `min`. Above 0.7 the boost is
 * s + c (1 - s) with c = l p, increasing in s; the margin covers rounding.
 */
function innerCutoff(min: number, l: number, p: number): number {
  if (min <= 0.7) return min; // no boost at or below 0.7
  const c = l * p;
  if (1 - c < 1e-3) return 0.7;
  const x = (min - c) / (1 - c) - 1e-9;
  return x > 0.7 ? x : 0.7;
}

function winkler(sim: number, l: number, p: number, min: number): number {
  const s = sim > 0.7 ? sim + l * p * (1 - sim) : sim;
  return s >= min ? s : 0;
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
   * The pattern masks of the matched text characters, in text order. One slot more than a
   * single word has bits: jaroShort writes the slot after the last match on every step.
   */
  const TM = new Int32Array(33);
  /** The pattern flags of the last flag32. */
  let flags32 = 0;

  /**
   * Flags matches between the installed single-word pattern (at most 32 code points) and
   * T[0..n); returns the number of matches, the pattern flags in `flags32`.
   */
  function flag32(T: Int32Array, n: number, bound: number): number {
    let mask = bound >= 31 ? -1 : (1 << (bound + 1)) - 1;
    let flags = 0;
    let m = 0;
    for (let j = 0; j < n; j++) {
      const c = T[j];
      const pm = c < 0x10000 ? PM16[c] : (PMA.get(c) ?? 0);
      const x = pm & mask & ~flags;
      if (x !== 0) {
        flags |= x & -x;
        TM[m++] = pm;
      }
      mask = j < bound ? (mask << 1) | 1 : mask << 1;
    }
    flags32 = flags;
    return m;
  }

  /** Matched characters out of order, after flag32. */
  function transpositions32(m: number): number {
    let flags = flags32;
    let t = 0;
    for (let k = 0; k < m; k++) {
      const low = flags & -flags;
      if ((TM[k] & low) === 0) t++;
      flags ^= low;
    }
    return t;
  }

  /**
   * Fast path straight on the strings, for a pattern `p` of 1..32 UTF-16 units (the longer
   * string when it fits, so that the text loop is the short one) and a non-empty text: the
   * Jaro score, or -1 when either string holds a surrogate (the caller then takes the general
   * path, on code points). Without surrogates, units are code points.
   *
   * Whether a text character matches is as good as random on real words, so the loops take
   * no branch on it: a match sets its flag and advances `m` arithmetically (`x | -x` has the
   * sign bit exactly when x is not 0).
   */
  function jaroShort(p: string, t: string): number {
    const lp = p.length;
    const lt = t.length;
    table.free();
    for (let i = 0; i < lp; i++) {
      const c = p.charCodeAt(i);
      if ((c & 0xf800) === 0xd800) {
        for (let k = 0; k < i; k++) PM16[FP[k]] = 0;
        return -1;
      }
      FP[i] = c;
      PM16[c] |= 1 << i;
    }
    const bound = windowOf(lp, lt);
    const n = lt > lp + bound ? lp + bound : lt;
    // The window [j - bound, j + bound] over the pattern: it widens until j = bound, then slides.
    let mask = bound >= 31 ? -1 : (1 << (bound + 1)) - 1;
    let flags = 0;
    let m = 0;
    for (let j = 0; j < n; j++) {
      const c = t.charCodeAt(j);
      if ((c & 0xf800) === 0xd800) {
        m = -1;
        break;
      }
      const pm = PM16[c];
      const x = pm & mask & ~flags;
      flags |= x & -x;
      TM[m] = pm;
      m += (x | -x) >>> 31;
      mask = (mask << 1) | ((j - bound) >>> 31);
    }
    for (let i = 0; i < lp; i++) PM16[FP[i]] = 0;
    if (m < 0) return -1;
    for (let j = n; j < lt; j++) {
      if ((t.charCodeAt(j) & 0xf800) === 0xd800) return -1;
    }
    if (m === 0) return 0;
    // A matched text character is out of order when its pattern position (the k-th flag in
    // order) is not one of its own character's.
    let tr = 0;
    for (let k = 0; k < m; k++) {
      const low = flags & -flags;
      const u = TM[k] & low;
      tr += 1 - ((u | -u) >>> 31);
      flags ^= low;
    }
    return (m / lp + m / lt + (m - (tr >>> 1)) / m) / 3;
  }

  /** The fast path for two non-empty strings, or -1 when it does not apply. */
  function jaroFast(a: string, b: string): number {
    // The longer string is the pattern when it fits, else the shorter one. One call site, so
    // that the kernel is inlined whole.
    const longerFits = (a.length >= b.length ? a : b).length <= 32;
    const swap = longerFits === a.length < b.length;
    const p = swap ? b : a;
    const t = swap ? a : b;
    return p.length <= 32 ? jaroShort(p, t) : -1;
  }

  /**
   * The public functions' fast path (src/metrics.ts, no options): Jaro of two non-empty
   * strings without surrogates, one of at most 32 UTF-16 units; -1 for any other pair.
   */
  function jaroShortPair(a: string, b: string): number {
    return a.length !== 0 && b.length !== 0 ? jaroFast(a, b) : -1;
  }

  /** Jaro-Winkler with the default prefix weight (0.1) on the pairs of jaroShortPair; else -1. */
  function jaroWinklerShortPair(a: string, b: string): number {
    const ua = a.length;
    const ub = b.length;
    if (ua === 0 || ub === 0) return -1;
    const sim = jaroFast(a, b);
    if (sim < 0) return -1;
    let l = 0;
    while (l < 4 && l < ua && l < ub && a.charCodeAt(l) === b.charCodeAt(l)) l++;
    return winkler(sim, l, 0.1, 0);
  }

  /** Jaro of a transient pattern P[0..lp) and text T[0..lt); la, lb are the original lengths. */
  function jaroPair(P: Int32Array, lp: number, T: Int32Array, lt: number, la: number, lb: number, min: number): number {
    const bound = windowOf(lp, lt);
    // Text characters past lp - 1 + bound reach no pattern character.
    const n = lt > lp + bound ? lp + bound : lt;
    if (lp <= 32) {
      table.set(P, 0, lp);
      const m = flag32(T, n, bound);
      if (m === 0 || (m / la + m / lb + 1) / 3 < min) {
        table.clear(P, 0, lp);
        return 0;
      }
      const tr = transpositions32(m);
      table.clear(P, 0, lp);
      return score(m, tr, la, lb, min);
    }
    const bp = scratch;
    bp.build(P, 0, lp);
    const m = flagBlock(bp, T, n, bound);
    if (m === 0 || (m / la + m / lb + 1) / 3 < min) {
      bp.release();
      return 0;
    }
    const tr = transpositionsBlock(bp, m);
    bp.release();
    return score(m, tr, la, lb, min);
  }

  /** Jaro of the code points A[0..la) and B[0..lb) (both empty: 1). */
  function jaroOf(A: Int32Array, la: number, B: Int32Array, lb: number, min: number): number {
    if (la === 0 || lb === 0) return la === lb ? (1 >= min ? 1 : 0) : 0;
    const mn = la < lb ? la : lb;
    // At most min(la, lb) matches and no transposition.
    if ((mn / la + mn / lb + 1) / 3 < min) return 0;
    return la <= lb ? jaroPair(A, la, B, lb, la, lb, min) : jaroPair(B, lb, A, la, la, lb, min);
  }

  function jaro(a: string, b: string, minSimilarity: number): number {
    if (a.length !== 0 && b.length !== 0) {
      const sim = jaroFast(a, b);
      if (sim >= 0) return sim >= minSimilarity ? sim : 0;
    }
    if (a === b) return 1 >= minSimilarity ? 1 : 0;
    if (a.length > bufA.length) bufA = new Int32Array(grownCapacity(bufA.length, a.length));
    if (b.length > bufB.length) bufB = new Int32Array(grownCapacity(bufB.length, b.length));
    const A = bufA;
    const B = bufB;
    const la = codePointsInto(a, A);
    const lb = codePointsInto(b, B);
    return jaroOf(A, la, B, lb, minSimilarity);
  }

  function jaroWinkler(a: string, b: string, prefixWeight: number, minSimilarity: number): number {
    const ua = a.length;
    const ub = b.length;
    if (ua !== 0 && ub !== 0) {
      const sim = jaroFast(a, b);
      if (sim >= 0) {
        // No surrogates: the common prefix in units is the one in code points.
        let l = 0;
        while (l < 4 && l < ua && l < ub && a.charCodeAt(l) === b.charCodeAt(l)) l++;
        return winkler(sim, l, prefixWeight, minSimilarity);
      }
    }
    if (a === b) return 1 >= minSimilarity ? 1 : 0;
    if (ua > bufA.length) bufA = new Int32Array(grownCapacity(bufA.length, ua));
    if (ub > bufB.length) bufB = new Int32Array(grownCapacity(bufB.length, ub));
    const A = bufA;
    const B = bufB;
    const la = codePointsInto(a, A);
    const lb = codePointsInto(b, B);
    const l = commonPrefix(A, la, B, lb, 4);
    const sim = jaroOf(A, la, B, lb, innerCutoff(minSimilarity, l, prefixWeight));
    return winkler(sim, l, prefixWeight, minSimilarity);
  }

  /** Jaro between a cached query Q[0..lq) (pattern) and B[0..lb). */
  function fromQuery(
    lq: number,
    masks: PatternMasks | null,
    blocks: BlockPattern | null,
    B: Int32Array,
    lb: number,
    min: number,
  ): number {
    if (lq === 0 || lb === 0) return lq === lb ? (1 >= min ? 1 : 0) : 0;
    const mn = lq < lb ? lq : lb;
    if ((mn / lq + mn / lb + 1) / 3 < min) return 0;
    const bound = windowOf(lq, lb);
    const n = lb > lq + bound ? lq + bound : lb;
    let m: number;
    let tr: number;
    if (masks !== null) {
      table.use(masks);
      m = flag32(B, n, bound);
      if (m === 0 || (m / lq + m / lb + 1) / 3 < min) return 0;
      tr = transpositions32(m);
    } else {
      const bp = blocks as BlockPattern;
      bp.use();
      m = flagBlock(bp, B, n, bound);
      if (m === 0 || (m / lq + m / lb + 1) / 3 < min) return 0;
      tr = transpositionsBlock(bp, m);
    }
    return score(m, tr, lq, lb, min);
  }

  function cachedJaro(lq: number, masks: PatternMasks | null, blocks: BlockPattern | null, b: string, min: number): number {
    if (b.length > bufB.length) bufB = new Int32Array(grownCapacity(bufB.length, b.length));
    const B = bufB;
    const lb = codePointsInto(b, B);
    return fromQuery(lq, masks, blocks, B, lb, min);
  }

  function cachedJaroWinkler(
    Q: Int32Array,
    masks: PatternMasks | null,
    blocks: BlockPattern | null,
    p: number,
    b: string,
    min: number,
  ): number {
    if (b.length > bufB.length) bufB = new Int32Array(grownCapacity(bufB.length, b.length));
    const B = bufB;
    const lb = codePointsInto(b, B);
    const lq = Q.length;
    const l = commonPrefix(Q, lq, B, lb, 4);
    const sim = fromQuery(lq, masks, blocks, B, lb, innerCutoff(min, l, p));
    return winkler(sim, l, p, min);
  }

  return { jaro, jaroWinkler, jaroShortPair, jaroWinklerShortPair, cachedJaro, cachedJaroWinkler };
})();

/** Standard Jaro; returns 0 when the score is below minSimilarity (equal passes). */
export const jaro: (a: string, b: string, minSimilarity: number) => number = impl.jaro;

/** Jaro-Winkler: prefix up to 4 code points, boost only above 0.7; 0 below minSimilarity. */
export const jaroWinkler: (a: string, b: string, prefixWeight: number, minSimilarity: number) => number =
  impl.jaroWinkler;

/** Jaro of two non-empty strings without surrogates, one of at most 32 UTF-16 units; else -1. */
export const jaroShortPair: (a: string, b: string) => number = impl.jaroShortPair;

/** Jaro-Winkler (prefix weight 0.1, no cutoff) on the pairs of jaroShortPair; else -1. */
export const jaroWinklerShortPair: (a: string, b: string) => number = impl.jaroWinklerShortPair;

/** The query's code points and match vectors, shared by the cached Jaro scorers. */
function queryVectors(q: Int32Array): { masks: PatternMasks | null; blocks: BlockPattern | null } {
  const lq = q.length;
  if (lq > 32) {
    const bp = new BlockPattern();
    bp.build(q, 0, lq);
    bp.release();
    return { masks: null, blocks: bp };
  }
  return { masks: lq > 0 ? new PatternMasks(q, 0, lq) : null, blocks: null };
}

/** Jaro from one query to many strings, with the query's vectors kept. */
export class CachedJaro {
  private readonly query: string;
  private readonly lq: number;
  private readonly masks: PatternMasks | null;
  private readonly blocks: BlockPattern | null;

  constructor(query: string) {
    this.query = query;
    const q = toCodePoints(query);
    this.lq = q.length;
    const v = queryVectors(q);
    this.masks = v.masks;
    this.blocks = v.blocks;
  }

  /** Jaro similarity to `b`; 0 below minSimilarity. */
  similarity(b: string, minSimilarity: number): number {
    if (b === this.query) return 1 >= minSimilarity ? 1 : 0;
    return impl.cachedJaro(this.lq, this.masks, this.blocks, b, minSimilarity);
  }
}

/** Jaro-Winkler from one query to many strings, with the query's vectors kept. */
export class CachedJaroWinkler {
  private readonly query: string;
  private readonly q: Int32Array;
  private readonly prefixWeight: number;
  private readonly masks: PatternMasks | null;
  private readonly blocks: BlockPattern | null;

  constructor(query: string, prefixWeight: number) {
    this.query = query;
    this.q = toCodePoints(query);
    this.prefixWeight = prefixWeight;
    const v = queryVectors(this.q);
    this.masks = v.masks;
    this.blocks = v.blocks;
  }

  /** Jaro-Winkler similarity to `b`; 0 below minSimilarity. */
  similarity(b: string, minSimilarity: number): number {
    if (b === this.query) return 1 >= minSimilarity ? 1 : 0;
    return impl.cachedJaroWinkler(this.q, this.masks, this.blocks, this.prefixWeight, b, minSimilarity);
  }
}
