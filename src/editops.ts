// Edit operations (issue 12), in python-Levenshtein's shapes, over code points: `editops`,
// `opcodes`, `matchingBlocks`, `applyEdit`, `inverse`, for Levenshtein (replace, insert,
// delete, each costing 1) and Indel (insert and delete only).
//
// Which minimal script: the common prefix and suffix are set aside (they are never edited),
// then the script is read back from the end of the dynamic-programming matrix, preferring at
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
 * back from a full matrix of one byte a cell (16 MiB); above it, Hirschberg's linear-memory
 * recursion runs, down to sub-problems of this size.
 */
export const FULL_TRACEBACK_CELLS = 1 << 24;

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

// Flags kept per cell for the traceback.
const CAN_DELETE = 1;
const CAN_DIAGONAL = 2;

/**
 * The script for a[a0:a1] -> b[b0:b1] read back from a full matrix, appended to `out`
 * (positions are absolute). Rows go over a, columns over b.
 */
function fullTraceback(a: Int32Array, a0: number, a1: number, b: Int32Array, b0: number, b1: number, indel: boolean, out: EditOp[]): void {
  const n = a1 - a0;
  const m = b1 - b0;
  const w = m + 1;
  const flags = new Uint8Array((n + 1) * w);
  let prev = new Int32Array(w);
  let cur = new Int32Array(w);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let j = 1; j <= m; j++) flags[j] = 0; // row 0: insertions only
  for (let i = 1; i <= n; i++) {
    const ca = a[a0 + i - 1];
    cur[0] = i;
    flags[i * w] = CAN_DELETE;
    for (let j = 1; j <= m; j++) {
      const del = prev[j] + 1;
      const ins = cur[j - 1] + 1;
      const same = ca === b[b0 + j - 1];
      const diag = same ? prev[j - 1] : indel ? Infinity : prev[j - 1] + 1;
      const d = Math.min(del, ins, diag);
      cur[j] = d;
      flags[i * w + j] = (del === d ? CAN_DELETE : 0) | (diag === d ? CAN_DIAGONAL : 0);
    }
    [prev, cur] = [cur, prev];
  }
  const start = out.length;
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const f = flags[i * w + j];
    if (i > 0 && f & CAN_DELETE) {
      i--;
      out.push(['delete', a0 + i, b0 + j]);
    } else if (i > 0 && j > 0 && f & CAN_DIAGONAL) {
      i--;
      j--;
      if (a[a0 + i] !== b[b0 + j]) out.push(['replace', a0 + i, b0 + j]);
    } else {
      j--;
      out.push(['insert', a0 + i, b0 + j]);
    }
  }
  reverseFrom(out, start);
}

function reverseFrom<T>(list: T[], start: number): void {
  for (let x = start, y = list.length - 1; x < y; x++, y--) [list[x], list[y]] = [list[y], list[x]];
}

/** The last row of the distance matrix of a[a0:a1] against every prefix of b[b0:b1]. */
function lastRow(a: Int32Array, a0: number, a1: number, b: Int32Array, b0: number, b1: number, indel: boolean, reverse: boolean): Int32Array {
  const m = b1 - b0;
  const row = new Int32Array(m + 1);
  for (let j = 0; j <= m; j++) row[j] = j;
  const n = a1 - a0;
  for (let i = 1; i <= n; i++) {
    const ca = reverse ? a[a1 - i] : a[a0 + i - 1];
    let diagPrev = row[0];
    row[0] = i;
    for (let j = 1; j <= m; j++) {
      const cb = reverse ? b[b1 - j] : b[b0 + j - 1];
      const up = row[j];
      const sub = ca === cb ? diagPrev : indel ? 0x7fffffff : diagPrev + 1;
      let d = up + 1;
      if (row[j - 1] + 1 < d) d = row[j - 1] + 1;
      if (sub < d) d = sub;
      diagPrev = up;
      row[j] = d;
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
