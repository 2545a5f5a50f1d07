// The TypeScript closest-word search: the same packing, bounds and visiting order as
// native/corpus.hpp (see the comment there), on one thread. Exact: equal to scoring every word.
import type { Metric } from '../../kernel.js';
import { CachedJaro, CachedJaroWinkler, CachedLevenshtein } from './index.js';

export interface SearchParams {
  metric: Metric;
  n: number;
  prefixWeight: number;
  /** Similarity metrics: leave out results below this. */
  minScore: number;
  /** Levenshtein: leave out distances above this; -1 for no limit. */
  maxDistance: number;
}

/** Parallel arrays, best first: `scores[i]` is the distance for levenshtein, else the similarity. */
export interface RawMatches {
  scores: number[];
  indices: number[];
  visited: number;
  scored: number;
}

const MARGIN = 1e-9;

export function bucketOf(c: number): number {
  return (c ^ (c >>> 5) ^ (c >>> 10) ^ (c >>> 15)) & 31;
}

export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Bucket counts of a string's code points (32 buckets). */
export function counts(s: string, out: Uint32Array): number {
  out.fill(0);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    out[bucketOf(c)]++;
    n++;
  }
  return n;
}

/** Thermometer code of the counts: level k mask = buckets holding at least k (k = 1..4). */
export function levels(c: Uint32Array, sig: Uint32Array, at: number): void {
  let l1 = 0;
  let l2 = 0;
  let l3 = 0;
  let l4 = 0;
  for (let b = 0; b < 32; b++) {
    const v = c[b];
    const bit = 1 << b;
    if (v >= 1) l1 |= bit;
    if (v >= 2) l2 |= bit;
    if (v >= 3) l3 |= bit;
    if (v >= 4) l4 |= bit;
  }
  sig[at] = l1;
  sig[at + 1] = l2;
  sig[at + 2] = l3;
  sig[at + 3] = l4;
}

export interface Group {
  length: number;
  /** Corpus indices of the words of this length, in corpus order. */
  slots: Uint32Array;
  /** Four level masks per word. */
  sigs: Uint32Array;
}

const isSimilarity = (m: Metric) => m !== 'levenshtein';

/** Upper bound on the key (higher is better; levenshtein's key is -distance). */
export function keyBound(p: SearchParams, q: number, w: number, common: number): number {
  const mx = Math.max(q, w);
  const m = Math.min(common, q, w);
  switch (p.metric) {
    case 'levenshtein':
      return -(mx - m);
    case 'levenshteinSimilarity':
      return mx === 0 ? 1 : 1 - (mx - m) / mx + MARGIN;
    default: {
      if (q === 0 && w === 0) return 1;
      if (m === 0) return 0;
      let j = (m / q + m / w + 1) / 3;
      if (p.metric === 'jaroWinkler' && j > 0.7) j = j + 4 * p.prefixWeight * (1 - j);
      return Math.min(1, j) + MARGIN;
    }
  }
}

/** Smallest common count that can reach `floor`; Infinity when none can. */
export function needCommon(p: SearchParams, q: number, w: number, floor: number): number {
  const top = Math.min(q, w);
  if (keyBound(p, q, w, top) < floor) return Infinity;
  let lo = 0;
  let hi = top;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyBound(p, q, w, mid) >= floor) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The n best so far as parallel arrays sorted best first (n is small in practice). */
class TopK {
  keys: number[] = [];
  idx: number[] = [];
  constructor(readonly n: number) {}
  get full(): boolean {
    return this.keys.length >= this.n;
  }
  get worst(): number {
    return this.keys[this.keys.length - 1];
  }
  offer(key: number, index: number): boolean {
    const keys = this.keys;
    const idx = this.idx;
    let i = keys.length;
    if (i >= this.n) {
      const wk = keys[i - 1];
      if (!(key > wk || (key === wk && index < idx[i - 1]))) return false;
      keys.pop();
      idx.pop();
      i--;
    }
    // binary search for the insertion point
    let lo = 0;
    let hi = i;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid] > key || (keys[mid] === key && idx[mid] < index)) lo = mid + 1;
      else hi = mid;
    }
    keys.splice(lo, 0, key);
    idx.splice(lo, 0, index);
    return true;
  }
}

export class JsCorpusIndex {
  private readonly groups: Group[] = [];
  private readonly scratch = new Uint32Array(32);

  /** The length groups in index order (by length; corpus order inside): for the joins (join.ts). */
  get lengthGroups(): readonly Group[] {
    return this.groups;
  }

  constructor(private readonly words: readonly string[]) {
    const byLength = new Map<number, number[]>();
    const lengths = new Uint32Array(words.length);
    for (let i = 0; i < words.length; i++) {
      const n = counts(words[i], this.scratch);
      lengths[i] = n;
      let list = byLength.get(n);
      if (!list) byLength.set(n, (list = []));
      list.push(i);
    }
    for (const length of [...byLength.keys()].sort((a, b) => a - b)) {
      const slots = Uint32Array.from(byLength.get(length)!);
      const sigs = new Uint32Array(slots.length * 4);
      for (let k = 0; k < slots.length; k++) {
        counts(words[slots[k]], this.scratch);
        levels(this.scratch, sigs, k * 4);
      }
      this.groups.push({ length, slots, sigs });
    }
  }

  /** Exact top n; Levenshtein first tries small distance limits, as the native search does. */
  search(query: string, p: SearchParams): RawMatches {
    let visited = 0;
    let scored = 0;
    if (p.metric === 'levenshtein' && p.n > 0) {
      for (let limit = 2; (p.maxDistance < 0 || limit < p.maxDistance) && limit <= 16; limit *= 2) {
        const r = this.#searchOnce(query, { ...p, maxDistance: limit });
        visited += r.visited;
        scored += r.scored;
        if (r.scores.length >= p.n) return { ...r, visited, scored };
      }
    }
    const r = this.#searchOnce(query, p);
    return { ...r, visited: visited + r.visited, scored: scored + r.scored };
  }

  #searchOnce(query: string, p: SearchParams): RawMatches {
    const result: RawMatches = { scores: [], indices: [], visited: 0, scored: 0 };
    if (p.n === 0 || this.groups.length === 0) return result;
    const qc = new Uint32Array(32);
    const ql = counts(query, qc);
    const qsig = new Uint32Array(4);
    const capped = qc.map((v) => Math.min(v, 4));
    levels(capped, qsig, 0);
    let excessMask = 0;
    const excess = new Uint32Array(32);
    for (let b = 0; b < 32; b++) {
      if (qc[b] > 4) {
        excessMask |= 1 << b;
        excess[b] = qc[b] - 4;
      }
    }
    const [q1, q2, q3, q4] = qsig;
    const lev = p.metric === 'levenshtein' || p.metric === 'levenshteinSimilarity' ? new CachedLevenshtein(query) : null;
    const jaro = p.metric === 'jaro' ? new CachedJaro(query) : null;
    const jw = p.metric === 'jaroWinkler' ? new CachedJaroWinkler(query, p.prefixWeight) : null;
    const base = p.metric === 'levenshtein' ? (p.maxDistance < 0 ? -Infinity : -p.maxDistance) : p.minScore;
    const top = new TopK(p.n);
    const floorNow = () => (top.full ? Math.max(base, top.worst) : base);

    const groups = this.groups;
    let up = 0;
    while (up < groups.length && groups[up].length < ql) up++;
    let down = up - 1;
    let upOpen = true;
    let downOpen = true;
    for (;;) {
      const canUp = upOpen && up < groups.length;
      const canDown = downOpen && down >= 0;
      if (!canUp && !canDown) break;
      const takeUp = !canDown || (canUp && groups[up].length - ql <= ql - groups[down].length);
      const g = groups[takeUp ? up : down];
      const w = g.length;
      let floor = floorNow();
      if (keyBound(p, ql, w, Math.min(ql, w)) < floor) {
        if (takeUp) upOpen = false;
        else downOpen = false;
        continue;
      }
      if (takeUp) up++;
      else down--;
      let need = needCommon(p, ql, w, floor);
      const { slots, sigs } = g;
      const mx = Math.max(ql, w);
      for (let k = 0; k < slots.length && need !== Infinity; k++) {
        result.visited++;
        if (need > 0) {
          const s = k * 4;
          const w4 = sigs[s + 3];
          let common =
            popcount32(q1 & sigs[s]) + popcount32(q2 & sigs[s + 1]) + popcount32(q3 & sigs[s + 2]) + popcount32(q4 & w4);
          let sat = excessMask & w4;
          while (sat !== 0) {
            common += excess[31 - Math.clz32(sat & -sat)];
            sat &= sat - 1;
          }
          if (common < need) continue;
        }
        result.scored++;
        const index = slots[k];
        const word = this.words[index];
        let key: number;
        if (p.metric === 'levenshtein') {
          const cutoff = floor === -Infinity ? -1 : -floor;
          const d = lev!.distance(word, cutoff);
          if (cutoff >= 0 && d > cutoff) continue;
          key = -d;
        } else if (p.metric === 'levenshteinSimilarity') {
          let cutoff = -1;
          if (mx > 0 && floor > 0) {
            const c = Math.ceil((1 - floor) * mx) + 1;
            if (c < mx) cutoff = c;
          }
          const d = lev!.distance(word, cutoff);
          if (cutoff >= 0 && d > cutoff) continue;
          key = mx === 0 ? 1 : 1 - d / mx;
        } else {
          const min = Math.max(0, floor);
          key = jaro ? jaro.similarity(word, min) : jw!.similarity(word, min);
        }
        if (key < floor) continue;
        if (top.offer(key, index) && top.full) {
          const f = floorNow();
          if (f !== floor) {
            floor = f;
            need = needCommon(p, ql, w, floor);
          }
        }
      }
    }
    const sim = isSimilarity(p.metric);
    for (let i = 0; i < top.keys.length; i++) {
      const k = top.keys[i];
      result.scores.push(sim ? k : k === 0 ? 0 : -k);
      result.indices.push(top.idx[i]);
    }
    return result;
  }
}
