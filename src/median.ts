// Medians and sequence ratios (issue 12), as python-Levenshtein defines them, over code points:
// `median`, `setMedian`, `seqRatio`, `setRatio`.
import { ERROR_CODES, describe, isArray, rangeError, typeError } from './errors.js';
import { codePoints, editDistance } from './editops.js';
import { readOptions } from './options.js';

export interface MedianOptions {
  /**
   * A non-negative finite weight per string (the total distance is the weighted sum).
   * @defaultValue 1 for every string
   */
  weights?: readonly number[];
}

function checkStrings(fn: string, name: string, value: unknown): asserts value is string[] {
  if (!isArray(value)) throw typeError(ERROR_CODES.ARGUMENT, `${fn}: ${name} must be an array of strings, got ${describe(value)}`);
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'string') {
      throw typeError(ERROR_CODES.ARGUMENT, `${fn}: ${name}[${i}] must be a string, got ${describe(value[i])}`);
    }
  }
}

function readWeights(fn: string, options: unknown, count: number): Float64Array {
  const o = readOptions(fn, options, ['weights']);
  const out = new Float64Array(count).fill(1);
  if (o.weights === undefined) return out;
  const w = o.weights;
  if (!isArray(w)) throw typeError(ERROR_CODES.ARGUMENT, `${fn}: weights must be an array of numbers, got ${describe(w)}`);
  if (w.length !== count) {
    throw rangeError(ERROR_CODES.OPTION, `${fn}: weights must have one weight per string (${count}), got ${w.length}`);
  }
  for (let i = 0; i < count; i++) {
    const v: unknown = w[i];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw rangeError(ERROR_CODES.OPTION, `${fn}: weights[${i}] must be a non-negative finite number, got ${describe(v)}`);
    }
    out[i] = v;
  }
  return out;
}

/** The weighted total Levenshtein distance from `m` to every string. */
function total(m: Int32Array, strings: Int32Array[], weights: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < strings.length; i++) if (weights[i] !== 0) sum += weights[i] * editDistance(m, strings[i], false);
  return sum;
}

function toString(cps: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < cps.length; i++) s += String.fromCodePoint(cps[i]);
  return s;
}

/** The index setMedian picks: the least total, the first on ties. */
function setMedianIndex(strings: Int32Array[], weights: Float64Array): { index: number; total: number } {
  let best = -1;
  let bestTotal = Infinity;
  for (let i = 0; i < strings.length; i++) {
    let sum = 0;
    for (let j = 0; j < strings.length && sum < bestTotal; j++) {
      if (i !== j && weights[j] !== 0) sum += weights[j] * editDistance(strings[i], strings[j], false);
    }
    if (sum < bestTotal) {
      bestTotal = sum;
      best = i;
    }
  }
  return { index: best, total: bestTotal };
}

/**
 * The input string with the least total (weighted) Levenshtein distance to all the strings,
 * the first one on ties; undefined for an empty list. (python-Levenshtein 0.12's `setmedian`
 * can pick another string for three or more; this follows the rule.)
 */
export function setMedian(strings: readonly string[], options?: MedianOptions): string | undefined {
  checkStrings('setMedian', 'strings', strings);
  const weights = readWeights('setMedian', options, strings.length);
  if (strings.length === 0) return undefined;
  return strings[setMedianIndex(strings.map(codePoints), weights).index];
}

/**
 * An approximate generalized median string: one (not necessarily among the inputs) with a
 * small total (weighted) Levenshtein distance to all the strings; undefined for an empty list.
 *
 * Greedy construction (Kruzslicz 1999, as python-Levenshtein's `median`): the median grows one
 * code point at a time, each time the symbol (from the inputs' alphabet, in order of first
 * appearance) whose prefix is closest to the best-matching prefixes of the inputs; the best
 * prefix by total distance is kept. Then the improvement step (python-Levenshtein's
 * `median_improve`): at each position, the best of replacing, inserting before or deleting is
 * kept while it lowers the total, in passes until one changes nothing. Last, `setMedian`'s
 * string is returned instead when its total is lower, so the result is never worse than it.
 */
export function median(strings: readonly string[], options?: MedianOptions): string | undefined {
  checkStrings('median', 'strings', strings);
  const weights = readWeights('median', options, strings.length);
  if (strings.length === 0) return undefined;
  const cps = strings.map(codePoints);
  const alphabet: number[] = [];
  const seen = new Set<number>();
  for (const s of cps) for (const c of s) if (!seen.has(c)) seen.add(c), alphabet.push(c);
  const greedy = greedyMedian(cps, weights, alphabet);
  const improved = improveMedian(greedy, cps, weights, alphabet);
  const set = setMedianIndex(cps, weights);
  return total(improved, cps, weights) > set.total ? strings[set.index] : toString(improved);
}

function greedyMedian(cps: Int32Array[], weights: Float64Array, alphabet: number[]): Int32Array {
  const maxLen = cps.reduce((m, s) => Math.max(m, s.length), 0);
  // rows[i][j]: the distance from the median so far to cps[i][0:j]
  const rows = cps.map((s) => Int32Array.from({ length: s.length + 1 }, (_, j) => j));
  const median: number[] = [];
  let bestLen = 0;
  let bestTotal = 0;
  for (let i = 0; i < cps.length; i++) bestTotal += weights[i] * cps[i].length;
  const next = cps.map((s) => new Int32Array(s.length + 1));
  for (let len = 1; len <= 2 * maxLen && alphabet.length > 0; len++) {
    let bestSym = alphabet[0];
    let bestScore = Infinity;
    for (const c of alphabet) {
      let score = 0;
      for (let i = 0; i < cps.length && score < bestScore; i++) {
        if (weights[i] === 0) continue;
        score += weights[i] * minOfNextRow(rows[i], cps[i], c, len);
      }
      if (score < bestScore) {
        bestScore = score;
        bestSym = c;
      }
    }
    median.push(bestSym);
    let full = 0;
    for (let i = 0; i < cps.length; i++) {
      nextRow(rows[i], cps[i], bestSym, len, next[i]);
      full += weights[i] * next[i][cps[i].length];
    }
    for (let i = 0; i < cps.length; i++) [rows[i], next[i]] = [next[i], rows[i]];
    if (full < bestTotal) {
      bestTotal = full;
      bestLen = len;
    }
  }
  return Int32Array.from(median.slice(0, bestLen));
}

/** The next DP row (the median extended by `c`, now `len` long) against `s`, into `out`. */
function nextRow(row: Int32Array, s: Int32Array, c: number, len: number, out: Int32Array): void {
  out[0] = len;
  for (let j = 1; j <= s.length; j++) {
    const sub = row[j - 1] + (s[j - 1] === c ? 0 : 1);
    const del = row[j] + 1;
    const ins = out[j - 1] + 1;
    out[j] = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
  }
}

/** The least value of the next row: how close the extended median is to some prefix of `s`. */
function minOfNextRow(row: Int32Array, s: Int32Array, c: number, len: number): number {
  let prev = len;
  let min = prev;
  for (let j = 1; j <= s.length; j++) {
    const sub = row[j - 1] + (s[j - 1] === c ? 0 : 1);
    const del = row[j] + 1;
    const ins = prev + 1;
    prev = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
    if (prev < min) min = prev;
  }
  return min;
}

/** D(m[p:], s[j:]) for every j, from the row of m[p+1:] (`next`), into `out`. */
function prevSuffixRow(next: Int32Array, s: Int32Array, c: number, rest: number, out: Int32Array): void {
  const len = s.length;
  out[len] = rest;
  for (let j = len - 1; j >= 0; j--) {
    const sub = next[j + 1] + (s[j] === c ? 0 : 1);
    const del = next[j] + 1;
    const ins = out[j + 1] + 1;
    out[j] = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
  }
}

/** min over j of f[j] + g[j]: the distance of a concatenation from its two halves' rows. */
function join(f: Int32Array, g: Int32Array): number {
  let min = f[0] + g[0];
  for (let j = 1; j < f.length; j++) {
    const v = f[j] + g[j];
    if (v < min) min = v;
  }
  return min;
}

/**
 * The improvement step: at each position of the median, the best of replacing its code point,
 * inserting one before it, or deleting it, kept when it lowers the total; passes until one
 * changes nothing. Each candidate costs one row per input string: the distance of a
 * concatenation is min over j of D(prefix, s[:j]) + D(suffix, s[j:]). In a pass the prefix
 * row grows one position at a time, and the suffix rows, computed once at the start of the
 * pass, stay valid past every change made so far (shifted by the insertions and deletions).
 */
function improveMedian(start: Int32Array, cps: Int32Array[], weights: Float64Array, alphabet: number[]): Int32Array {
  let m = start;
  const k = cps.length;
  const scratch = cps.map((s) => new Int32Array(s.length + 1));
  let current = total(m, cps, weights);
  for (let changed = true; changed; ) {
    changed = false;
    // bwd[i][q]: D(m[q:], s_i[j:]) for every j, for the median at the start of the pass
    const L0 = m.length;
    const bwd = cps.map((s) => {
      const rows: Int32Array[] = new Array(L0 + 1);
      rows[L0] = Int32Array.from({ length: s.length + 1 }, (_, j) => s.length - j);
      for (let q = L0 - 1; q >= 0; q--) {
        rows[q] = new Int32Array(s.length + 1);
        prevSuffixRow(rows[q + 1], s, m[q], L0 - q, rows[q]);
      }
      return rows;
    });
    // fwd[i]: D(m[0:p], s_i[0:j]) for the current median and position
    let fwd = cps.map((s) => Int32Array.from({ length: s.length + 1 }, (_, j) => j));
    let shift = 0;
    // The weighted total of a candidate from its prefix rows and the suffix rows at `tail`
    // (in the pass's coordinates); stops once it cannot beat `bound`.
    const candidate = (head: (i: number) => Int32Array, tail: number, bound: number): number => {
      let sum = 0;
      for (let i = 0; i < k && sum < bound; i++) {
        if (weights[i] !== 0) sum += weights[i] * join(head(i), bwd[i][tail]);
      }
      return sum;
    };
    for (let p = 0; p <= m.length; p++) {
      let best: Int32Array | undefined;
      let bestTotal = current;
      let bestShift = 0;
      for (const c of alphabet) {
        const extended = (i: number) => {
          nextRow(fwd[i], cps[i], c, p + 1, scratch[i]);
          return scratch[i];
        };
        if (p < m.length && m[p] !== c) {
          const t = candidate(extended, p + 1 - shift, bestTotal);
          if (t < bestTotal) {
            bestTotal = t;
            best = m.slice();
            best[p] = c;
            bestShift = 0;
          }
        }
        const t = candidate(extended, p - shift, bestTotal);
        if (t < bestTotal) {
          bestTotal = t;
          best = new Int32Array(m.length + 1);
          best.set(m.subarray(0, p));
          best[p] = c;
          best.set(m.subarray(p), p + 1);
          bestShift = 1;
        }
      }
      if (p < m.length) {
        const t = candidate((i) => fwd[i], p + 1 - shift, bestTotal);
        if (t < bestTotal) {
          bestTotal = t;
          best = new Int32Array(m.length - 1);
          best.set(m.subarray(0, p));
          best.set(m.subarray(p + 1), p);
          bestShift = -1;
        }
      }
      if (best) {
        m = best;
        current = bestTotal;
        shift += bestShift;
        changed = true;
      }
      if (p < m.length) {
        fwd = fwd.map((row, i) => {
          const next = new Int32Array(row.length);
          nextRow(row, cps[i], m[p], p + 1, next);
          return next;
        });
      }
    }
  }
  return m;
}

/** The item cost of seqRatio/setRatio: `2 * indel(x, y) / (|x| + |y|)`, 0 when both are empty. */
function itemCost(x: Int32Array, y: Int32Array): number {
  const sum = x.length + y.length;
  return sum === 0 ? 0 : (2 * editDistance(x, y, true)) / sum;
}

/**
 * The similarity of two sequences of strings (python-Levenshtein's `seqratio`): with D their
 * edit distance where inserting or deleting an item costs 1 and replacing `x` by `y` costs
 * `2 * indel(x, y) / (|x| + |y|)`, `(|A| + |B| - D) / (|A| + |B|)`; 1 for two empty sequences.
 */
export function seqRatio(seqA: readonly string[], seqB: readonly string[]): number {
  checkStrings('seqRatio', 'seqA', seqA);
  checkStrings('seqRatio', 'seqB', seqB);
  const n = seqA.length;
  const m = seqB.length;
  if (n + m === 0) return 1;
  const a = seqA.map(codePoints);
  const b = seqB.map(codePoints);
  let prev = Float64Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Float64Array(m + 1);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    for (let j = 1; j <= m; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + itemCost(a[i - 1], b[j - 1]));
    }
    [prev, cur] = [cur, prev];
  }
  return (n + m - prev[m]) / (n + m);
}

/**
 * The similarity of two sets (multisets) of strings (python-Levenshtein's `setratio`): with the
 * smaller of size n1, the larger of size n2, and `best` the least total item cost (see
 * seqRatio) over one-to-one assignments of the smaller into the larger (the Hungarian
 * algorithm), `(n1 + n2 - (n2 - n1 + best)) / (n1 + n2)`; 1 for two empty sets.
 */
export function setRatio(setA: readonly string[], setB: readonly string[]): number {
  checkStrings('setRatio', 'setA', setA);
  checkStrings('setRatio', 'setB', setB);
  let small = setA.map(codePoints);
  let large = setB.map(codePoints);
  if (small.length > large.length) [small, large] = [large, small];
  const n1 = small.length;
  const n2 = large.length;
  if (n1 + n2 === 0) return 1;
  const cost = small.map((x) => Float64Array.from(large, (y) => itemCost(x, y)));
  const best = n1 === 0 ? 0 : assignmentCost(cost, n1, n2);
  return (n1 + n2 - (n2 - n1 + best)) / (n1 + n2);
}

/**
 * The least total cost of assigning each of the n rows to a distinct column of m >= n columns:
 * the Hungarian algorithm with potentials (Kuhn 1955, Munkres 1957; the O(n^2 m) form of
 * Jonker and Volgenant's shortest augmenting paths).
 */
export function assignmentCost(cost: ArrayLike<number>[], n: number, m: number): number {
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1); // p[j]: the row assigned to column j (1-based), 0 for none
  const way = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(m + 1).fill(Infinity);
    const used = new Uint8Array(m + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = cost[i0 - 1][j - 1] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  // Sum the chosen cells directly (not -v[0]), so the result is exactly a sum of item costs.
  let sum = 0;
  for (let j = 1; j <= m; j++) if (p[j] !== 0) sum += cost[p[j] - 1][j - 1];
  return sum;
}
