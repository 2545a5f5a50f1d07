// Many queries against many words: strdist's scoreMatrix (off the main thread, on threads)
// against a peer in a nested loop, and strdist on 1 thread against all threads.
import { availableParallelism } from 'node:os';
import { count, measureGroupAsync } from '../lib/bench.mjs';
import { loadWords, sampleWords } from '../lib/data.mjs';
import { jaroPeers, jaroWinklerPeers, levenshteinPeers } from '../lib/peers.mjs';
import { rapidfuzz } from '../lib/rapidfuzz.mjs';
import { sumOf } from '../lib/timing.mjs';

export const name = 'score-matrix';
export const description = 'scoreMatrix (levenshtein, jaro, jaroWinkler) of 200 queries × 20,000 words on 1 and all threads, against a peer in a nested loop';

export async function run(ctx) {
  const { pub } = ctx.strdist;
  const words = loadWords('wamerican');
  const queries = sampleWords(words, ctx.quick ? 20 : 200, 'score-matrix-queries');
  const choices = sampleWords(words, ctx.quick ? 2_000 : 20_000, 'score-matrix-choices');
  const threads = availableParallelism();
  const prepared = pub.prepare(choices);
  // Calls in one timed run: one call is 20-60 ms here, and a single one swings by 2x on these
  // shared machines (a stall, the collector); several make a sample worth comparing.
  const CALLS = ctx.quick ? 1 : 4;
  // The checksum of one call (each gives the same; NaN, a failed check, if one does not).
  const times = async (call) => {
    const sum = await call();
    for (let i = 1; i < CALLS; i++) if ((await call()) !== sum) return NaN;
    return sum;
  };
  // RapidFuzz (optional): cdist of the whole matrix, workers=1 and workers=threads, the same words.
  const rf = rapidfuzz();
  if (!rf.absent) {
    rf.set('score-matrix-queries', queries);
    rf.set('score-matrix-choices', choices);
  }
  // issue 11: Jaro and Jaro-Winkler (SIMD lanes) as well as Levenshtein.
  const cases = [
    { metric: 'levenshtein', peerName: 'fastest-levenshtein', peer: levenshteinPeers['fastest-levenshtein'] },
    { metric: 'jaro', peerName: 'talisman jaro', peer: jaroPeers['talisman jaro'] },
    { metric: 'jaroWinkler', peerName: 'talisman jaro-winkler', peer: jaroWinklerPeers['talisman jaro-winkler'] },
  ];
  for (const { metric, peerName, peer } of cases) {
    const matrix = (t) => () => times(async () => sumOf(await pub.scoreMatrix(metric, queries, choices, { threads: t })));
    const matrixPrepared = (t) => () => times(async () => sumOf(await pub.scoreMatrix(metric, queries, prepared, { threads: t })));
    // The element type of RapidFuzz's cdist result for this scorer (its default dtype: int32
    // for Levenshtein.distance, float32 for the similarities): the same matrix, like for like.
    const rfType = metric === 'levenshtein' ? 'int32' : 'float32';
    const matrixTyped = (t) => () =>
      times(async () => sumOf(await pub.scoreMatrix(metric, queries, choices, { threads: t, dtype: rfType })));
    const rfMatrix = (workers) => {
      const name = `RapidFuzz cdist, ${workers === 1 ? '1 thread' : `${workers} threads`}`;
      if (rf.absent) return { name, skip: rf.absent };
      return {
        name,
        run: () => times(() => rf.cdist({ metric, queries: 'score-matrix-queries', choices: 'score-matrix-choices', workers, rows: false })),
      };
    };
    const loopName = `${peerName} nested loop`;
    const group = await measureGroupAsync(ctx, {
      id: `score-matrix-${metric}`,
      title: `scoreMatrix ${metric}, ${count(queries.length)} × ${count(choices.length)} words`,
      data: `${queries.length} queries × ${count(choices.length)} wamerican words (seeds "score-matrix-queries", "score-matrix-choices")`,
      ops: CALLS * queries.length * choices.length,
      unit: 'ns/pair',
      entries: [
        { name: `strdist scoreMatrix, ${threads} threads`, run: matrix(threads) },
        { name: 'strdist scoreMatrix, 1 thread', run: matrix(1) },
        { name: `strdist scoreMatrix prepared, ${threads} threads`, run: matrixPrepared(threads) },
        { name: 'strdist scoreMatrix prepared, 1 thread', run: matrixPrepared(1) },
        { name: `strdist scoreMatrix ${rfType}, ${threads} threads`, run: matrixTyped(threads) },
        { name: `strdist scoreMatrix ${rfType}, 1 thread`, run: matrixTyped(1) },
        rfMatrix(1),
        rfMatrix(threads),
        {
          name: loopName,
          // one pass (the loop takes seconds): its time a pair is what the others' is
          ops: queries.length * choices.length,
          run: async () => {
            let sum = 0;
            for (const q of queries) for (const c of choices) sum += peer(q, c);
            return sum;
          },
        },
      ],
      comparisons: [
        // issue 11: scoreMatrix <= 0.8x RapidFuzz's cdist time (ratio >= 1.25) at 1 and all
        // threads, both giving the same element type (cdist's default); float64 cells as well
        { subject: `strdist scoreMatrix ${rfType}, 1 thread`, peer: 'RapidFuzz cdist, 1 thread', target: 1.25 },
        { subject: `strdist scoreMatrix ${rfType}, ${threads} threads`, peer: `RapidFuzz cdist, ${threads} threads`, target: 1.25 },
        { subject: 'strdist scoreMatrix, 1 thread', peer: 'RapidFuzz cdist, 1 thread' },
        { subject: `strdist scoreMatrix, ${threads} threads`, peer: `RapidFuzz cdist, ${threads} threads` },
        { subject: 'strdist scoreMatrix prepared, 1 thread', peer: 'RapidFuzz cdist, 1 thread' },
        { subject: `strdist scoreMatrix prepared, ${threads} threads`, peer: `RapidFuzz cdist, ${threads} threads` },
        { subject: `strdist scoreMatrix, ${threads} threads`, peer: loopName },
        { subject: 'strdist scoreMatrix, 1 thread', peer: loopName },
        { subject: `strdist scoreMatrix, ${threads} threads`, peer: 'strdist scoreMatrix, 1 thread' },
        { subject: `strdist scoreMatrix ${rfType}, ${threads} threads`, peer: `strdist scoreMatrix ${rfType}, 1 thread` },
      ],
    });
    // The strdist entries of one element type give the same cells (equal checksums);
    // Levenshtein distances are integers, so every sum is equal, the peers' too; similarity
    // sums of the peers are added in another order (the loop) or from float32 cells, as
    // strdist's float32 entries are, so they agree to 1e-6 of the sum.
    const sums = group.entries.filter((e) => e.checksum !== undefined).map((e) => ({ name: e.name, sum: e.checksum }));
    const ours = (f32) => sums.filter((e) => e.name.startsWith('strdist') && e.name.includes('float32') === f32);
    const sameSum = (list) => list.every((e) => e.sum === list[0].sum);
    const exactOk = metric === 'levenshtein' ? sameSum(sums) : sameSum(ours(false)) && sameSum(ours(true));
    const closeOk = sums.every((e) => Math.abs(e.sum - sums[0].sum) <= 1e-6 * Math.abs(sums[0].sum));
    const ok = exactOk && closeOk;
    ctx.checks.push({
      what: `score-matrix ${metric}: scoreMatrix (fresh and prepared, float64 and ${rfType}) on 1 and ${threads} threads and the peers give the same scores`,
      exact: metric === 'levenshtein',
      ok,
      checked: queries.length * choices.length,
      detail: ok ? 'equal checksums' : `checksums differ: ${sums.map((e) => `${e.name} ${e.sum}`).join(', ')}`,
    });
  }
}
