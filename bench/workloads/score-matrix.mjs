// Many queries against many words: strdist's scoreMatrix (off the main thread, on threads)
// against a peer in a nested loop, and strdist on 1 thread against all threads.
import { availableParallelism } from 'node:os';
import { count, measureGroupAsync } from '../lib/bench.mjs';
import { loadWords, sampleWords } from '../lib/data.mjs';
import { levenshteinPeers } from '../lib/peers.mjs';
import { rapidfuzz } from '../lib/rapidfuzz.mjs';
import { sumOf } from '../lib/timing.mjs';

export const name = 'score-matrix';
export const description = 'scoreMatrix of 200 queries × 20,000 words on 1 and all threads, against a peer in a nested loop';

export async function run(ctx) {
  const { pub } = ctx.strdist;
  const words = loadWords('wamerican');
  const queries = sampleWords(words, ctx.quick ? 20 : 200, 'score-matrix-queries');
  const choices = sampleWords(words, ctx.quick ? 2_000 : 20_000, 'score-matrix-choices');
  const threads = availableParallelism();
  const peer = levenshteinPeers['fastest-levenshtein'];
  const matrix = (t) => async () => sumOf(await pub.scoreMatrix('levenshtein', queries, choices, { threads: t }));
  const prepared = pub.prepare(choices);
  const matrixPrepared = (t) => async () => sumOf(await pub.scoreMatrix('levenshtein', queries, prepared, { threads: t }));
  // RapidFuzz (optional): cdist of the whole matrix, workers=1 and workers=threads, the same words.
  const rf = rapidfuzz();
  if (!rf.absent) {
    rf.set('score-matrix-queries', queries);
    rf.set('score-matrix-choices', choices);
  }
  const rfMatrix = (workers) => {
    const name = `RapidFuzz cdist, ${workers === 1 ? '1 thread' : `${workers} threads`}`;
    if (rf.absent) return { name, skip: rf.absent };
    return {
      name,
      run: async () =>
        rf.cdist({ metric: 'levenshtein', queries: 'score-matrix-queries', choices: 'score-matrix-choices', workers, rows: false }),
    };
  };
  const group = await measureGroupAsync(ctx, {
    id: 'score-matrix-levenshtein',
    title: `scoreMatrix levenshtein, ${count(queries.length)} × ${count(choices.length)} words`,
    data: `${queries.length} queries × ${count(choices.length)} wamerican words (seeds "score-matrix-queries", "score-matrix-choices")`,
    ops: queries.length * choices.length,
    unit: 'ns/pair',
    entries: [
      { name: `strdist scoreMatrix, ${threads} threads`, run: matrix(threads) },
      { name: 'strdist scoreMatrix, 1 thread', run: matrix(1) },
      { name: `strdist scoreMatrix prepared, ${threads} threads`, run: matrixPrepared(threads) },
      { name: 'strdist scoreMatrix prepared, 1 thread', run: matrixPrepared(1) },
      rfMatrix(1),
      rfMatrix(threads),
      {
        name: 'fastest-levenshtein nested loop',
        run: async () => {
          let sum = 0;
          for (const q of queries) for (const c of choices) sum += peer(q, c);
          return sum;
        },
      },
    ],
    comparisons: [
      // issue 11: scoreMatrix <= 0.8x RapidFuzz's cdist time (ratio >= 1.25) at 1 and all threads
      { subject: 'strdist scoreMatrix, 1 thread', peer: 'RapidFuzz cdist, 1 thread', target: 1.25 },
      { subject: `strdist scoreMatrix, ${threads} threads`, peer: `RapidFuzz cdist, ${threads} threads`, target: 1.25 },
      { subject: 'strdist scoreMatrix prepared, 1 thread', peer: 'RapidFuzz cdist, 1 thread' },
      { subject: `strdist scoreMatrix prepared, ${threads} threads`, peer: `RapidFuzz cdist, ${threads} threads` },
      { subject: `strdist scoreMatrix, ${threads} threads`, peer: 'fastest-levenshtein nested loop' },
      { subject: 'strdist scoreMatrix, 1 thread', peer: 'fastest-levenshtein nested loop' },
      { subject: `strdist scoreMatrix, ${threads} threads`, peer: 'strdist scoreMatrix, 1 thread' },
    ],
  });
  // every side must agree on every cell (the checksums are sums of the same distances)
  const sums = group.entries.map((e) => e.checksum);
  const ok = sums.every((s) => s === sums[0]);
  ctx.checks.push({
    what: `score-matrix: scoreMatrix (fresh and prepared) on 1 and ${threads} threads and the peers give the same distances`,
    exact: true,
    ok,
    checked: queries.length * choices.length,
    detail: ok ? 'equal checksums' : `checksums differ: ${sums.join(', ')}`,
  });
}
