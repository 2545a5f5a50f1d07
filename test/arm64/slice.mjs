// A slice of the parity suite that runs on any Node, any architecture, without a test runner:
// used by scripts/arm64.sh to compare what the arm64 prebuild computes (under qemu) with what
// the x64 build and the TypeScript backend compute, bit for bit.
//
//   node test/arm64/slice.mjs <metrics.jsonl> <pairs> [<words file>]    (run from an app folder)
//
// Loads `strdist` as the folder it runs in sees it (node_modules/strdist, or the package itself
// when run from the repository). Prints one JSON object: the capability, the oracle vectors
// that failed (levenshtein exact, Jaro and Jaro-Winkler within 1e-12 as in test/vectors.test.ts),
// and every score it computed, as hex of the IEEE-754 bits, for an exact comparison elsewhere.
// The pairs come from a fixed seed: the same on every machine.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [vectorsFile, pairsArg, wordsFile] = process.argv.slice(2);
const strdist = createRequire(join(process.cwd(), 'package.json'))('strdist');

// mulberry32: a small seeded generator, identical everywhere.
let seed = 20261201 >>> 0;
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));

// The parity suite's alphabets: tiny (repeats, the hard case for Jaro), ASCII, Latin-1, CJK,
// astral emoji, lone surrogates.
const ALPHABETS = [
  () => 'abc'[int(0, 2)],
  () => String.fromCharCode(int(0x20, 0x7e)),
  () => String.fromCharCode(int(0xa0, 0xff)),
  () => String.fromCharCode(int(0x4e00, 0x4e40)),
  () => String.fromCodePoint(int(0x1f600, 0x1f640)),
  () => String.fromCharCode(int(0xd800, 0xdfff)),
];
const mixed = () => ALPHABETS[random() < 0.7 ? int(0, 1) : int(2, 5)]();
function string(unit, length) {
  let s = '';
  for (let i = 0; i < length; i++) s += unit();
  return s;
}
/** Lengths: mostly short, some around one 64-bit block, a few multi-block. */
function length() {
  const r = random();
  if (r < 0.7) return int(0, 16);
  if (r < 0.9) return int(56, 72);
  return int(120, 300);
}
function pair() {
  const unit = random() < 0.3 ? mixed : ALPHABETS[int(0, 5)];
  const a = string(unit, length());
  if (random() < 0.5) return [a, string(unit, length())];
  // near pair: a few edits of a, so distances are small and cutoffs bite
  const b = [...a];
  for (let e = int(0, 5); e > 0; e--) {
    const at = int(0, b.length);
    const op = int(0, 2);
    if (op === 0) b.splice(at, 0, unit());
    else if (op === 1) b.splice(at, 1);
    else b[at] = unit();
  }
  return [a, b.join('')];
}

const bits = (x) => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(x);
  return b.toString('hex');
};

const vectors = readFileSync(vectorsFile, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
const vectorFailures = [];
for (const v of vectors) {
  const lev = strdist.levenshtein(v.a, v.b);
  const jaro = strdist.jaro(v.a, v.b);
  const jw = strdist.jaroWinkler(v.a, v.b);
  if (lev !== v.levenshtein || !(Math.abs(jaro - v.jaro) <= 1e-12) || !(Math.abs(jw - v.jaroWinkler) <= 1e-12)) {
    vectorFailures.push({ a: v.a, b: v.b, got: [lev, jaro, jw], want: [v.levenshtein, v.jaro, v.jaroWinkler] });
  }
}

const n = Number(pairsArg);
const scores = [];
const METRICS = ['levenshtein', 'levenshteinSimilarity', 'jaro', 'jaroWinkler'];
for (let i = 0; i < n; i++) {
  const [a, b] = pair();
  const maxDistance = int(0, 8);
  const pw = [0, 0.1, 0.25][int(0, 2)];
  const row = [
    strdist.levenshtein(a, b),
    strdist.levenshtein(a, b, { maxDistance }),
    strdist.levenshteinSimilarity(a, b),
    strdist.jaro(a, b),
    strdist.jaroWinkler(a, b, { prefixWeight: pw }),
  ];
  // scoreMany goes to the kernel whatever the lengths (pairwise calls of short strings are
  // answered in TypeScript): the native kernel for every pair.
  for (const metric of METRICS) row.push(strdist.scoreMany(metric, a, [b, a, ''])[0]);
  scores.push(row.map(bits).join(' '));
}

let closest = null;
if (wordsFile) {
  const words = readFileSync(wordsFile, 'utf8').split('\n').filter(Boolean);
  const corpus = new strdist.Corpus(words);
  const queries = [];
  for (let i = 0; i < 12; i++) queries.push(words[int(0, words.length - 1)].slice(0, int(3, 9)) + 'e');
  closest = [];
  for (const metric of ['jaro', 'jaroWinkler', 'levenshtein']) {
    const found = await corpus.closestMany(queries, { n: 5, metric });
    closest.push(found.map((ms) => ms.map((m) => `${m.index}:${bits(m.score)}`).join(',')));
  }
}

const cap = strdist.capability();
process.stdout.write(
  JSON.stringify({
    capability: { arch: cap.arch, backend: cap.backend, binary: cap.binary, kernelVersion: cap.kernelVersion, cpuFeatures: cap.cpuFeatures },
    vectors: vectors.length,
    vectorFailures,
    scores,
    closest,
  }) + '\n',
);
