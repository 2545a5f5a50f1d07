// One query against 100,000 words: strdist's scoreMany (one call) against a peer in a loop.
import { checkAgreement, count, measureGroup } from '../lib/bench.mjs';
import { loadWords, sampleWords } from '../lib/data.mjs';
import { jaroPeers, jaroWinklerPeers, levenshteinPeers } from '../lib/peers.mjs';
import { rapidfuzz } from '../lib/rapidfuzz.mjs';
import { oneToManyLoop, sumOf } from '../lib/timing.mjs';

export const name = 'score-many';
export const description = 'scoreMany of one query against 100,000 words, against a peer called in a loop';

export function run(ctx) {
  const { pub, native, js, nativeUnavailable } = ctx.strdist;
  const words = loadWords('wamerican');
  const choices = sampleWords(words, ctx.quick ? 5_000 : 100_000, 'score-many-choices');
  const queries = sampleWords(words, ctx.quick ? 2 : 10, 'score-many-queries');
  const ops = queries.length * choices.length;
  const data =
    `${queries.length} queries × ${count(choices.length)} wamerican words (seeds "score-many-queries", ` +
    `"score-many-choices"); every side returns a Float64Array per query`;

  // Every entry turns each query's scores into one checksum the same way.
  const many = (api, metric) => () => {
    let sum = 0;
    for (const q of queries) sum += sumOf(api.scoreMany(metric, q, choices));
    return sum;
  };
  const looped = (fn, label) => {
    const loop = oneToManyLoop(fn, label);
    return () => {
      let sum = 0;
      for (const q of queries) sum += sumOf(loop(q, choices));
      return sum;
    };
  };

  // Prepared choices (issue 11): packed once, outside the timing; each call moves the query only.
  const prepared = pub.prepare(choices);
  const manyPrepared = (metric) => () => {
    let sum = 0;
    for (const q of queries) sum += sumOf(pub.scoreMany(metric, q, prepared));
    return sum;
  };
  // RapidFuzz (optional): cdist one row per query, workers=1, the same words.
  const rf = rapidfuzz();
  if (!rf.absent) {
    rf.set('score-many-queries', queries);
    rf.set('score-many-choices', choices);
  }
  const rfRow = (metric) =>
    rf.absent
      ? { name: 'RapidFuzz cdist one row', skip: rf.absent }
      : {
          name: 'RapidFuzz cdist one row',
          run: () => rf.cdist({ metric, queries: 'score-many-queries', choices: 'score-many-choices', workers: 1, rows: true }),
        };

  const cases = [
    { metric: 'levenshtein', peer: 'fastest-levenshtein', peerFn: levenshteinPeers['fastest-levenshtein'], target: 3, exact: true, rapidfuzz: true },
    { metric: 'jaro', peer: 'talisman jaro', peerFn: jaroPeers['talisman jaro'], rapidfuzz: true },
    // issue 11: the Jaro-Winkler lanes too (RapidFuzz's JaroWinkler, prefix weight 0.1 as ours)
    { metric: 'jaroWinkler', peer: 'talisman jaro-winkler', peerFn: jaroWinklerPeers['talisman jaro-winkler'], rapidfuzz: true },
  ];
  for (const c of cases) {
    const peerLoop = `${c.peer} loop`;
    measureGroup(ctx, {
      id: `score-many-${c.metric}`,
      title: `scoreMany ${c.metric}, ${count(choices.length)} words`,
      data,
      ops,
      unit: 'ns/pair',
      entries: [
        { name: 'strdist scoreMany', run: many(pub, c.metric) },
        native
          ? { name: 'strdist native-only scoreMany', run: many(native, c.metric) }
          : { name: 'strdist native-only scoreMany', skip: nativeUnavailable },
        { name: 'strdist js-only scoreMany', run: many(js, c.metric) },
        { name: 'strdist scoreMany prepared', run: manyPrepared(c.metric) },
        { name: `strdist ${c.metric} loop`, run: looped(pub[c.metric], `strdist ${c.metric}`) },
        { name: peerLoop, run: looped(c.peerFn, c.peer) },
        ...(c.rapidfuzz ? [rfRow(c.metric)] : []),
      ],
      comparisons: [
        // issue 11: scoreMany <= 0.8x RapidFuzz's time (ratio >= 1.25), prepared <= 0.5x (>= 2)
        { subject: 'strdist scoreMany', peer: 'RapidFuzz cdist one row', target: 1.25 },
        { subject: 'strdist scoreMany prepared', peer: 'RapidFuzz cdist one row', target: 2 },
        { subject: 'strdist scoreMany prepared', peer: 'strdist scoreMany' },
        { subject: 'strdist scoreMany', peer: peerLoop, target: c.target },
        { subject: 'strdist js-only scoreMany', peer: peerLoop },
        { subject: 'strdist scoreMany', peer: `strdist ${c.metric} loop` },
      ],
    });
    // scoreMany must equal the pairwise function pair by pair, on both kernels; the peer too.
    const q = queries[0];
    const qs = choices.map(() => q);
    const fromMany = pub.scoreMany(c.metric, q, choices);
    const check = (what, g, exact = true) => checkAgreement(ctx, { what, f: fromMany, g, as: qs, bs: choices, exact });
    check(`scoreMany ${c.metric} === pairwise ${c.metric}`, pub[c.metric]);
    if (native) check(`scoreMany ${c.metric}: public === js-only`, js.scoreMany(c.metric, q, choices));
    check(`scoreMany ${c.metric} vs ${c.peer}`, c.peerFn, !!c.exact);
  }
}
