// Where the native kernel starts to beat the TypeScript one, per combined length of the pair:
// below some length the cost of crossing into native code is more than the work itself.
import { checkAgreement, count, measureGroup, ns, times } from '../lib/bench.mjs';
import { loadWords, phrase, rng } from '../lib/data.mjs';
import { pairLoop } from '../lib/timing.mjs';

export const name = 'crossover';
export const description = 'native-only vs js-only per call, by combined UTF-16 length of the pair';

/** Combined length a.length + b.length, inclusive bounds. */
export const BUCKETS = [
  [0, 8], [9, 16], [17, 24], [25, 32], [33, 48], [49, 64], [65, 96], [97, 128], [129, 256],
];
const METHODS = ['levenshtein', 'jaro'];

/** Pairs of word text whose combined length is spread evenly over [lo, hi]. */
function bucketPairs(words, [lo, hi], n) {
  const rand = rng(`crossover-${lo}-${hi}`);
  const as = new Array(n);
  const bs = new Array(n);
  for (let i = 0; i < n; i++) {
    const total = lo + Math.floor(rand() * (hi - lo + 1));
    const la = Math.round(total * (0.35 + 0.3 * rand()));
    as[i] = phrase(rand, words, la);
    bs[i] = phrase(rand, words, total - la);
  }
  return { as, bs };
}

/** The lowest bucket from which native is faster in it and in every longer one. */
function crossoverFrom(rows) {
  let from = null;
  for (let i = rows.length - 1; i >= 0 && rows[i].ratio > 1; i--) from = rows[i].bucket;
  return from;
}

export function run(ctx) {
  const { native, js, nativeUnavailable, pairwiseJsBelow } = ctx.strdist;
  if (!native) {
    ctx.log(`\ncrossover: skipped, the native addon does not load (${nativeUnavailable})`);
    return;
  }
  const words = loadWords('wamerican');
  const n = ctx.quick ? 500 : 50_000;
  const results = Object.fromEntries(METHODS.map((m) => [m, []]));
  ctx.log(`\nCrossover: ${count(n)} pairs of word text per length bucket, native-only vs js-only, ${ctx.rounds} round(s)`);

  for (const bucket of BUCKETS) {
    const { as, bs } = bucketPairs(words, bucket, n);
    for (const method of METHODS) {
      const entries = [
        { name: 'native-only', fn: native[method] },
        { name: 'js-only', fn: js[method] },
      ].map((e) => ({ name: e.name, run: ((loop) => () => loop(as, bs))(pairLoop(e.fn, `${method} ${e.name}`)) }));
      const group = measureGroup(ctx, {
        id: `crossover-${method}-${bucket[0]}-${bucket[1]}`,
        title: `${method}, combined length ${bucket[0]}-${bucket[1]}`,
        data: `${count(n)} pairs of word text (seed "crossover-${bucket[0]}-${bucket[1]}")`,
        ops: n,
        entries,
        comparisons: [{ subject: 'native-only', peer: 'js-only' }],
        inSummary: false,
        compact: true,
      });
      const c = group.comparisons[0];
      results[method].push({ bucket, nativeNs: c.subjectNs.median, jsNs: c.peerNs.median, ratio: c.ratio.median });
      checkAgreement(ctx, {
        what: `${method} ${bucket[0]}-${bucket[1]}: native === js`, f: native[method], g: js[method], as, bs, exact: true, quiet: true,
      });
    }
  }

  const crossover = Object.fromEntries(
    METHODS.map((m) => {
      const from = crossoverFrom(results[m]);
      return [m, { fromBucket: from, fromLength: from ? from[0] : null }];
    }),
  );
  ctx.tables.push({
    title: 'Crossover: ns per call, native-only vs js-only, by combined UTF-16 length of the pair',
    note:
      `js/native > 1: native is faster. Measured crossover (native faster in this bucket and every longer one): ` +
      METHODS.map((m) => `${m} from combined length ${crossover[m].fromLength ?? 'none (js faster somewhere at the top)'}`).join('; ') +
      `. PAIRWISE_JS_BELOW is currently ${JSON.stringify(pairwiseJsBelow)}.`,
    headers: ['combined length', ...METHODS.flatMap((m) => [`${m} native`, `${m} js`, 'js/native'])],
    rows: BUCKETS.map((b, i) => [
      `${b[0]}-${b[1]}`,
      ...METHODS.flatMap((m) => [ns(results[m][i].nativeNs), ns(results[m][i].jsNs), times(results[m][i].ratio)]),
    ]),
  });
  ctx.extra.crossover = { buckets: BUCKETS, perMethod: results, crossover, pairwiseJsBelow };
}
