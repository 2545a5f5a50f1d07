/**
 * Code points and pattern-match tables for the pure-TypeScript kernels.
 *
 * Strings are compared as sequences of code points: a valid surrogate pair is one unit, a lone
 * surrogate is one unit of its own value (0xD800..0xDFFF). Strings without surrogates, the
 * common case, are copied unit by unit with one cheap test per unit.
 *
 * The kernels keep the pattern-match bit vectors of the current pattern in reusable tables
 * that are set before a call and cleared after it (O(pattern length) each way), so a call
 * allocates nothing. A cached scorer (CachedLevenshtein, CachedJaro...) leaves its
 * pattern installed between calls and only the next different user clears it.
 */

/** Capacity to allocate for a buffer that must hold `n` units. */
export function grownCapacity(current: number, n: number): number {
  const c = current * 2;
  return n > c ? n : c < 64 ? 64 : c;
}

/**
 * Writes the code points of `s` into `out` (which must hold at least `s.length` entries) and
 * returns how many were written.
 */
export function codePointsInto(s: string, out: Int32Array): number {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if ((c & 0xf800) === 0xd800) return codePointsSlow(s, out, i);
    out[i] = c;
  }
  return n;
}

/** The general decoder, from index `i` on (all units before `i` are already in `out`). */
function codePointsSlow(s: string, out: Int32Array, i: number): number {
  const n = s.length;
  let o = i;
  while (i < n) {
    let c = s.charCodeAt(i++);
    if (c >= 0xd800 && c <= 0xdbff && i < n) {
      const d = s.charCodeAt(i);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        i++;
      }
    }
    out[o++] = c;
  }
  return o;
}

/** The code points of `s` in a new array of exactly their number. */
export function toCodePoints(s: string): Int32Array {
  const buf = new Int32Array(s.length);
  const n = codePointsInto(s, buf);
  return n === s.length ? buf : buf.slice(0, n);
}

/** The number of code points of `s`. */
export function codePointLength(s: string): number {
  const n = s.length;
  let count = n;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}

// ---------------------------------------------------------------------------------------------
// Single-word pattern-match vectors (patterns of at most 32 code points).
// pm[c] holds bit i when pattern[i] === c, for c < 0x10000; `astral` holds the others.
//
// Speed note: esbuild turns top-level `const` into `var` when bundling, and V8 (Node 20) then
// reloads a module-level typed array's base and length on every access. A kernel that binds
// its table to a `const` inside a closure gets it as a constant (about 25% faster on short
// words), so each kernel module makes its own table with createMaskTable() inside a closure.

/** A pattern kept by a cached scorer: its distinct code points and their masks. */
export class PatternMasks {
  readonly chars: Int32Array;
  readonly masks: Int32Array;
  constructor(pattern: Int32Array, start: number, length: number) {
    const chars: number[] = [];
    const masks: number[] = [];
    for (let i = 0; i < length; i++) {
      const c = pattern[start + i];
      const k = chars.indexOf(c);
      if (k < 0) {
        chars.push(c);
        masks.push(1 << i);
      } else {
        masks[k] |= 1 << i;
      }
    }
    this.chars = Int32Array.from(chars);
    this.masks = Int32Array.from(masks);
  }
}

/** A direct table of single-word masks with its astral overflow and its current user. */
export interface MaskTable {
  /** Masks of code points below 0x10000 (lone surrogates included); all zero when free. */
  readonly pm: Int32Array;
  /** Masks of astral code points. */
  readonly astral: Map<number, number>;
  /** Clears a cached scorer's pattern left installed, if any. */
  free(): void;
  /** Installs a transient pattern `pattern[start .. start + length)`, length <= 32. */
  set(pattern: Int32Array, start: number, length: number): void;
  /** Clears what set() installed for the same arguments. */
  clear(pattern: Int32Array, start: number, length: number): void;
  /** Makes `owner`'s pattern the installed one (a no-op when it already is). */
  use(owner: PatternMasks): void;
}

export function createMaskTable(): MaskTable {
  const pm = new Int32Array(0x10000);
  const astral = new Map<number, number>();
  let owner: PatternMasks | null = null;

  function release(o: PatternMasks): void {
    const chars = o.chars;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i];
      if (c < 0x10000) pm[c] = 0;
    }
    if (astral.size !== 0) astral.clear();
    owner = null;
  }

  return {
    pm,
    astral,
    free(): void {
      if (owner !== null) release(owner);
    },
    set(pattern: Int32Array, start: number, length: number): void {
      if (owner !== null) release(owner);
      for (let i = 0; i < length; i++) {
        const c = pattern[start + i];
        if (c < 0x10000) pm[c] |= 1 << i;
        else astral.set(c, (astral.get(c) ?? 0) | (1 << i));
      }
    },
    clear(pattern: Int32Array, start: number, length: number): void {
      for (let i = 0; i < length; i++) {
        const c = pattern[start + i];
        if (c < 0x10000) pm[c] = 0;
      }
      if (astral.size !== 0) astral.clear();
    },
    use(o: PatternMasks): void {
      if (owner === o) return;
      if (owner !== null) release(owner);
      const chars = o.chars;
      const masks = o.masks;
      for (let i = 0; i < chars.length; i++) {
        const c = chars[i];
        if (c < 0x10000) pm[c] = masks[i];
        else astral.set(c, masks[i]);
      }
      owner = o;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Multi-word pattern-match vectors (patterns longer than 32 code points), in blocks of 32.
// Dense layout: every distinct pattern code point gets an id (ID16 / IDA, 0 = absent) and a
// row of W words in `rows` (row 0 is all zero). When the rows would take too much memory (a
// huge pattern over a huge alphabet), each block gets instead a 64-slot open-addressing hash
// of its at most 32 distinct code points: memory stays O(pattern length).

/** Code point -> id + 1 of the installed block pattern (0: not in the pattern). */
export const ID16 = new Int32Array(0x10000);
/** Astral code points of the installed block pattern -> id. */
export const IDA = new Map<number, number>();

const DENSE_LIMIT = 1 << 22;

let idOwner: BlockPattern | null = null;

function hashSlot(c: number): number {
  return Math.imul(c, 0x9e3779b1) >>> 26;
}

export class BlockPattern {
  /** Number of 32-bit words (blocks). */
  W = 0;
  /** Pattern length in code points. */
  m = 0;
  /** Dense rows (true) or per-block hashes (false). */
  dense = true;
  /** Dense: (ids + 1) * W words. */
  rows: Int32Array = new Int32Array(0);
  /** Hashed: W * 64 keys (-1 = empty) and values. */
  keys: Int32Array = new Int32Array(0);
  vals: Int32Array = new Int32Array(0);
  /** Distinct code points of the pattern (dense layout), for installing the ids. */
  chars: Int32Array = new Int32Array(0);
  nchars = 0;

  /**
   * Builds the vectors of `pattern[start .. start + length)` (length > 32). In the dense layout
   * the ids stay installed (this pattern becomes the current user of ID16 / IDA).
   */
  build(pattern: Int32Array, start: number, length: number): void {
    if (idOwner !== null) idRelease(idOwner);
    const W = (length + 31) >>> 5;
    this.W = W;
    this.m = length;
    if (this.chars.length < length) this.chars = new Int32Array(grownCapacity(this.chars.length, length));
    const chars = this.chars;
    let n = 0;
    for (let i = 0; i < length; i++) {
      const c = pattern[start + i];
      if (c < 0x10000) {
        if (ID16[c] === 0) {
          chars[n++] = c;
          ID16[c] = n;
        }
      } else if (!IDA.has(c)) {
        chars[n++] = c;
        IDA.set(c, n);
      }
    }
    this.nchars = n;
    idOwner = this;
    if ((n + 1) * W <= DENSE_LIMIT) {
      this.dense = true;
      const size = (n + 1) * W;
      if (this.rows.length < size) this.rows = new Int32Array(grownCapacity(this.rows.length, size));
      const rows = this.rows;
      rows.fill(0, 0, size);
      for (let i = 0; i < length; i++) {
        const c = pattern[start + i];
        const id = c < 0x10000 ? ID16[c] : (IDA.get(c) ?? 0);
        rows[id * W + (i >>> 5)] |= 1 << (i & 31);
      }
    } else {
      this.dense = false;
      idRelease(this);
      const size = W * 64;
      if (this.keys.length < size) {
        this.keys = new Int32Array(size);
        this.vals = new Int32Array(size);
      }
      const keys = this.keys;
      const vals = this.vals;
      keys.fill(-1, 0, size);
      vals.fill(0, 0, size);
      for (let i = 0; i < length; i++) {
        const c = pattern[start + i];
        const base = (i >>> 5) << 6;
        let h = hashSlot(c);
        while (keys[base + h] !== -1 && keys[base + h] !== c) h = (h + 1) & 63;
        keys[base + h] = c;
        vals[base + h] |= 1 << (i & 31);
      }
    }
  }

  /** The mask of code point `c` in block `b` (hashed layout). */
  hashed(b: number, c: number): number {
    const keys = this.keys;
    const base = b << 6;
    let h = hashSlot(c);
    for (;;) {
      const k = keys[base + h];
      if (k === c) return this.vals[base + h];
      if (k === -1) return 0;
      h = (h + 1) & 63;
    }
  }

  /** Makes this pattern's ids the installed ones (dense layout only). */
  use(): void {
    if (idOwner === this || !this.dense) return;
    if (idOwner !== null) idRelease(idOwner);
    const chars = this.chars;
    for (let i = 0; i < this.nchars; i++) {
      const c = chars[i];
      if (c < 0x10000) ID16[c] = i + 1;
      else IDA.set(c, i + 1);
    }
    idOwner = this;
  }

  /** Clears this pattern's ids if they are installed (for transient patterns). */
  release(): void {
    if (idOwner === this) idRelease(this);
  }
}

function idRelease(owner: BlockPattern): void {
  const chars = owner.chars;
  for (let i = 0; i < owner.nchars; i++) {
    const c = chars[i];
    if (c < 0x10000) ID16[c] = 0;
  }
  if (IDA.size !== 0) IDA.clear();
  idOwner = null;
}

/** Common prefix length of `a[0..la)` and `b[0..lb)`, at most `cap`. */
export function commonPrefix(a: Int32Array, la: number, b: Int32Array, lb: number, cap: number): number {
  let n = la < lb ? la : lb;
  if (n > cap) n = cap;
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}
