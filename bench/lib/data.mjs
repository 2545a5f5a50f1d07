// Fixed benchmark data: Debian word lists and seeded random strings. Every workload draws from
// its own seeded generator, so adding or reordering workloads never changes another's data.
import { existsSync, readFileSync } from 'node:fs';

/** The word lists, with the Debian package that installs each. */
export const WORD_LISTS = {
  wamerican: { path: '/usr/share/dict/american-english', pkg: 'wamerican', approx: '100k' },
  insane: { path: '/usr/share/dict/american-english-insane', pkg: 'wamerican-insane', approx: '660k' },
};

const cache = new Map();

/** The words of a list, one per line, in file order. Fails with the package to install. */
export function loadWords(list = 'wamerican') {
  const spec = WORD_LISTS[list];
  if (!spec) throw new Error(`unknown word list ${JSON.stringify(list)}`);
  if (cache.has(list)) return cache.get(list);
  if (!existsSync(spec.path)) {
    throw new Error(
      `word list ${spec.path} is missing: install Debian's ${spec.pkg} package ` +
        `(sudo apt-get install ${spec.pkg}); the benchmarks use it as fixed data`,
    );
  }
  const words = readFileSync(spec.path, 'utf8').split('\n').filter((w) => w.length > 0);
  cache.set(list, words);
  return words;
}

/** mulberry32: a tiny, fast 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed derived from a name (FNV-1a), so each data set has its own fixed stream. */
export function seedOf(name) {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function rng(name) {
  return mulberry32(seedOf(name));
}

export function randomInt(rand, n) {
  return Math.floor(rand() * n);
}

/** `count` random pairs of words (independent draws, repeats allowed), as two arrays. */
export function wordPairs(words, count, seedName) {
  const rand = rng(seedName);
  const as = new Array(count);
  const bs = new Array(count);
  for (let i = 0; i < count; i++) {
    as[i] = words[randomInt(rand, words.length)];
    bs[i] = words[randomInt(rand, words.length)];
  }
  return { as, bs };
}

/** A seeded sample of `count` distinct words (partial Fisher-Yates). */
export function sampleWords(words, count, seedName) {
  const rand = rng(seedName);
  const pool = words.slice();
  const n = Math.min(count, pool.length);
  for (let i = 0; i < n; i++) {
    const j = i + randomInt(rand, pool.length - i);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, n);
}

/** A flat string of `length` random lowercase ASCII letters. */
export function randomLowercase(rand, length) {
  const codes = new Array(length);
  for (let i = 0; i < length; i++) codes[i] = 97 + randomInt(rand, 26);
  return codes.map((c) => String.fromCharCode(c)).join('');
}

/** `count` pairs of random lowercase strings, `length` code points each. */
export function randomPairs(length, count, seedName) {
  const rand = rng(seedName);
  const as = new Array(count);
  const bs = new Array(count);
  for (let i = 0; i < count; i++) {
    as[i] = randomLowercase(rand, length);
    bs[i] = randomLowercase(rand, length);
  }
  return { as, bs };
}

/** Text of exactly `length` UTF-16 units: dictionary words joined by spaces, cut to length. */
export function phrase(rand, words, length) {
  let s = '';
  while (s.length < length) s += (s ? ' ' : '') + words[randomInt(rand, words.length)];
  return s.slice(0, length);
}

// Queries: seeded real words and 1-2-edit misspellings (the search and dispatch workloads).

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** One random edit: insert, delete, substitute or transpose (UTF-16 positions). */
function edit(rand, w) {
  const letter = () => LETTERS[randomInt(rand, LETTERS.length)];
  const op = randomInt(rand, 4);
  if (op === 0 || w.length < 2) {
    const p = randomInt(rand, w.length + 1);
    return w.slice(0, p) + letter() + w.slice(p);
  }
  if (op === 1) {
    const p = randomInt(rand, w.length);
    return w.slice(0, p) + w.slice(p + 1);
  }
  if (op === 2) {
    const p = randomInt(rand, w.length);
    return w.slice(0, p) + letter() + w.slice(p + 1);
  }
  const p = randomInt(rand, w.length - 1);
  return w.slice(0, p) + w[p + 1] + w[p] + w.slice(p + 2);
}

/** 1-2 seeded edits of `word`, re-drawn (up to 50 times) until it is no corpus word. */
function misspell(rand, word, inCorpus) {
  let out = word;
  for (let attempt = 0; attempt < 50; attempt++) {
    out = edit(rand, word);
    if (rand() < 0.5) out = edit(rand, out);
    if (out !== word && !inCorpus.has(out)) break;
  }
  return out;
}

/** The fixed queries: `half` real words, then `half` misspellings of other drawn words. */
export function makeQueries(words, half, seed) {
  const drawn = sampleWords(words, 2 * half, `${seed}-words`);
  const inCorpus = new Set(words);
  const rand = rng(`${seed}-edits`);
  const misspelled = drawn.slice(half).map((w) => ({ query: misspell(rand, w, inCorpus), from: w }));
  return { real: drawn.slice(0, half), misspelled };
}
