// Hostile calls of every function the addon exports, run in a child process so that an abort or
// a segfault ends the child, not the test run (test/addon-boundary.test.ts reads its output).
//
//   node test/helpers/hostile-addon.mjs <addon.node> <first case>
//
// Prints one JSON line per case: {"i", "start": true} before it runs, then {"i", "outcome":
// "return" | "throw", "ctor", "code", "message", "problem"} after. `problem` is set when a
// case's own check fails (bytes written past a typed array, a wrong result).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

// Good arguments for every export; `make(a)` builds them fresh (handles need the addon).
export const calls = {
  levenshtein: () => ['kitten', 'sitting', 2],
  levenshteinSimilarity: () => ['kitten', 'sitting'],
  jaro: () => ['MARTHA', 'MARHTA', 0],
  jaroWinkler: () => ['MARTHA', 'MARHTA', 0.1, 0],
  scoreMany: () => [2, 'bagel', 'bagelsbarge', Uint32Array.of(6, 5), 0.1, -1, new Float64Array(2)],
  corpusCreate: () => ['bagelsbarge', Uint32Array.of(6, 5)],
  corpusInfo: (a) => [a.corpusCreate('bagelsbarge', Uint32Array.of(6, 5))],
  corpusSearchSync: (a) => [a.corpusCreate('bagelsbarge', Uint32Array.of(6, 5)), 'bagel', Uint32Array.of(5), 2, 10, 0.1, 0, -1, 2],
  corpusSearchInto: (a) => [
    a.corpusCreate('bagelsbarge', Uint32Array.of(6, 5)), 'bagel', Uint32Array.of(5), 2, 10, 0.1, 0, -1, 2, new Uint32Array(8), new Float64Array(8),
  ],
  corpusSearch: (a) => [
    a.corpusCreate('bagelsbarge', Uint32Array.of(6, 5)), 'bagel', Uint32Array.of(5), 2, 10, 0.1, 0, -1, 2, a.cancelToken(),
  ],
  scoreMatrix: (a) => [2, 'bagel', Uint32Array.of(5), 'bagelsbarge', Uint32Array.of(6, 5), 0.1, -1, 2, a.cancelToken(), 1],
  cancelToken: () => [],
  cancel: (a) => [a.cancelToken()],
  prepareChoices: () => ['bagelsbarge', Uint32Array.of(6, 5)],
  preparedInfo: (a) => [a.prepareChoices('bagelsbarge', Uint32Array.of(6, 5))],
  scoreManyPrepared: (a) => [0, 'bagel', a.prepareChoices('bagelsbarge', Uint32Array.of(6, 5)), 0.1, -1, new Float64Array(2)],
  simdPath: () => ['scalar'],
  // joins (native/join_worker.cc)
  corpusJoin: (a) => [a.corpusCreate('bagelsbarge', Uint32Array.of(6, 5)), 'bagel', Uint32Array.of(5), 0, 0.1, 0, 1, 2, a.cancelToken()],
  corpusSelfJoin: (a) => [a.corpusCreate('bagelsbarge', Uint32Array.of(6, 5)), 0, 2, 2, 0.1, 0.5, -1, 2, a.cancelToken()],
  // issue 12
  indel: () => ['kitten', 'sitting', 3],
  ratio: () => ['kitten', 'sitting', 0.5],
  longestCommonSubsequence: () => ['kitten', 'sitting'],
  hamming: () => ['kitten', 'sittin', false, 3],
  hammingSimilarity: () => ['kitten', 'sitting', true, 0.5],
  osa: () => ['kitten', 'sitting', 3],
  osaSimilarity: () => ['kitten', 'sitting', 0.5],
  damerauLevenshtein: () => ['kitten', 'sitting', 3],
  damerauLevenshteinSimilarity: () => ['kitten', 'sitting', 0.5],
  levenshteinWeighted: () => ['kitten', 'sitting', 1, 2, 3, 10],
  // issue 11, item 4: the words read back from a corpus's index (native/search_worker.cc)
  corpusFromUtf8: () => [new TextEncoder().encode('bagels\nbarge\n'), true],
  corpusFromUtf8Async: () => [new TextEncoder().encode('bagels\nbarge\n'), true],
  corpusCreatePacked: () => ['bagelsbarge', Uint32Array.of(6, 5)],
  corpusWord: (a) => [a.corpusCreate('bagelsbarge', Uint32Array.of(6, 5)), 1],
  corpusWordsAt: (a) => [a.corpusCreate('bagelsbarge', Uint32Array.of(6, 5)), Uint32Array.of(1, 0, 7)],
  corpusWords: (a) => [a.corpusCreate('bagelsbarge', Uint32Array.of(6, 5)), 0, 2],
  corpusBytes: (a) => [a.corpusCreate('bagelsbarge', Uint32Array.of(6, 5))],
  releaseFreeMemory: () => [],
};

// Values no argument expects. Functions of the addon, so handles can be among them.
export const hostile = {
  undefined: () => undefined,
  null: () => null,
  true: () => true,
  '0': () => 0,
  '-0': () => -0,
  '-1': () => -1,
  '0.5': () => 0.5,
  NaN: () => NaN,
  '1e20': () => 1e20,
  Infinity: () => Infinity,
  '-Infinity': () => -Infinity,
  '2**53': () => 2 ** 53,
  '2**32': () => 2 ** 32,
  'a string': () => 'x',
  'an empty string': () => '',
  'a huge string': () => 'x'.repeat(1 << 24),
  'an object': () => ({}),
  'an array': () => [1, 2],
  'a symbol': () => Symbol('s'),
  'a bigint': () => 10n,
  'a function': () => () => 1,
  'a Uint8Array': () => new Uint8Array(64),
  'an Int32Array': () => new Int32Array(2),
  'a Float32Array': () => new Float32Array(2),
  'an empty Uint32Array': () => new Uint32Array(0),
  'a huge-valued Uint32Array': () => Uint32Array.of(0xffffffff, 0xffffffff),
  'an empty Float64Array': () => new Float64Array(0),
  'an empty Uint16Array': () => new Uint16Array(0),
  'a DataView': () => new DataView(new ArrayBuffer(16)),
  'a Proxy of a Float64Array': () => new Proxy(new Float64Array(2), {}),
  'an object whose getters throw': () => ({
    get length() {
      throw new Error('getter');
    },
    valueOf() {
      throw new Error('valueOf');
    },
  }),
  'a corpus handle': (a) => a.corpusCreate('ab', Uint32Array.of(1, 1)),
  'a cancel token': (a) => a.cancelToken(),
  'a prepared handle': (a) => a.prepareChoices('ab', Uint32Array.of(1, 1)),
};

/** Every (function, argument position, hostile value) triple, plus a call with no arguments. */
export function cases() {
  const out = [];
  for (const [fn, make] of Object.entries(calls)) {
    out.push({ fn, arg: -1, value: 'no arguments' });
    const arity = make({ corpusCreate: () => 0, cancelToken: () => 0, prepareChoices: () => 0 }).length;
    for (let arg = 0; arg < arity; arg++) {
      for (const value of Object.keys(hostile)) out.push({ fn, arg, value });
    }
  }
  return out;
}

async function runCase(a, c) {
  const args = c.arg < 0 ? [] : calls[c.fn](a);
  let guard;
  if (c.arg >= 0) {
    args[c.arg] = hostile[c.value](a);
    // A typed array passed in: it must not be written past its end. It sits at the start of a
    // larger buffer filled with a pattern that a write past it would change.
    if (ArrayBuffer.isView(args[c.arg]) && !(args[c.arg] instanceof DataView)) {
      const v = args[c.arg];
      const buffer = new ArrayBuffer(v.byteLength + 256);
      new Uint8Array(buffer).fill(0xa5);
      const placed = new v.constructor(buffer, 0, v.length);
      placed.set(v);
      args[c.arg] = placed;
      guard = new Uint8Array(buffer, v.byteLength);
    }
  }
  const result = await a[c.fn](...args);
  if (guard && guard.some((b) => b !== 0xa5)) return { problem: 'wrote past the end of a typed array' };
  return {};
}

async function main() {
  const [addonPath, first] = process.argv.slice(2);
  const a = require(addonPath);
  const all = cases();
  for (let i = Number(first); i < all.length; i++) {
    process.stdout.write(JSON.stringify({ i, start: true }) + '\n');
    let line;
    try {
      line = { i, outcome: 'return', ...(await runCase(a, all[i])) };
    } catch (e) {
      line = { i, outcome: 'throw', ctor: e?.constructor?.name, code: e?.code, message: String(e?.message) };
    }
    process.stdout.write(JSON.stringify(line) + '\n');
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) await main();
