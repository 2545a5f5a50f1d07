#!/usr/bin/env node
// Two builds of strdist against each other and the pairwise workload's first peers, in ONE
// process (issue 11): same word pairs and seed as bench/workloads/pairwise.mjs, one compiled
// pairLoop per competitor, rounds alternating with a rotating start, and process CPU time per
// run (less sensitive than wall time on a shared machine). A "floor" row reads every character
// of both words and does nothing else: no kernel that reads its input through charCodeAt can
// beat it.
//   node bench/pairwise-ab.mjs <dist A> <dist B> [rounds] [pairs]
// e.g. with a copy of main's dist/ (built there) in dist-main/ beside dist/:
//   node bench/pairwise-ab.mjs dist-main dist 11 200000
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadWords, wordPairs } from './lib/data.mjs';
import { jaroPeers, jaroWinklerPeers, levenshteinPeers } from './lib/peers.mjs';
import { pairLoop, summary } from './lib/timing.mjs';

const [dirA, dirB, roundsArg, pairsArg] = process.argv.slice(2);
if (!dirA || !dirB) {
  console.error('usage: node bench/pairwise-ab.mjs <dist A> <dist B> [rounds] [pairs]');
  process.exit(2);
}
const rounds = Number(roundsArg ?? 11);
const n = Number(pairsArg ?? 200_000);
const load = (dir) => import(pathToFileURL(resolve(dir, 'index.mjs')).href);
const [A, B] = [await load(dirA), await load(dirB)];
const { as, bs } = wordPairs(loadWords('wamerican'), n, 'pairwise-words');

function floor(a, b) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a.charCodeAt(i);
  for (let i = 0; i < b.length; i++) s += b.charCodeAt(i);
  return s;
}

const groups = [
  ['levenshtein', 'fastest-levenshtein', levenshteinPeers['fastest-levenshtein']],
  ['jaro', 'talisman jaro', jaroPeers['talisman jaro']],
  ['jaroWinkler', 'talisman jaro-winkler', jaroWinklerPeers['talisman jaro-winkler']],
];
console.log(`${n} wamerican word pairs, ${rounds} rounds, CPU ns per call; ratio = peer / row, per round, median`);
for (const [method, peerName, peer] of groups) {
  for (let i = 0; i < Math.min(n, 50_000); i++) {
    if (!Object.is(A[method](as[i], bs[i]), B[method](as[i], bs[i]))) throw new Error(`${method}: the builds differ on ${as[i]} / ${bs[i]}`);
  }
  const rows = [
    [`A ${dirA}`, A[method]],
    [`B ${dirB}`, B[method]],
    [peerName, peer],
    ['floor (read both words)', floor],
  ].map(([name, fn]) => ({ name, loop: pairLoop(fn, `${method} ${name}`), samples: [] }));
  for (const r of rows) r.loop(as, bs);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < rows.length; k++) {
      const r = rows[(round + k) % rows.length];
      const t0 = process.cpuUsage();
      r.loop(as, bs);
      const t = process.cpuUsage(t0);
      r.samples.push(((t.user + t.system) * 1000) / n);
    }
  }
  const peerRow = rows[2];
  console.log(`\n${method}`);
  for (const r of rows) {
    const ratio = summary(peerRow.samples.map((p, i) => p / r.samples[i])).median;
    console.log(`  ${r.name.padEnd(28)} ${summary(r.samples).median.toFixed(1).padStart(7)} ns  x${ratio.toFixed(2)}`);
  }
}
