// Many queries against many words: strdist's scoreMatrix (off the main thread, on threads)
// against a peer in a nested loop, and strdist on 1 thread against all threads.
import { availableParallelism } from 'node:os';
import { count, measureGroupAsync } from '../lib/bench.mjs';
import { loadWords, sampleWords } from '../lib/data.mjs';
import { levenshteinPeers } from '../lib/peers.mjs';
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
  const group = await measureGroupAsync(ctx, {
    id: 'score-matrix-levenshtein',
    title: `scoreMatrix levenshtein, ${count(queries.length)} × ${count(choices.length)} words`,
    data: `${queries.length} queries × ${count(choices.length)} wamerican words (seeds "score-matrix-queries", "score-matrix-choices")`,
    ops: queries.length * choices.length,
    unit: 'ns/pair',
    entries: [
      { name: `strdist scoreMatrix, ${threads} threads`, run: matrix(threads) },
      { name: 'strdist scoreMatrix, 1 thread', run: matrix(1) },
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
      { subject: `strdist scoreMatrix, ${threads} threads`, peer: 'fastest-levenshtein nested loop' },
      { subject: 'strdist scoreMatrix, 1 thread', peer: 'fastest-levenshtein nested loop' },
      { subject: `strdist scoreMatrix, ${threads} threads`, peer: 'strdist scoreMatrix, 1 thread' },
    ],
  });
  // all three sides must agree on every cell (the checksums are sums of the same distances)
  const sums = group.entries.map((e) => e.checksum);
  const ok = sums.every((s) => s === sums[0]);
  ctx.checks.push({
    what: `score-matrix: scoreMatrix on 1 and ${threads} threads and the peer give the same distances`,
    exact: true,
    ok,
    checked: queries.length * choices.length,
    detail: ok ? 'equal checksums' : `checksums differ: ${sums.join(', ')}`,
  });
}
