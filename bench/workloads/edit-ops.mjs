// Issue 12: the processors (ns per word) and the edit operations (ns per pair) against the
// distance alone, so the cost of each is visible next to what it adds to.
import { count, measureGroup } from '../lib/bench.mjs';
import { loadWords, randomPairs, wordPairs } from '../lib/data.mjs';
import { pairLoop } from '../lib/timing.mjs';

export const name = 'edit-ops';
export const description = 'processors per word; editops/opcodes per pair against levenshtein alone';

const PROCESSORS = ['lowercase', 'casefold', 'nfkc', 'nfkcCasefold', 'default'];

export function run(ctx) {
  const { pub } = ctx.strdist;
  const words = loadWords('wamerican');
  const n = ctx.quick ? 1_000 : 100_000;
  const { as, bs } = wordPairs(words, n, 'edit-ops-words');

  measureGroup(ctx, {
    id: 'processors',
    title: 'processors, one word each',
    data: `${count(n)} English words (seed "edit-ops-words")`,
    ops: n,
    entries: PROCESSORS.map((p) => ({
      name: p,
      run: ((loop) => () => loop(as, bs))(pairLoop((a) => pub.applyProcessor(p, a).length, `processor ${p}`)),
    })),
    comparisons: [{ subject: 'casefold', peer: 'lowercase' }],
  });

  const lev = (options) => (a, b) => pub.levenshtein(a, b, options);
  measureGroup(ctx, {
    id: 'levenshtein-processor',
    title: 'levenshtein with and without a processor, word pairs',
    data: `${count(n)} pairs of English words (seed "edit-ops-words")`,
    ops: n,
    entries: [
      { name: 'none', fn: lev(undefined) },
      { name: 'casefold', fn: lev({ processor: 'casefold' }) },
      { name: 'default', fn: lev({ processor: 'default' }) },
    ].map((e) => ({ name: e.name, run: ((loop) => () => loop(as, bs))(pairLoop(e.fn, `lev ${e.name}`)) })),
    comparisons: [{ subject: 'none', peer: 'casefold' }],
  });

  for (const c of [
    { id: 'editops-words', data: `${count(n)} pairs of English words (seed "edit-ops-words")`, as, bs, ops: n },
    { id: 'editops-1000', ...randomPairs(1000, ctx.quick ? 2 : 50, 'edit-ops-1000'), ops: ctx.quick ? 2 : 50, data: 'random lowercase pairs of 1000 code points (seed "edit-ops-1000")' },
  ]) {
    measureGroup(ctx, {
      id: c.id,
      title: `editops and opcodes against levenshtein, ${c.id === 'editops-words' ? 'word pairs' : '1000 code points'}`,
      data: c.data,
      ops: c.ops,
      entries: [
        { name: 'levenshtein', fn: (a, b) => pub.levenshtein(a, b) },
        { name: 'editops', fn: (a, b) => pub.editops(a, b).length },
        { name: 'opcodes', fn: (a, b) => pub.opcodes(a, b).length },
        { name: 'editops indel', fn: (a, b) => pub.editops(a, b, { metric: 'indel' }).length },
      ].map((e) => ({ name: e.name, run: ((loop) => () => loop(c.as, c.bs))(pairLoop(e.fn, `${c.id} ${e.name}`)) })),
      comparisons: [{ subject: 'levenshtein', peer: 'editops' }],
    });
  }
}
