// Edit operations (issue 12), in python-Levenshtein's shapes, over code points: `editops`,
// `opcodes`, `matchingBlocks`, `applyEdit`, `inverse`, for Levenshtein (replace, insert,
// delete, each costing 1) and Indel (insert and delete only).
//
// Which minimal script: the common prefix and suffix are set aside (they are never edited),
// then the script is read back from the end of the dynamic-programming matrix (kept as
// Myers/Hyyrö bit vectors, one column at a time), preferring at
// each cell a deletion, then the diagonal (a match, or a replacement), then an insertion: the
// rule RapidFuzz's traceback follows, so both give the same script for the same pair whenever
// the matrix fits in FULL_TRACEBACK_CELLS (checked against RapidFuzz 3.14.6 in
// test/editops.test.ts). Above that size the script comes from Hirschberg's divide and conquer
// (Hirschberg 1975): linear memory, still minimal, but its choice among equal scripts may differ.
import { ERROR_CODES, describe, isArray, rangeError, typeError } from './errors.js';
import { checkSize, checkString, readProcessor } from './metrics.js';
import { readOptions } from './options.js';

export type EditOpName = 'replace' | 'insert' | 'delete';
/** `[op, aPos, bPos]`: python-Levenshtein's editops shape (code-point positions). */
export type EditOp = [op: EditOpName, aPos: number, bPos: number];
export type OpcodeTag = EditOpName | 'equal';
/** `[tag, a1, a2, b1, b2]`: `a[a1:a2]` becomes `b[b1:b2]` (python-Levenshtein's opcodes). */
export type Opcode = [tag: OpcodeTag, a1: number, a2: number, b1: number, b2: number];
/** `[aStart, bStart, length]`: `a` and `b` agree on `length` code points from there. */
export type MatchingBlock = [aStart: number, bStart: number, length: number];

export type EditMetric = 'levenshtein' | 'indel';

export interface EditopsOptions {
  /**
   * `'levenshtein'`: replacements, insertions and deletions; `'indel'`: insertions and
   * deletions only (a replacement is a deletion and an insertion).
   * @defaultValue 'levenshtein'
   */
  metric?: EditMetric;
  /** Applied to both strings first; the positions are then in the processed strings. */
  processor?: import('./processors.js').Processor;
}

/**
 * Up to this many cells (after the common prefix and suffix are set aside) the script is read
 * back from the bit vectors of every column (two bits a cell for Levenshtein, one for Indel:
 * 16 MiB at most); above it, Hirschberg's linear-memory recursion runs, down to sub-problems of
 * this size.
 */
export const FULL_TRACEBACK_CELLS = 1 << 26;

/** The code points of `s` (a lone surrogate is one, as everywhere in strdist). */
export function codePoints(s: string): Int32Array {
  const out = new Int32Array(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out[n++] = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        i++;
        continue;
      }
    }
    out[n++] = c;
  }
  return out.subarray(0, n);
}

/** For each distinct code point of p[p0 .. p0 + n), W words of bits: bit i set where p[p0 + i] is it. */
function patternMasks(p: Int32Array, p0: number, n: number, W: number): Map<number, Int32Array> {
  const masks = new Map<number, Int32Array>();
  for (let i = 0; i < n; i++) {
    const c = p[p0 + i];
    let m = masks.get(c);
    if (!m) masks.set(c, (m = new Int32Array(W)));
    m[i >>> 5] |= 1 << (i & 31);
  }
  return masks;
}

/**
 * Runs the text t[t0 .. t0 + m) over the pattern (n code points, W words): unit-cost
 * Levenshtein, Myers' bit-vector algorithm in blocks of 32 rows (Myers 1999; Hyyrö 2003), the
 * vertical deltas of each column in VP (+1) and VN (-1). With `store`, column j's vectors are
 * kept at store[j * W ..] (VP) and store[(m + 1 + j) * W ..] (VN), column 0 included.
 */
function levenshteinColumns(
  masks: Map<number, Int32Array>, n: number, W: number, t: Int32Array, t0: number, m: number, store: Int32Array | null,
): { VP: Int32Array; VN: Int32Array } {
  const VP = new Int32Array(W).fill(-1);
  const VN = new Int32Array(W);
  const none = new Int32Array(W);
  const lastW = W - 1;
  const lastTop = 1 << ((n - 1) & 31);
  if (store) store.set(VP, 0);
  for (let j = 1; j <= m; j++) {
    const eqs = masks.get(t[t0 + j - 1]) ?? none;
    let hin = 1;
    for (let b = 0; b < W; b++) {
      let eq = eqs[b];
      const vp = VP[b];
      const vn = VN[b];
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
      VP[b] = mh | ~(xv | ph);
      VN[b] = ph & xv;
      hin = hout;
    }
    if (store) {
      store.set(VP, j * W);
      store.set(VN, (m + 1 + j) * W);
    }
  }
  return { VP, VN };
}

/**
 * The same for Indel, through the longest common subsequence: Hyyrö's bit-vector LCS (Allison
 * and Dix 1986; Hyyrö 2004), S with a zero bit at row i where L[i][j] = L[i - 1][j] + 1. With
 * `store`, column j's S at store[j * W ..].
 */
function lcsColumns(
  masks: Map<number, Int32Array>, W: number, t: Int32Array, t0: number, m: number, store: Int32Array | null,
): Int32Array {
  const S = new Int32Array(W).fill(-1);
  if (store) store.set(S, 0);
  for (let j = 1; j <= m; j++) {
    const eqs = masks.get(t[t0 + j - 1]);
    if (eqs) {
      let carry = 0;
      for (let b = 0; b < W; b++) {
        const sv = S[b];
        const u = sv & eqs[b];
        const sum = (sv >>> 0) + (u >>> 0) + carry;
        carry = sum > 0xffffffff ? 1 : 0;
        S[b] = (sum | 0) | (sv & ~eqs[b]);
      }
    }
    if (store) store.set(S, j * W);
  }
  return S;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** How many of the first `rows` bits of v[at .. at + W) are set. */
function prefixCount(v: Int32Array, at: number, rows: number): number {
  let c = 0;
  const full = rows >>> 5;
  for (let b = 0; b < full; b++) c += popcount(v[at + b]);
  const rest = rows & 31;
  if (rest) c += popcount(v[at + full] & ((1 << rest) - 1));
  return c;
}

/**
 * The script for a[a0:a1] -> b[b0:b1] read back from the bit vectors of every column (two bits
 * a cell for Levenshtein, one for Indel), appended to `out` with absolute positions. The rule
 * at each cell, from the end: a deletion when D[i][j] = D[i-1][j] + 1, else the diagonal when
 * it is optimal (always for a match), else an insertion.
 */
function fullTraceback(a: Int32Array, a0: number, a1: number, b: Int32Array, b0: number, b1: number, indel: boolean, out: EditOp[]): void {
  const n = a1 - a0;
  const m = b1 - b0;
  const start = out.length;
  if (n === 0 || m === 0) {
    for (let i = n; i > 0; i--) out.push(['delete', a0 + i - 1, b0 + m]);
    for (let j = m; j > 0; j--) out.push(['insert', a0, b0 + j - 1]);
    reverseFrom(out, start);
    return;
  }
  const W = (n + 31) >>> 5;
  const masks = patternMasks(a, a0, n, W);
  const store = new Int32Array((indel ? 1 : 2) * (m + 1) * W);
  let d: number;
  if (indel) {
    const S = lcsColumns(masks, W, b, b0, m, store);
    d = n + m - 2 * (n - prefixCount(S, 0, n));
  } else {
    levenshteinColumns(masks, n, W, b, b0, m, store);
    d = m + prefixCount(store, m * W, n) - prefixCount(store, (2 * m + 1) * W, n);
  }
  let i = n;
  let j = m;
  while (i > 0 && j > 0) {
    const bit = 1 << ((i - 1) & 31);
    const up = (store[j * W + ((i - 1) >>> 5)] & bit) !== 0; // D[i][j] = D[i-1][j] + 1
    if (up) {
      i--;
      d--;
      out.push(['delete', a0 + i, b0 + j]);
      continue;
    }
    const same = a[a0 + i - 1] === b[b0 + j - 1];
    let diagonal = same;
    if (!same && !indel) {
      // D[i-1][j-1] from column j-1: (j - 1) + its deltas over rows 1 .. i-1
      const diag = j - 1 + prefixCount(store, (j - 1) * W, i - 1) - prefixCount(store, (m + j) * W, i - 1);
      diagonal = diag === d - 1;
    }
    if (diagonal) {
      i--;
      j--;
      if (!same) {
        d--;
        out.push(['replace', a0 + i, b0 + j]);
      }
    } else {
      j--;
      d--;
      out.push(['insert', a0 + i, b0 + j]);
    }
  }
  while (i > 0) out.push(['delete', a0 + --i, b0]);
  while (j > 0) out.push(['insert', a0, b0 + --j]);
  reverseFrom(out, start);
}

function reverseFrom<T>(list: T[], start: number): void {
  for (let x = start, y = list.length - 1; x < y; x++, y--) [list[x], list[y]] = [list[y], list[x]];
}

/**
 * The last row of the distance matrix of a[a0:a1] against every prefix of b[b0:b1] (both read
 * backwards with `reverse`), bit-parallel with b as the pattern.
 */
function lastRow(a: Int32Array, a0: number, a1: number, b: Int32Array, b0: number, b1: number, indel: boolean, reverse: boolean): Int32Array {
  const n = a1 - a0;
  const m = b1 - b0;
  const row = new Int32Array(m + 1);
  row[0] = n;
  if (m === 0) return row;
  const pa = reverse ? a.slice(a0, a1).reverse() : a.subarray(a0, a1);
  const pb = reverse ? b.slice(b0, b1).reverse() : b.subarray(b0, b1);
  const W = (m + 31) >>> 5;
  const masks = patternMasks(pb, 0, m, W);
  if (indel) {
    const S = lcsColumns(masks, W, pa, 0, n, null);
    let lcs = 0;
    for (let j = 1; j <= m; j++) {
      if (((S[(j - 1) >>> 5] >>> ((j - 1) & 31)) & 1) === 0) lcs++;
      row[j] = n + j - 2 * lcs;
    }
  } else {
    const { VP, VN } = levenshteinColumns(masks, m, W, pa, 0, n, null);
    for (let j = 1; j <= m; j++) {
      const w = (j - 1) >>> 5;
      const s = (j - 1) & 31;
      row[j] = row[j - 1] + ((VP[w] >>> s) & 1) - ((VN[w] >>> s) & 1);
    }
  }
  return row;
}

/** Hirschberg's recursion down to sub-problems that fit a full traceback. */
function hirschberg(
  a: Int32Array, a0: number, a1: number, b: Int32Array, b0: number, b1: number, indel: boolean, out: EditOp[], full: number,
): void {
  const n = a1 - a0;
  const m = b1 - b0;
  if (n * m <= full || n <= 1 || m <= 1) {
    fullTraceback(a, a0, a1, b, b0, b1, indel, out);
    return;
  }
  const mid = a0 + (n >> 1);
  const fwd = lastRow(a, a0, mid, b, b0, b1, indel, false);
  const bwd = lastRow(a, mid, a1, b, b0, b1, indel, true);
  let best = 0;
  let bestCost = Infinity;
  for (let j = 0; j <= m; j++) {
    const c = fwd[j] + bwd[m - j];
    if (c < bestCost) {
      bestCost = c;
      best = j;
    }
  }
  hirschberg(a, a0, mid, b, b0, b0 + best, indel, out, full);
  hirschberg(a, mid, a1, b, b0 + best, b1, indel, out, full);
}

/**
 * A minimal edit script from code-point arrays. `full`: the largest sub-problem read back from
 * a full matrix (tests lower it to run Hirschberg's recursion on short strings).
 */
export function editScript(a: Int32Array, b: Int32Array, indel: boolean, full = FULL_TRACEBACK_CELLS): EditOp[] {
  let a0 = 0;
  let a1 = a.length;
  let b1 = b.length;
  while (a0 < a1 && a0 < b1 && a[a0] === b[a0]) a0++;
  while (a1 > a0 && b1 > a0 && a[a1 - 1] === b[b1 - 1]) {
    a1--;
    b1--;
  }
  const out: EditOp[] = [];
  if (a0 === a1 && a0 === b1) return out;
  hirschberg(a, a0, a1, b, a0, b1, indel, out, full);
  return out;
}

/** The distance alone, in linear memory (for seqRatio/setRatio and checks). */
export function editDistance(a: Int32Array, b: Int32Array, indel: boolean): number {
  if (a.length < b.length) [a, b] = [b, a];
  return lastRow(b, 0, b.length, a, 0, a.length, indel, false)[a.length];
}

function readEditOptions(fn: string, options: unknown): { indel: boolean; process?: (s: string) => string } {
  const o = readOptions(fn, options, ['metric', 'processor']);
  const metric = o.metric ?? 'levenshtein';
  if (metric !== 'levenshtein' && metric !== 'indel') {
    throw rangeError(ERROR_CODES.OPTION, `${fn}: metric must be "levenshtein" or "indel", got ${describe(metric)}`);
  }
  return { indel: metric === 'indel', process: readProcessor(fn, o) };
}

function prepare(fn: string, a: unknown, b: unknown, options: unknown): { a: Int32Array; b: Int32Array; indel: boolean } {
  checkString(fn, 'a', a);
  checkString(fn, 'b', b);
  const { indel, process } = readEditOptions(fn, options);
  const pa = process ? process(a) : a;
  const pb = process ? process(b) : b;
  checkSize(fn, pa, pb);
  return { a: codePoints(pa), b: codePoints(pb), indel };
}

/**
 * A minimal script of edit operations that turns `a` into `b`: `[op, aPos, bPos]` in order,
 * positions in code points. `replace` puts `b[bPos]` in place of `a[aPos]`, `insert` puts
 * `b[bPos]` before `a[aPos]`, `delete` drops `a[aPos]`. Its length is the distance.
 */
export function editops(a: string, b: string, options?: EditopsOptions): EditOp[] {
  const p = prepare('editops', a, b, options);
  return editScript(p.a, p.b, p.indel);
}

/** Opcodes from an edit script (the lengths of both strings in code points). */
export function opcodesFromEditops(ops: readonly EditOp[], n: number, m: number): Opcode[] {
  const out: Opcode[] = [];
  let src = 0;
  let dst = 0;
  let k = 0;
  while (k < ops.length) {
    const [type, i, j] = ops[k];
    if (src < i || dst < j) out.push(['equal', src, i, dst, j]);
    src = i;
    dst = j;
    const a1 = src;
    const b1 = dst;
    // A run of one kind, each op where the previous one left off.
    while (k < ops.length && ops[k][0] === type && ops[k][1] === src && ops[k][2] === dst) {
      if (type !== 'insert') src++;
      if (type !== 'delete') dst++;
      k++;
    }
    out.push([type, a1, src, b1, dst]);
  }
  if (src < n || dst < m) out.push(['equal', src, n, dst, m]);
  return out;
}

/**
 * The script as blocks: `[tag, a1, a2, b1, b2]`, covering both strings in order, with `equal`
 * blocks between the edits. Consecutive edits of one kind form one block; a deletion next to
 * an insertion stays two blocks (never a `replace` the script does not have).
 */
export function opcodes(a: string, b: string, options?: EditopsOptions): Opcode[] {
  const p = prepare('opcodes', a, b, options);
  return opcodesFromEditops(editScript(p.a, p.b, p.indel), p.a.length, p.b.length);
}

/**
 * The stretches where `a` and `b` agree in the script: `[aStart, bStart, length]`, in order,
 * ending with `[|a|, |b|, 0]` (python-Levenshtein's `matching_blocks`).
 */
export function matchingBlocks(a: string, b: string, options?: EditopsOptions): MatchingBlock[] {
  const p = prepare('matchingBlocks', a, b, options);
  const blocks: MatchingBlock[] = [];
  for (const [tag, a1, a2, b1] of opcodesFromEditops(editScript(p.a, p.b, p.indel), p.a.length, p.b.length)) {
    if (tag === 'equal') blocks.push([a1, b1, a2 - a1]);
  }
  blocks.push([p.a.length, p.b.length, 0]);
  return blocks;
}

const OP_NAMES: readonly string[] = ['replace', 'insert', 'delete'];
const TAG_NAMES: readonly string[] = ['equal', 'replace', 'insert', 'delete'];

function badOps(fn: string, why: string): RangeError {
  return rangeError(ERROR_CODES.ARGUMENT, `${fn}: ${why}`);
}

/** Checks a list of editops or of opcodes; returns which it is. */
function checkOps(fn: string, ops: unknown): 'editops' | 'opcodes' {
  if (!isArray(ops)) throw typeError(ERROR_CODES.ARGUMENT, `${fn}: ops must be an array of editops or opcodes, got ${describe(ops)}`);
  let shape: 'editops' | 'opcodes' | undefined;
  for (let k = 0; k < ops.length; k++) {
    const op: unknown = ops[k];
    const isOp = isArray(op) && (op.length === 3 || op.length === 5);
    const these = isOp ? (op.length === 3 ? 'editops' : 'opcodes') : undefined;
    if (!isOp || (shape && these !== shape)) {
      throw typeError(
        ERROR_CODES.ARGUMENT,
        `${fn}: ops[${k}] must be ${shape === 'opcodes' ? '[tag, a1, a2, b1, b2]' : shape === 'editops' ? '[op, aPos, bPos]' : '[op, aPos, bPos] or [tag, a1, a2, b1, b2]'}, got ${describe(op)}`,
      );
    }
    shape = these;
    const names = shape === 'editops' ? OP_NAMES : TAG_NAMES;
    if (!names.includes(op[0] as string)) {
      throw typeError(ERROR_CODES.ARGUMENT, `${fn}: ops[${k}][0] must be one of ${names.join(', ')}, got ${describe(op[0])}`);
    }
    for (let x = 1; x < op.length; x++) {
      const v: unknown = op[x];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
        throw typeError(ERROR_CODES.ARGUMENT, `${fn}: ops[${k}][${x}] must be a non-negative integer, got ${describe(v)}`);
      }
    }
  }
  return shape ?? 'editops';
}

function fromCodePoints(cps: ArrayLike<number>, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCodePoint(cps[i]);
  return s;
}

/**
 * Applies edit operations (editops, possibly a subsequence of a script, or opcodes) to `a`,
 * taking inserted and replacing characters from `b` (python-Levenshtein's `apply_edit`).
 * Positions out of range or going backwards are a RangeError.
 */
export function applyEdit(ops: readonly EditOp[] | readonly Opcode[], a: string, b: string): string {
  const shape = checkOps('applyEdit', ops);
  checkString('applyEdit', 'a', a);
  checkString('applyEdit', 'b', b);
  const ca = codePoints(a);
  const cb = codePoints(b);
  let out = '';
  let pos = 0;
  if (shape === 'opcodes') {
    let bPos = 0;
    for (let k = 0; k < ops.length; k++) {
      const [tag, a1, a2, b1, b2] = ops[k] as Opcode;
      if (a1 !== pos || b1 !== bPos || a2 < a1 || b2 < b1 || a2 > ca.length || b2 > cb.length) {
        throw badOps('applyEdit', `opcode ${k} (${describe(ops[k])}) does not continue where the previous one ended, or is out of range`);
      }
      const fits =
        tag === 'equal' ? a2 - a1 === b2 - b1
        : tag === 'replace' ? a2 > a1 && b2 > b1
        : tag === 'insert' ? a1 === a2 && b2 > b1
        : b1 === b2 && a2 > a1;
      if (!fits) {
        throw badOps('applyEdit', `opcode ${k} (${describe(ops[k])}) has ranges that do not fit its tag`);
      }
      if (tag === 'equal') out += fromCodePoints(ca, a1, a2);
      else if (tag !== 'delete') out += fromCodePoints(cb, b1, b2);
      pos = a2;
      bPos = b2;
    }
    return out + fromCodePoints(ca, pos, ca.length);
  }
  for (let k = 0; k < ops.length; k++) {
    const [op, i, j] = ops[k] as EditOp;
    const limitA = op === 'insert' ? ca.length : ca.length - 1;
    const limitB = op === 'delete' ? cb.length : cb.length - 1;
    if (i < pos || i > limitA || j > limitB) {
      throw badOps('applyEdit', `editop ${k} (${describe(ops[k])}) is out of range or out of order`);
    }
    out += fromCodePoints(ca, pos, i);
    pos = i;
    if (op === 'insert') out += String.fromCodePoint(cb[j]);
    else {
      if (op === 'replace') out += String.fromCodePoint(cb[j]);
      pos = i + 1;
    }
  }
  return out + fromCodePoints(ca, pos, ca.length);
}

/**
 * The operations that undo `ops` (editops or opcodes): insertions become deletions and back,
 * and the two strings' positions trade places (python-Levenshtein's `inverse`).
 */
export function inverse<T extends readonly EditOp[] | readonly Opcode[]>(ops: T): T {
  const shape = checkOps('inverse', ops);
  const swap = (t: string) => (t === 'insert' ? 'delete' : t === 'delete' ? 'insert' : t);
  if (shape === 'opcodes') {
    return (ops as readonly Opcode[]).map(([t, a1, a2, b1, b2]) => [swap(t), b1, b2, a1, a2]) as unknown as T;
  }
  return (ops as readonly EditOp[]).map(([t, i, j]) => [swap(t), j, i]) as unknown as T;
}
