// The TypeScript fuzzy joins: the same groups, bounds, signature filter and cached scorers as
// native/join.hpp (see the comment there), on the calling thread. Exact: equal to scoring
// every pair and keeping those within the threshold.
import { CachedJaro, CachedJaroWinkler, CachedLevenshtein } from './index.js';
import { counts, keyBound, levels, needCommon, popcount32, type Group, type JsCorpusIndex, type SearchParams } from './corpus.js';

/** The join's threshold and metric (a SearchParams whose `n` is not used). */
export type JoinParams = Omit<SearchParams, 'n'>;

/** The query side: signature, cached scorer, fixed floor (a key: levenshtein's is -distance). */
class Left {
  readonly ql: number;
  readonly q1: number;
  readonly q2: number;
  readonly q3: number;
  readonly q4: number;
  readonly excessMask: number;
  readonly excess = new Uint32Array(32);
  readonly floor: number;
  readonly lev: CachedLevenshtein | null;
  readonly jaro: CachedJaro | null;
  readonly jw: CachedJaroWinkler | null;

  constructor(query: string, readonly p: SearchParams, scratch: Uint32Array) {
    this.ql = counts(query, scratch);
    const capped = scratch.map((v) => Math.min(v, 4));
    const sig = new Uint32Array(4);
    levels(capped, sig, 0);
    [this.q1, this.q2, this.q3, this.q4] = sig;
    let mask = 0;
    for (let b = 0; b < 32; b++) {
      if (scratch[b] > 4) {
        mask |= 1 << b;
        this.excess[b] = scratch[b] - 4;
      }
    }
    this.excessMask = mask;
    this.floor = p.metric === 'levenshtein' ? (p.maxDistance < 0 ? -Infinity : -p.maxDistance) : p.minScore;
    this.lev = p.metric === 'levenshtein' || p.metric === 'levenshteinSimilarity' ? new CachedLevenshtein(query) : null;
    this.jaro = p.metric === 'jaro' ? new CachedJaro(query) : null;
    this.jw = p.metric === 'jaroWinkler' ? new CachedJaroWinkler(query, p.prefixWeight) : null;
  }
}

/**
 * Visits group `g` from its `fromK`-th word: emit(key, corpusIndex) for each word within the
 * floor. False when the length bound alone rules the group out (and every group further out).
 */
function visitGroup(
  words: readonly string[],
  left: Left,
  g: Group,
  fromK: number,
  emit: (key: number, index: number) => void,
): boolean {
  const { p, ql, floor } = left;
  const w = g.length;
  if (keyBound(p, ql, w, Math.min(ql, w)) < floor) return false;
  const need = needCommon(p, ql, w, floor);
  if (need === Infinity) return true;
  const mx = Math.max(ql, w);
  let levCutoff = -1;
  if (p.metric === 'levenshtein') levCutoff = floor === -Infinity ? -1 : -floor;
  else if (p.metric === 'levenshteinSimilarity' && mx > 0 && floor > 0) {
    const c = Math.ceil((1 - floor) * mx) + 1;
    if (c < mx) levCutoff = c;
  }
  const minSim = Math.max(0, floor);
  const { slots, sigs } = g;
  const { q1, q2, q3, q4, excessMask, excess } = left;
  for (let k = fromK; k < slots.length; k++) {
    if (need > 0) {
      const s = k * 4;
      const w4 = sigs[s + 3];
      let common = popcount32(q1 & sigs[s]) + popcount32(q2 & sigs[s + 1]) + popcount32(q3 & sigs[s + 2]) + popcount32(q4 & w4);
      let sat = excessMask & w4;
      while (sat !== 0) {
        common += excess[31 - Math.clz32(sat & -sat)];
        sat &= sat - 1;
      }
      if (common < need) continue;
    }
    const index = slots[k];
    const word = words[index];
    let key: number;
    if (p.metric === 'levenshtein') {
      const d = left.lev!.distance(word, levCutoff);
      if (levCutoff >= 0 && d > levCutoff) continue;
      key = -d;
    } else if (p.metric === 'levenshteinSimilarity') {
      const d = left.lev!.distance(word, levCutoff);
      if (levCutoff >= 0 && d > levCutoff) continue;
      key = mx === 0 ? 1 : 1 - d / mx;
    } else {
      key = left.jaro ? left.jaro.similarity(word, minSim) : left.jw!.similarity(word, minSim);
    }
    if (key < floor) continue;
    emit(key, index);
  }
  return true;
}

const asParams = (p: JoinParams): SearchParams => ({ ...p, n: Infinity });

/** Raw join matches of one query: scores and corpus indices, in closest order. */
export function jsJoinOne(index: JsCorpusIndex, words: readonly string[], query: string, params: JoinParams): { scores: number[]; indices: number[] } {
  const p = asParams(params);
  const left = new Left(query, p, new Uint32Array(32));
  const keys: number[] = [];
  const idx: number[] = [];
  for (const g of index.lengthGroups) {
    visitGroup(words, left, g, 0, (key, i) => {
      keys.push(key);
      idx.push(i);
    });
  }
  const order = keys.map((_, i) => i).sort((a, b) => (keys[a] === keys[b] ? idx[a] - idx[b] : keys[b] - keys[a]));
  const lower = p.metric === 'levenshtein';
  return {
    scores: order.map((i) => (lower ? (keys[i] === 0 ? 0 : -keys[i]) : keys[i])),
    indices: order.map((i) => idx[i]),
  };
}

/** Where each group starts in the slot order (by length, then corpus order). */
export function groupStarts(index: JsCorpusIndex): number[] {
  const starts: number[] = [];
  let at = 0;
  for (const g of index.lengthGroups) {
    starts.push(at);
    at += g.slots.length;
  }
  return starts;
}

/**
 * The self-join pairs whose left word sits in slots [from, to): (lower index, higher index,
 * score), sorted by the pair. `deadline()` is asked between words; true stops early and the
 * slot reached is returned as `next` (the caller comes back for the rest).
 */
export function jsSelfJoinSlots(
  index: JsCorpusIndex,
  words: readonly string[],
  from: number,
  to: number,
  params: JoinParams,
  stop: () => boolean = () => false,
): { left: number[]; right: number[]; scores: number[]; next: number } {
  const p = asParams(params);
  const groups = index.lengthGroups;
  const starts = groupStarts(index);
  const scratch = new Uint32Array(32);
  const pairs: [number, number, number][] = [];
  const lower = p.metric === 'levenshtein';
  let g = 0;
  let slot = from;
  for (; slot < to; slot++) {
    if (slot > from && stop()) break;
    while (g + 1 < groups.length && starts[g + 1] <= slot) g++;
    const k = slot - starts[g];
    const me = groups[g].slots[k];
    const left = new Left(words[me], p, scratch);
    const emit = (key: number, other: number) => {
      const score = lower ? (key === 0 ? 0 : -key) : key;
      pairs.push(me < other ? [me, other, score] : [other, me, score]);
    };
    visitGroup(words, left, groups[g], k + 1, emit);
    for (let h = g + 1; h < groups.length; h++) if (!visitGroup(words, left, groups[h], 0, emit)) break;
  }
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { left: pairs.map((x) => x[0]), right: pairs.map((x) => x[1]), scores: pairs.map((x) => x[2]), next: slot };
}
