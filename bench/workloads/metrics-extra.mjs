// issue 12: the added metrics, pairwise and scoreMany, each against the best JavaScript peer that
// computes it (in the same run), and extract over 100,000 words against building a Corpus of the
// same words plus one closestSync on it.
//
// Peers and what they compute (agreement is checked, exact where the definition is the same):
//   indel, ratio                string-comparison `lcs.distance` / `lcs.similarity` (the same definitions,
//                               but it ignores case, and its ratio is evaluated as 2 * lcs / (|a| + |b|))
//   longestCommonSubsequence    string-comparison, as (|a| + |b| - lcs.distance) / 2 (ignoring case)
//   hamming                     talisman `hamming` (equal lengths)
//   osa                         talisman `damerau-levenshtein` (restricted: OSA); npm `damerau-levenshtein`
//                               (`.steps`; gives up early on far pairs, so not exact)
//   damerauLevenshtein          damlev (meant as unrestricted; it returns more than the Levenshtein
//                               distance on some pairs, e.g. "shim's" / "baseness's": 9, where RapidFuzz
//                               and strdist give 7)
//   levenshtein with weights    no JavaScript peer found: strdist alone
import { createRequire } from 'node:module';
import { checkAgreement, count, measureGroup } from '../lib/bench.mjs';
import { loadWords, randomInt, rng, sampleWords, wordPairs } from '../lib/data.mjs';
import { oneToManyLoop, pairLoop, sumOf } from '../lib/timing.mjs';

export const name = 'metrics-extra';
export const description =
  'indel, ratio, LCS, hamming, OSA, Damerau-Levenshtein and weighted Levenshtein, pairwise and scoreMany, against JS peers; extract vs Corpus build + closest';

const require = createRequire(import.meta.url);
const stringComparison = require('string-comparison').default;
const talismanOsa = require('talisman/metrics/damerau-levenshtein');
const talismanHamming = require('talisman/metrics/hamming');
const npmDamerau = require('damerau-levenshtein');
const damlev = require('damlev').default;

const PEERS = {
  indel: { 'string-comparison lcs': (a, b) => stringComparison.lcs.distance(a, b) },
  ratio: { 'string-comparison lcs': (a, b) => stringComparison.lcs.similarity(a, b) },
  longestCommonSubsequence: {
    'string-comparison lcs': (a, b) => (a.length + b.length - stringComparison.lcs.distance(a, b)) / 2,
  },
  hamming: { 'talisman hamming': (a, b) => talismanHamming(a, b) },
  osa: {
    'talisman damerau-levenshtein': (a, b) => talismanOsa(a, b),
    'damerau-levenshtein': (a, b) => npmDamerau(a, b).steps,
  },
  damerauLevenshtein: { damlev: (a, b) => damlev(a, b) },
};
// Peers whose definition is exactly strdist's (the others: information only).
const EXACT = new Set(['talisman hamming', 'talisman damerau-levenshtein']);

async function extraApis() {
  const internal = await import(new URL('../../dist/internal.mjs', import.meta.url).href);
  const pub = await import(new URL('../../dist/index.mjs', import.meta.url).href);
  const coreJs = internal.createMetrics(internal.jsKernel);
  const js = internal.createExtraMetrics(internal.jsKernel, internal.jsExtraKernel, coreJs);
  let native = null;
  try {
    const { addon } = internal.loadAddon();
    const k = internal.nativeKernel(addon);
    native = internal.createExtraMetrics(k, internal.nativeExtraKernel(addon), internal.createMetrics(k, { pairwiseJsBelow: 0 }), 0);
  } catch {
    native = null;
  }
  return { pub, native, js };
}

/** Pairs of words of equal length (for hamming). */
function equalLengthPairs(words, n, seed) {
  const byLength = new Map();
  for (const w of words) {
    if (!byLength.has(w.length)) byLength.set(w.length, []);
    byLength.get(w.length).push(w);
  }
  const rand = rng(seed);
  const as = [];
  const bs = [];
  while (as.length < n) {
    const a = words[randomInt(rand, words.length)];
    const same = byLength.get(a.length);
    as.push(a);
    bs.push(same[randomInt(rand, same.length)]);
  }
  return { as, bs };
}

export async function run(ctx) {
  const { pub, native, js } = await extraApis();
  const words = loadWords('wamerican');
  const n = ctx.quick ? 20_000 : 200_000;
  const pairs = wordPairs(words, n, 'metrics-extra-pairs');
  const equal = equalLengthPairs(words, n, 'metrics-extra-equal-pairs');
  const data = `${count(n)} random pairs of wamerican words (seed "metrics-extra-pairs"; hamming: pairs of equal length)`;

  const methods = [
    ['indel', (api) => (a, b) => api.indel(a, b)],
    ['ratio', (api) => (a, b) => api.ratio(a, b)],
    ['longestCommonSubsequence', (api) => (a, b) => api.longestCommonSubsequence(a, b)],
    ['hamming', (api) => (a, b) => api.hamming(a, b)],
    ['osa', (api) => (a, b) => api.osa(a, b)],
    ['damerauLevenshtein', (api) => (a, b) => api.damerauLevenshtein(a, b)],
    ['levenshtein weights 1,1,2', (api) => (a, b) => api.levenshtein(a, b, { weights: { insert: 1, delete: 1, substitute: 2 } })],
    ['levenshtein weights 2,3,4', (api) => (a, b) => api.levenshtein(a, b, { weights: { insert: 2, delete: 3, substitute: 4 } })],
  ];

  // ---- pairwise ----
  for (const [method, make] of methods) {
    const { as, bs } = method === 'hamming' ? equal : pairs;
    const peers = PEERS[method] ?? {};
    const variants = [
      { name: 'strdist', fn: make(pub) },
      native ? { name: 'strdist native-only', fn: make(native) } : { name: 'strdist native-only', skip: 'no addon' },
      { name: 'strdist js-only', fn: make(js) },
      ...Object.entries(peers).map(([name, fn]) => ({ name, fn })),
    ];
    measureGroup(ctx, {
      id: `extra-${method.replace(/\W+/g, '-')}-words`,
      title: `${method}, word pairs`,
      data,
      ops: n,
      entries: variants.map((e) => (e.skip ? e : { name: e.name, run: ((loop) => () => loop(as, bs))(pairLoop(e.fn, e.name)) })),
      comparisons: [
        ...Object.keys(peers).map((peer) => ({ subject: 'strdist', peer })),
        ...Object.keys(peers).slice(0, 1).map((peer) => ({ subject: 'strdist js-only', peer })),
      ],
    });
    const limit = Math.min(n, 100_000);
    if (native) checkAgreement(ctx, { what: `${method}: native === js`, f: make(native), g: make(js), as, bs, limit, exact: true });
    for (const [peer, fn] of Object.entries(peers)) {
      checkAgreement(ctx, { what: `${method}: strdist vs ${peer}`, f: make(pub), g: fn, as, bs, limit, exact: EXACT.has(peer) });
    }
  }

  // ---- scoreMany ----
  const choices = sampleWords(words, ctx.quick ? 5_000 : 100_000, 'score-many-choices');
  const queries = sampleWords(words, ctx.quick ? 2 : 10, 'score-many-queries');
  const ops = queries.length * choices.length;
  const manyData = `${queries.length} queries × ${count(choices.length)} wamerican words (seeds "score-many-queries", "score-many-choices")`;
  for (const metric of ['indel', 'ratio', 'longestCommonSubsequence', 'hamming', 'osa', 'damerauLevenshtein']) {
    const opts = metric === 'hamming' ? { pad: true } : undefined;
    const many = (api) => () => {
      let sum = 0;
      for (const q of queries) sum += sumOf(api.scoreMany(metric, q, choices, opts));
      return sum;
    };
    const peers = metric === 'hamming' ? {} : PEERS[metric];
    const peerEntries = Object.entries(peers).slice(0, 1).map(([peer, fn]) => {
      const loop = oneToManyLoop(fn, peer);
      return {
        name: `${peer} loop`,
        run: () => {
          let sum = 0;
          for (const q of queries) sum += sumOf(loop(q, choices));
          return sum;
        },
      };
    });
    measureGroup(ctx, {
      id: `extra-score-many-${metric}`,
      title: `scoreMany ${metric}${metric === 'hamming' ? ' (pad: true)' : ''}, ${count(choices.length)} words`,
      data: manyData + (metric === 'hamming' ? '; talisman hamming refuses unequal lengths, so no peer row' : ''),
      ops,
      unit: 'ns/pair',
      entries: [
        { name: 'strdist scoreMany', run: many(pub) },
        native ? { name: 'strdist native-only scoreMany', run: many(native) } : { name: 'strdist native-only scoreMany', skip: 'no addon' },
        { name: 'strdist js-only scoreMany', run: many(js) },
        ...peerEntries,
      ],
      comparisons: peerEntries.flatMap((p) => [
        { subject: 'strdist scoreMany', peer: p.name },
        { subject: 'strdist js-only scoreMany', peer: p.name },
      ]),
    });
  }

  // ---- extract over 100,000 words vs building a Corpus and searching it ----
  const { Corpus, extract } = pub;
  for (const metric of ['levenshtein', 'jaro', 'osa']) {
    measureGroup(ctx, {
      id: `extract-${metric}`,
      title: `extract ${metric}, n = 10, ${count(choices.length)} words`,
      data: `${manyData}; "build + closestSync": Corpus.from(words, { dedupe: false }), its index built, one closestSync, per query`,
      ops: queries.length,
      unit: 'ms/query',
      entries: [
        { name: 'extract', run: () => queries.reduce((s, q) => s + extract(q, choices, { metric, n: 10 }).length, 0) },
        {
          name: 'build + closestSync',
          run: () =>
            queries.reduce((s, q) => {
              const c = Corpus.from(choices, { dedupe: false });
              c.nativeIndexBytes(); // builds the native index (no-op without the addon)
              return s + c.closestSync(q, { metric, n: 10 }).length;
            }, 0),
        },
        {
          name: 'closestSync on a built corpus',
          run: ((c) => () => queries.reduce((s, q) => s + c.closestSync(q, { metric, n: 10 }).length, 0))(
            (() => {
              const c = Corpus.from(choices, { dedupe: false });
              c.nativeIndexBytes();
              return c;
            })(),
          ),
        },
      ],
      // target: extract within 1.2x of build + closestSync, i.e. at least 1 / 1.2 of its speed
      comparisons: [{ subject: 'extract', peer: 'build + closestSync', target: 0.83 }],
    });
  }
}
