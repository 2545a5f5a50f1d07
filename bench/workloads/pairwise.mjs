// One call per pair on random dictionary-word pairs: Levenshtein, Jaro, Jaro-Winkler.
import { checkAgreement, count, measureGroup, strdistVariants } from '../lib/bench.mjs';
import { loadWords, wordPairs } from '../lib/data.mjs';
import { jaroPeers, jaroWinklerPeers, levenshteinPeers } from '../lib/peers.mjs';
import { pairLoop } from '../lib/timing.mjs';

export const name = 'pairwise';
export const description = 'Levenshtein, Jaro and Jaro-Winkler, one call per random wamerican word pair';

function entriesFor(variants, peers, as, bs) {
  const all = [...variants, ...Object.entries(peers).map(([name, fn]) => ({ name, fn }))];
  return all.map((e) => (e.skip ? e : { name: e.name, fn: e.fn, run: ((loop) => () => loop(as, bs))(pairLoop(e.fn, e.name)) }));
}

export function run(ctx) {
  const words = loadWords('wamerican');
  const n = ctx.quick ? 20_000 : 1_000_000;
  const seed = 'pairwise-words';
  const { as, bs } = wordPairs(words, n, seed);
  const data = `${count(n)} random pairs of wamerican words (${count(words.length)} words, seed "${seed}")`;
  const checkLimit = Math.min(n, 200_000);

  const metrics = [
    {
      method: 'levenshtein', title: 'levenshtein, word pairs', peers: levenshteinPeers,
      targets: { 'fastest-levenshtein': { target: 2 } }, exactPeers: true, // issue 11: ≥ 2x
    },
    { method: 'jaro', title: 'jaro, word pairs', peers: jaroPeers, targets: { 'talisman jaro': { target: 3 } } },
    {
      method: 'jaroWinkler', title: 'jaroWinkler, word pairs', peers: jaroWinklerPeers,
      targets: { 'talisman jaro-winkler': { target: 3 } },
    },
  ];

  for (const m of metrics) {
    const variants = strdistVariants(ctx, m.method);
    const entries = entriesFor(variants, m.peers, as, bs);
    const peerNames = Object.keys(m.peers);
    const first = peerNames[0];
    measureGroup(ctx, {
      id: `${m.method}-words`,
      title: m.title,
      data,
      ops: n,
      entries,
      comparisons: [
        ...peerNames.map((peer) => ({ subject: 'strdist', peer, ...m.targets[peer] })),
        { subject: 'strdist native-only', peer: first },
        { subject: 'strdist js-only', peer: first },
      ],
    });
    const [pub, native, js] = variants;
    if (!native.skip) {
      checkAgreement(ctx, { what: `${m.method}: native === js`, f: native.fn, g: js.fn, as, bs, limit: checkLimit, exact: true });
    }
    for (const peer of peerNames) {
      checkAgreement(ctx, {
        what: `${m.method}: strdist vs ${peer}`, f: pub.fn, g: m.peers[peer], as, bs, limit: checkLimit, exact: !!m.exactPeers,
      });
    }
  }
}
