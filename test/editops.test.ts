// Edit operations (issue 12): every script is checked by applying it (the result is b) and by
// counting (its length is the distance of a naive DP here); opcodes and matchingBlocks against
// the script; equality with RapidFuzz 3.14.6 (test/fixtures/editops.json, made by
// scripts/fixtures/gen-editops.py) wherever the minimal script is unique.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, applyEdit, editops, inverse, matchingBlocks, opcodes } from '../src/index.js';
import { FULL_TRACEBACK_CELLS, codePoints, editScript, opcodesFromEditops, type EditOp, type Opcode } from '../src/editops.js';

type Metric = 'levenshtein' | 'indel';
const METRICS: Metric[] = ['levenshtein', 'indel'];

/** The naive distance: full matrix; indel has no replacement. */
function refDistance(a: string, b: string, metric: Metric): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      const sub = x[i - 1] === y[j - 1] ? 0 : metric === 'indel' ? 2 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + sub);
    }
    prev = cur;
  }
  return prev[y.length];
}

const len = (s: string) => Array.from(s).length;

/** Every invariant of a script, its opcodes and its matching blocks. */
function checkScript(a: string, b: string, metric: Metric, ops: EditOp[], ocs: Opcode[], blocks: [number, number, number][]): void {
  expect(ops.length).toBe(refDistance(a, b, metric));
  expect(applyEdit(ops, a, b)).toBe(b);
  expect(applyEdit(inverse(ops), b, a)).toBe(a);
  if (metric === 'indel') expect(ops.every(([op]) => op !== 'replace')).toBe(true);
  // positions increase along the script
  for (let k = 1; k < ops.length; k++) {
    expect(ops[k][1] > ops[k - 1][1] || (ops[k][1] === ops[k - 1][1] && ops[k - 1][0] === 'insert')).toBe(true);
  }
  // opcodes: contiguous, cover both strings, equal blocks really equal, and applying them gives b
  const ca = Array.from(a);
  const cb = Array.from(b);
  let ai = 0;
  let bi = 0;
  for (const [tag, a1, a2, b1, b2] of ocs) {
    expect([a1, b1]).toEqual([ai, bi]);
    if (tag === 'equal') expect(ca.slice(a1, a2).join('')).toBe(cb.slice(b1, b2).join(''));
    ai = a2;
    bi = b2;
  }
  expect([ai, bi]).toEqual([ca.length, cb.length]);
  expect(applyEdit(ocs, a, b)).toBe(b);
  expect(applyEdit(inverse(ocs), b, a)).toBe(a);
  // a replace block only where the script has replacements, one per position
  const replaced = new Set(ops.filter(([op]) => op === 'replace').map(([, i]) => i));
  for (const [tag, a1, a2] of ocs) {
    if (tag === 'replace') for (let i = a1; i < a2; i++) expect(replaced.has(i)).toBe(true);
  }
  // the same number of edited positions in both views
  const edited = ocs.filter(([t]) => t !== 'equal').reduce((s, [t, a1, a2, b1, b2]) => s + (t === 'insert' ? b2 - b1 : a2 - a1), 0);
  expect(edited).toBe(ops.length);
  // matching blocks are the equal opcodes, then [|a|, |b|, 0]
  const equal = ocs.filter(([t]) => t === 'equal').map(([, a1, a2, b1]) => [a1, b1, a2 - a1]);
  expect(blocks).toEqual([...equal, [ca.length, cb.length, 0]]);
}

interface FixtureSide {
  distance: number;
  editops: EditOp[];
  opcodes: Opcode[];
  scripts: number;
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/editops.json', import.meta.url), 'utf8')) as {
  pairs: ({ a: string; b: string } & Record<Metric, FixtureSide>)[];
};

describe('editops against RapidFuzz', () => {
  it.each(METRICS)('%s: distance, invariants, and the very script where it is unique', (metric) => {
    let unique = 0;
    for (const p of fx.pairs) {
      const side = p[metric];
      const ops = editops(p.a, p.b, { metric });
      const ocs = opcodes(p.a, p.b, { metric });
      expect(ops.length, `${p.a} -> ${p.b}`).toBe(side.distance);
      checkScript(p.a, p.b, metric, ops, ocs, matchingBlocks(p.a, p.b, { metric }));
      if (side.scripts === 1) {
        unique++;
        expect(ops, `${p.a} -> ${p.b}`).toEqual(side.editops);
        expect(ocs, `${p.a} -> ${p.b}`).toEqual(side.opcodes);
      }
      // RapidFuzz's opcodes of RapidFuzz's own script are ours of the same script
      expect(opcodesFromEditops(side.editops, len(p.a), len(p.b))).toEqual(side.opcodes);
    }
    expect(unique).toBeGreaterThan(50);
  });

  it('the worked examples', () => {
    expect(editops('kitten', 'sitting')).toEqual([
      ['replace', 0, 0],
      ['replace', 4, 4],
      ['insert', 6, 6],
    ]);
    expect(opcodes('qabxcd', 'abycdf')).toEqual([
      ['delete', 0, 1, 0, 0],
      ['equal', 1, 3, 0, 2],
      ['replace', 3, 4, 2, 3],
      ['equal', 4, 6, 3, 5],
      ['insert', 6, 6, 5, 6],
    ]);
    expect(matchingBlocks('qabxcd', 'abycdf')).toEqual([
      [1, 0, 2],
      [4, 3, 2],
      [6, 6, 0],
    ]);
    expect(editops('a', 'b', { metric: 'indel' })).toEqual([
      ['insert', 0, 0],
      ['delete', 0, 1],
    ]);
    // a delete next to an insert is never made a replace
    expect(opcodes('a', 'b', { metric: 'indel' })).toEqual([
      ['insert', 0, 0, 0, 1],
      ['delete', 0, 1, 1, 1],
    ]);
    expect(matchingBlocks('', '')).toEqual([[0, 0, 0]]);
    expect(editops('😀x', 'x😀')).toEqual([
      ['insert', 0, 0],
      ['delete', 1, 2],
    ]);
  });
});

const alphabet = fc.constantFrom('a', 'b', 'c', 'é', '😀', '\ud800');
const str = (max: number) => fc.array(alphabet, { maxLength: max }).map((x) => x.join(''));

describe('editops properties', () => {
  it('applying the script gives b, and its length is the distance (short strings)', () => {
    fc.assert(
      fc.property(str(14), str(14), fc.constantFrom<Metric>('levenshtein', 'indel'), (a, b, metric) => {
        checkScript(a, b, metric, editops(a, b, { metric }), opcodes(a, b, { metric }), matchingBlocks(a, b, { metric }));
      }),
      { numRuns: 400 },
    );
  });

  it("Hirschberg's recursion (forced on short strings) gives a minimal script too", () => {
    fc.assert(
      fc.property(str(60), str(60), fc.constantFrom<Metric>('levenshtein', 'indel'), fc.integer({ min: 1, max: 40 }), (a, b, metric, full) => {
        const ca = codePoints(a);
        const cb = codePoints(b);
        const ops = editScript(ca, cb, metric === 'indel', full);
        const ocs = opcodesFromEditops(ops, ca.length, cb.length);
        const blocks = [...ocs.filter(([t]) => t === 'equal').map(([, a1, a2, b1]) => [a1, b1, a2 - a1] as [number, number, number]), [ca.length, cb.length, 0] as [number, number, number]];
        checkScript(a, b, metric, ops, ocs, blocks);
      }),
      { numRuns: 300 },
    );
  });

  it.each(METRICS)('%s: long strings, whole and through the linear-memory recursion, stay minimal', (metric) => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >>> 8) % 4;
    const a = Array.from({ length: 4000 }, () => 'acgt'[rnd()]).join('');
    const b = Array.from({ length: 3500 }, () => 'acgt'[rnd()]).join('');
    const d = refDistance(a, b, metric);
    const ops = editops(a, b, { metric });
    expect(ops.length).toBe(d);
    expect(applyEdit(ops, a, b)).toBe(b);
    // the same pair with Hirschberg's recursion down to sub-problems of 2^16 cells
    const split = editScript(codePoints(a), codePoints(b), metric === 'indel', 1 << 16);
    expect(split.length).toBe(d);
    expect(applyEdit(split, a, b)).toBe(b);
  });

  it('the linear-memory path runs above FULL_TRACEBACK_CELLS', () => {
    expect(FULL_TRACEBACK_CELLS).toBe(2 ** 26);
    const a = 'ab'.repeat(4200) + 'x';
    const b = 'ba'.repeat(4100) + 'y';
    const ops = editops(a, b); // 8401 x 8200 cells: over the limit, so Hirschberg splits it
    expect(applyEdit(ops, a, b)).toBe(b);
    // the same length as one traceback over the whole matrix (the limit lifted)
    expect(ops.length).toBe(editScript(codePoints(a), codePoints(b), false, 2 ** 30).length);
  });
});

describe('applyEdit and inverse', () => {
  it('apply a part of a script, as python-Levenshtein does', () => {
    const ops = editops('kitten', 'sitting');
    expect(applyEdit(ops.slice(0, 1), 'kitten', 'sitting')).toBe('sitten');
    expect(applyEdit(ops.slice(1), 'kitten', 'sitting')).toBe('kittin' + 'g');
    expect(applyEdit([], 'abc', 'x')).toBe('abc');
    expect(inverse(ops)).toEqual([
      ['replace', 0, 0],
      ['replace', 4, 4],
      ['delete', 6, 6],
    ]);
  });

  it('refuses operations out of range, out of order, or of the wrong shape', () => {
    expect(() => applyEdit([['replace', 3, 0]], 'abc', 'x')).toThrow(expect.objectContaining({ code: ERROR_CODES.ARGUMENT }));
    expect(() => applyEdit([['delete', 1, 0], ['delete', 0, 0]], 'abc', 'x')).toThrow(RangeError);
    expect(() => applyEdit([['equal', 0, 2, 0, 1]], 'abc', 'x')).toThrow(RangeError);
    expect(() => applyEdit([['swap', 0, 0]] as never, 'abc', 'x')).toThrow(TypeError);
    expect(() => applyEdit([['insert', 0, 0], ['equal', 0, 1, 1, 2]] as never, 'a', 'xa')).toThrow(TypeError);
    expect(() => applyEdit('nope' as never, 'a', 'b')).toThrow(TypeError);
    expect(() => inverse([['delete', -1, 0]])).toThrow(TypeError);
  });

  it('checks its options', () => {
    expect(() => editops('a', 'b', { metric: 'jaro' as never })).toThrow(expect.objectContaining({ code: ERROR_CODES.OPTION }));
    expect(() => opcodes('a', 'b', { nope: 1 } as never)).toThrow(expect.objectContaining({ code: ERROR_CODES.UNKNOWN_OPTION }));
    expect(() => matchingBlocks(1 as never, 'b')).toThrow(TypeError);
    expect(editops('ABC', 'abd', { processor: 'lowercase' })).toEqual([['replace', 2, 2]]);
  });
});
