// How closest-10 over the 663k list scales from 1 thread to 2, and why not 2x: in one process,
// blocks of three 100-query closestMany calls on 1 thread, then on 2, alternated; per metric the
// median speedup and its spread over the blocks, the CPU time a query takes on 2 threads against
// 1 (what running both cores costs each), and how many cores the 2-thread calls kept busy. Then
// the machine's own ceiling, a register-only loop on 2 threads against 1 (bench/lib/ceiling.mjs).
//
//   node bench/thread-scaling.mjs [--blocks 15] [--metrics levenshtein,jaro,...]
import os from 'node:os';
import { parseArgs } from 'node:util';
import { threadCeiling } from './lib/ceiling.mjs';
import { WORD_LISTS, makeQueries } from './lib/data.mjs';

const { values } = parseArgs({
  options: { blocks: { type: 'string', default: '15' }, metrics: { type: 'string', default: 'levenshtein,jaroWinkler,jaro,levenshteinSimilarity' } },
});
const blocks = Number(values.blocks);
const { Corpus } = await import('../dist/index.mjs');
const corpus = await Corpus.fromFile(WORD_LISTS.insane.path);
corpus.nativeIndexBytes();
const { real, misspelled } = makeQueries(corpus.words, 50, 'search-queries'); // the search workload's queries
const queries = [...real, ...misspelled.map((m) => m.query)];
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const fmt = (x) => `${x.toFixed(2)}x`;

console.log(`closest-10 over ${corpus.size.toLocaleString('en-US')} words, ${queries.length} queries a call; ${blocks} blocks of 3 calls a side; ${os.cpus()[0]?.model}, ${os.availableParallelism()} cores`);
for (const metric of values.metrics.split(',')) {
  const call = async (threads) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await corpus.closestMany(queries, { n: 10, metric, threads, backend: 'native' });
    const c = process.cpuUsage(c0);
    return { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 };
  };
  const block = async (threads) => {
    let ms = 0;
    let cpuMs = 0;
    for (let k = 0; k < 3; k++) {
      const r = await call(threads);
      ms += r.ms;
      cpuMs += r.cpuMs;
    }
    return { ms, cpuMs };
  };
  for (let i = 0; i < 3; i++) {
    await block(1); // warm-up
    await block(2);
  }
  const speedup = [];
  const cpuCost = [];
  const busy = [];
  for (let b = 0; b < blocks; b++) {
    const one = await block(1);
    const two = await block(2);
    speedup.push(one.ms / two.ms);
    cpuCost.push(two.cpuMs / one.cpuMs);
    busy.push(two.cpuMs / two.ms);
  }
  console.log(
    `${metric}: speedup ${fmt(median(speedup))} (${fmt(Math.min(...speedup))}–${fmt(Math.max(...speedup))}); ` +
      `CPU a query on 2 threads / on 1: ${median(cpuCost).toFixed(3)}; cores busy in 2-thread calls: ${median(busy).toFixed(2)}`,
  );
}
const c = await threadCeiling({ rounds: 9 });
console.log(`ceiling: a register-only loop on 2 threads vs 1: ${fmt(c.median)} (${fmt(c.min)}–${fmt(c.max)} over ${c.rounds} rounds)`);
