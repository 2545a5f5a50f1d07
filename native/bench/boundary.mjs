#!/usr/bin/env node
// A focused benchmark of the addon's boundary, comparing binaries side by side in one process
// (interleaved rounds, so a noisy machine hits every binary alike):
//   node native/bench/boundary.mjs [--rounds N] [path/to/a.node ...]   (default: this build)
// Workloads: pairwise calls on word pairs (the raw Node-API fast path), scoreMany, and the corpus
// search over /usr/share/dict/american-english-insane on 1 and 2 threads (closestSync-sized
// single queries, where per-call thread start-up shows, and a closestMany batch).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values, positionals } = parseArgs({ options: { rounds: { type: 'string', default: '5' } }, allowPositionals: true });
const paths = positionals.length ? positionals.map((p) => resolve(p)) : [require('node-gyp-build').resolve(root)];
const addons = paths.map((p) => require(p));
const rounds = Number(values.rounds);

// A fixed pseudo-random sequence, so every run measures the same pairs.
let seed = 0x2545f491;
const rand = (n) => {
  seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0;
  return seed % n;
};
const insane = readFileSync('/usr/share/dict/american-english-insane', 'utf8').split('\n').filter(Boolean);
const pairs = 500_000;
const as = Array.from({ length: pairs }, () => insane[rand(insane.length)]);
const bs = Array.from({ length: pairs }, () => insane[rand(insane.length)]);
const queries = Array.from({ length: 64 }, () => insane[rand(insane.length)]);
const lengths = (s) => Uint32Array.from(s, (x) => x.length);

const handles = addons.map((a) => a.corpusCreate(insane.join(''), lengths(insane)));
const choices = insane.slice(0, 100_000);
const units = new Uint16Array(choices.join('').split('').map((c) => c.charCodeAt(0)));
const choiceLengths = lengths(choices);
const out = new Float64Array(choices.length);

const workloads = {
  'levenshtein pairs (ns/call)': (a) => { let s = 0; for (let i = 0; i < pairs; i++) s += a.levenshtein(as[i], bs[i], -1); return [s, pairs]; },
  'jaro pairs (ns/call)': (a) => { let s = 0; for (let i = 0; i < pairs; i++) s += a.jaro(as[i], bs[i], 0); return [s, pairs]; },
  'jaroWinkler pairs (ns/call)': (a) => { let s = 0; for (let i = 0; i < pairs; i++) s += a.jaroWinkler(as[i], bs[i], 0.1, 0); return [s, pairs]; },
  'scoreMany 100k jaro (ns/choice)': (a) => { a.scoreMany(2, 'bagel', units, choiceLengths, 0.1, -1, out); return [out[7], choices.length]; },
  'search 64 single queries, jaro, 1 thread (us/query)': (a, h) => one(a, h, 2, 1),
  'search 64 single queries, jaro, 2 threads (us/query)': (a, h) => one(a, h, 2, 2),
  'search 64 single queries, levenshtein, 2 threads (us/query)': (a, h) => one(a, h, 0, 2),
  'closestMany 64 queries, jaro, 2 threads (us/query)': (a, h) => {
    const r = a.corpusSearchSync(h, queries.join(''), lengths(queries), 2, 10, 0.1, 0, -1, 2);
    return [r.indices.reduce((x, y) => x + y, 0), queries.length];
  },
};
function one(a, h, metric, threads) {
  let s = 0;
  for (const q of queries) s += a.corpusSearchSync(h, q, Uint32Array.of(q.length), metric, 10, 0.1, 0, -1, threads).indices[0];
  return [s, queries.length];
}

for (const [name, fn] of Object.entries(workloads)) {
  const unit = /\((\w+)\//.exec(name)[1];
  const scale = unit === 'ns' ? 1e9 : 1e6;
  const best = addons.map(() => Infinity);
  const sums = addons.map(() => undefined);
  for (let r = 0; r < rounds; r++) {
    addons.forEach((a, i) => {
      const t = process.hrtime.bigint();
      const [check, ops] = fn(a, handles[i]);
      const per = (Number(process.hrtime.bigint() - t) / 1e9 / ops) * scale;
      best[i] = Math.min(best[i], per);
      if (sums[i] === undefined) sums[i] = check;
      else if (sums[i] !== check) throw new Error(`${name}: ${paths[i]} gave different results between rounds`);
    });
  }
  if (sums.some((s) => s !== sums[0])) throw new Error(`${name}: the binaries disagree`);
  const cells = best.map((b, i) => `${b.toFixed(unit === 'ns' ? 1 : 0).padStart(9)}${i ? ` (${(b / best[0]).toFixed(3)}x)` : ''}`);
  console.log(`${name.padEnd(62)} ${cells.join('  ')}`);
}
console.log(`best of ${rounds} rounds; binaries: ${paths.join(', ')}`);
