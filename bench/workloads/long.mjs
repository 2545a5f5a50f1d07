// Levenshtein on long random lowercase strings (100, 1000, 10000 code points).
import { checkAgreement, count, measureGroup, strdistVariants } from '../lib/bench.mjs';
import { randomPairs } from '../lib/data.mjs';
import { levenshteinPeers } from '../lib/peers.mjs';
import { pairLoop } from '../lib/timing.mjs';

export const name = 'long';
export const description = 'Levenshtein on random lowercase strings of 100, 1000 and 10000 code points';

// leven and js-levenshtein fill the whole O(n·m) matrix: timed at 100 code points only.
const CASES = [
  { length: 100, pairs: 20_000, quickPairs: 200, peers: ['fastest-levenshtein', 'leven', 'js-levenshtein'] },
  { length: 1000, pairs: 2_000, quickPairs: 20, peers: ['fastest-levenshtein'], target: 5, stretch: 10 },
  { length: 10000, pairs: 20, quickPairs: 2, peers: ['fastest-levenshtein'] },
];

export function run(ctx) {
  for (const c of CASES) {
    const n = ctx.quick ? c.quickPairs : c.pairs;
    const seed = `long-${c.length}`;
    const { as, bs } = randomPairs(c.length, n, seed);
    const variants = strdistVariants(ctx, 'levenshtein');
    const peers = c.peers.map((name) => ({ name, fn: levenshteinPeers[name] }));
    const entries = [...variants, ...peers].map((e) =>
      e.skip ? e : { name: e.name, run: ((loop) => () => loop(as, bs))(pairLoop(e.fn, e.name)) },
    );
    measureGroup(ctx, {
      id: `levenshtein-${c.length}`,
      title: `levenshtein, ${c.length} code points`,
      data: `${count(n)} pairs of random lowercase strings, ${count(c.length)} code points each (seed "${seed}")`,
      ops: n,
      entries,
      comparisons: [
        ...c.peers.map((peer) => ({
          subject: 'strdist', peer, ...(peer === 'fastest-levenshtein' ? { target: c.target, stretch: c.stretch } : {}),
        })),
        { subject: 'strdist js-only', peer: 'fastest-levenshtein' },
      ],
    });
    const [pub, native, js] = variants;
    if (!native.skip) {
      checkAgreement(ctx, { what: `levenshtein ${c.length}: native === js`, f: native.fn, g: js.fn, as, bs, exact: true });
    }
    checkAgreement(ctx, {
      what: `levenshtein ${c.length}: strdist vs fastest-levenshtein`, f: pub.fn, g: levenshteinPeers['fastest-levenshtein'], as, bs, exact: true,
    });
  }
}
