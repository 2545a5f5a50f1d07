#!/usr/bin/env node
// CPU-time companion of the score-many / score-matrix workloads (issue 11), for machines too
// loaded for wall-clock ratios: strdist and RapidFuzz (when present) alternate, each side's
// *process CPU time* is measured (process.cpuUsage here, time.process_time_ns in the driver),
// single-threaded work only. Same words and seeds as the workloads.
//   node bench/cpu-time.mjs [rounds]
import { rapidfuzz } from './lib/rapidfuzz.mjs';
import { loadWords, sampleWords } from './lib/data.mjs';

const rounds = Number(process.argv[2] ?? 7);
const sd = await import(new URL('../dist/index.mjs', import.meta.url).href);
const rf = rapidfuzz();
if (rf.absent) {
  console.log(`RapidFuzz ${rf.absent}; nothing to compare`);
  process.exit(0);
}
const words = loadWords('wamerican');
const manyChoices = sampleWords(words, 100_000, 'score-many-choices');
const manyQueries = sampleWords(words, 10, 'score-many-queries');
const mQueries = sampleWords(words, 200, 'score-matrix-queries');
const mChoices = sampleWords(words, 20_000, 'score-matrix-choices');
rf.set('mq', manyQueries);
rf.set('mc', manyChoices);
rf.set('xq', mQueries);
rf.set('xc', mChoices);
const prepared = sd.prepare(manyChoices);
const preparedMatrix = sd.prepare(mChoices);
const cpu = async (f) => {
  const a = process.cpuUsage();
  await f();
  const b = process.cpuUsage(a);
  return (b.user + b.system) * 1000;
};
const sides = {
  'strdist scoreMany': [1e6, () => cpu(() => manyQueries.forEach((q) => sd.scoreMany('levenshtein', q, manyChoices)))],
  'strdist scoreMany prepared': [1e6, () => cpu(() => manyQueries.forEach((q) => sd.scoreMany('levenshtein', q, prepared)))],
  'RapidFuzz cdist one row': [1e6, async () => rf.cdistTimed({ metric: 'levenshtein', queries: 'mq', choices: 'mc', workers: 1, rows: true }).cpu_ns],
  'strdist scoreMatrix, 1 thread': [4e6, () => cpu(() => sd.scoreMatrix('levenshtein', mQueries, mChoices, { threads: 1 }))],
  'strdist scoreMatrix prepared, 1 thread': [4e6, () => cpu(() => sd.scoreMatrix('levenshtein', mQueries, preparedMatrix, { threads: 1 }))],
  'RapidFuzz cdist, 1 thread': [4e6, async () => rf.cdistTimed({ metric: 'levenshtein', queries: 'xq', choices: 'xc', workers: 1, rows: false }).cpu_ns],
};
const samples = Object.fromEntries(Object.keys(sides).map((k) => [k, []]));
for (const [, [, f]] of Object.entries(sides)) await f(); // warm-up
for (let r = 0; r < rounds; r++) for (const [k, [ops, f]] of Object.entries(sides)) samples[k].push((await f()) / ops);
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
console.log(`CPU ns/pair, median of ${rounds} rounds (RapidFuzz ${rf.version}):`);
for (const [k, v] of Object.entries(samples)) console.log(`  ${k.padEnd(40)} ${median(v).toFixed(1)}`);
const ratio = (peer, subject) => median(samples[peer].map((p, i) => p / samples[subject][i]));
console.log('ratios (RapidFuzz CPU time / strdist CPU time, per round, median):');
console.log(`  scoreMany fresh          ${ratio('RapidFuzz cdist one row', 'strdist scoreMany').toFixed(2)}x  (target >= 1.25x)`);
console.log(`  scoreMany prepared       ${ratio('RapidFuzz cdist one row', 'strdist scoreMany prepared').toFixed(2)}x  (target >= 2x)`);
console.log(`  scoreMatrix, 1 thread    ${ratio('RapidFuzz cdist, 1 thread', 'strdist scoreMatrix, 1 thread').toFixed(2)}x  (target >= 1.25x)`);
console.log(`  scoreMatrix prepared, 1  ${ratio('RapidFuzz cdist, 1 thread', 'strdist scoreMatrix prepared, 1 thread').toFixed(2)}x`);
