// Processors (issue 12): the built-ins against Python's str.casefold, unicodedata.normalize
// ('NFKC') and RapidFuzz's default_process (test/fixtures/processors.json, made by
// scripts/unicode/gen-processor-fixture.py on the code points whose general category is the same
// in that Python's Unicode data and in Node's ICU), and the option on every API that takes it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as strdist from '../src/index.js';
import { Corpus, applyProcessor, scoreMatrix, ERROR_CODES } from '../src/index.js';
import { connect } from '../src/dispatch/index.js';
import { addon, backendNames, backends, js, native } from './helpers/backends.js';
import { createMetrics } from '../src/metrics.js';
import { createExtraMetrics, type ExtraMetrics } from '../src/metrics-extra.js';
import { jsExtraKernel } from '../src/backend/js-extra.js';
import { nativeExtraKernel, type ExtraAddon } from '../src/backend/native-extra.js';

interface Fixture {
  unicode: string;
  tested: [number, number][];
  casefold: Record<string, string>;
  nfkc: Record<string, string>;
  defaultTested: [number, number][];
  default: Record<string, string>;
  defaultBlank: [number, number][];
  strings: [string, string, string, string, string][];
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/processors.json', import.meta.url), 'utf8')) as Fixture;

function* codePoints(ranges: [number, number][]): Generator<number> {
  for (const [a, b] of ranges) for (let cp = a; cp <= b; cp++) yield cp;
}

function mismatches(ranges: [number, number][], expected: (cp: number) => string, actual: (s: string) => string): string[] {
  const bad: string[] = [];
  for (const cp of codePoints(ranges)) {
    const c = String.fromCodePoint(cp);
    const want = expected(cp);
    const got = actual(c);
    if (got !== want && bad.length < 10) bad.push(`U+${cp.toString(16)}: ${JSON.stringify(got)} != ${JSON.stringify(want)}`);
  }
  return bad;
}

describe('built-in processors against Python and RapidFuzz', () => {
  it('the fixture covers most of Unicode', () => {
    let n = 0;
    for (const [a, b] of fx.tested) n += b - a + 1;
    expect(n).toBeGreaterThan(100_000);
    expect(Object.keys(fx.casefold).length).toBeGreaterThan(1400);
  });

  it("'casefold' is str.casefold on every tested code point", () => {
    const bad = mismatches(fx.tested, (cp) => fx.casefold[cp] ?? String.fromCodePoint(cp), (s) => applyProcessor('casefold', s));
    expect(bad).toEqual([]);
  });

  it("'nfkc' is unicodedata.normalize('NFKC') on every tested code point", () => {
    const bad = mismatches(fx.tested, (cp) => fx.nfkc[cp] ?? String.fromCodePoint(cp), (s) => applyProcessor('nfkc', s));
    expect(bad).toEqual([]);
  });

  it("'default' is rapidfuzz.utils.default_process on every tested code point", () => {
    const blank = new Set(codePoints(fx.defaultBlank));
    const bad = mismatches(
      fx.defaultTested,
      (cp) => (blank.has(cp) ? '' : (fx.default[cp] ?? String.fromCodePoint(cp))),
      (s) => applyProcessor('default', s),
    );
    expect(bad).toEqual([]);
    expect(blank.size).toBeGreaterThan(1000);
  });

  it('whole strings: casefold, nfkc, nfkcCasefold and default as Python gives them', () => {
    for (const [s, fold, nfkc, nfkcFold, dflt] of fx.strings) {
      expect(applyProcessor('casefold', s), s).toBe(fold);
      expect(applyProcessor('nfkc', s), s).toBe(nfkc);
      expect(applyProcessor('nfkcCasefold', s), s).toBe(nfkcFold);
      expect(applyProcessor('default', s), s).toBe(dflt);
    }
  });

  it("'lowercase' is toLowerCase on the whole string (final sigma included); 'none' changes nothing", () => {
    expect(applyProcessor('lowercase', 'ΟΔΟΣ İ')).toBe('ΟΔΟΣ İ'.toLowerCase());
    expect(applyProcessor('lowercase', 'ΟΔΟΣ')).toBe('οδος');
    expect(applyProcessor('default', 'ΟΔΟΣ')).toBe('οδοσ'); // each character on its own
    expect(applyProcessor('none', 'AbC\ud800')).toBe('AbC\ud800');
  });

  it('lone surrogates pass through casefold and default keeps them out', () => {
    expect(applyProcessor('casefold', 'A\ud800B')).toBe('a\ud800b');
    expect(applyProcessor('default', 'a\ud800b')).toBe('a b');
  });
});

describe.each(backends)('the processor option (%s)', (_name, m) => {
  it('every pairwise function takes it', () => {
    expect(m.levenshtein('STRASSE', 'straße', { processor: 'casefold' })).toBe(0);
    expect(m.levenshtein('STRASSE', 'straße')).toBe(7);
    expect(m.levenshtein('Hello!', 'hello', { processor: 'default', maxDistance: 0 })).toBe(0);
    expect(m.levenshteinSimilarity('ABC', 'abd', { processor: 'lowercase' })).toBeCloseTo(2 / 3, 15);
    expect(m.jaro('MARTHA', 'marhta', { processor: 'lowercase' })).toBe(m.jaro('martha', 'marhta'));
    expect(m.jaroWinkler('ﬁne', 'FINE', { processor: 'nfkcCasefold', prefixWeight: 0.2 })).toBe(1);
    expect(m.levenshtein('ab', 'cd', { processor: (s) => s.replace(/./g, 'x') })).toBe(0);
  });

  it('scoreMany applies it to the query and to every choice', () => {
    const got = Array.from(m.scoreMany('levenshtein', 'KITTEN', ['kitten', 'Sitting', 'KITTENS'], { processor: 'lowercase' }));
    expect(got).toEqual([0, 3, 1]);
  });

  it('a bad processor is a RangeError, a bad result a TypeError, both with codes', () => {
    expect(() => m.levenshtein('a', 'b', { processor: 'upper' as never })).toThrow(RangeError);
    expect(() => m.levenshtein('a', 'b', { processor: 'upper' as never })).toThrow(expect.objectContaining({ code: ERROR_CODES.OPTION }));
    expect(() => m.jaro('a', 'b', { processor: (() => 3) as never })).toThrow(TypeError);
    expect(() => m.jaro('a', 'b', { processor: (() => 3) as never })).toThrow(
      expect.objectContaining({ code: ERROR_CODES.ARGUMENT, message: 'jaro: the processor must return a string, got number 3' }),
    );
  });
});

describe('processors on one-to-many APIs', () => {
  it('scoreMatrix applies it to queries and choices', async () => {
    const got = await scoreMatrix('levenshtein', ['ABC', 'xyz'], ['abc', 'XYZ'], { processor: 'casefold' });
    expect(Array.from(got)).toEqual([0, 3, 3, 0]);
  });

  it.each(backendNames)('a corpus built with a processor searches processed words and returns the originals (%s)', async (backend) => {
    const corpus = Corpus.from(['Straße', 'HOUSE', 'Mouse!', 'straße'], { processor: 'casefold' });
    expect(corpus.processor).toBe('casefold');
    expect(corpus.words).toEqual(['Straße', 'HOUSE', 'Mouse!', 'straße']);
    const ms = await corpus.closest('STRASSE', { metric: 'levenshtein', n: 2, backend });
    expect(ms).toEqual([
      { word: 'Straße', score: 0, index: 0 },
      { word: 'straße', score: 0, index: 3 },
    ]);
    expect(corpus.closestSync('house', { metric: 'levenshtein', n: 1, backend })).toEqual([{ word: 'HOUSE', score: 0, index: 1 }]);
    // its own processor named again is fine; another is an error
    await expect(corpus.closest('x', { processor: 'casefold', backend })).resolves.toHaveLength(4);
    await expect(corpus.closest('x', { processor: 'lowercase', backend })).rejects.toMatchObject({ code: ERROR_CODES.OPTION });
    expect(() => corpus.closestSync('x', { processor: 'none', backend })).toThrow(/built with processor "casefold"/);
  });

  it.each(backendNames)('closest with a processor on a plain corpus processes both sides (%s)', async (backend) => {
    const corpus = Corpus.from(['Hello, World', 'help', 'HELLO']);
    const ms = await corpus.closestMany(['HELLO; WORLD', 'HELLO'], { metric: 'levenshtein', n: 1, processor: 'default', backend });
    expect(ms).toEqual([[{ word: 'Hello, World', score: 0, index: 0 }], [{ word: 'HELLO', score: 0, index: 2 }]]);
    // the plain search is unchanged
    expect(corpus.closestSync('hello world', { metric: 'levenshtein', n: 1, backend })[0].word).toBe('Hello, World');
    expect(corpus.closestSync('hello world', { metric: 'levenshtein', n: 1, backend })[0].score).toBe(3);
    const upper = await corpus.closest('HELP', { metric: 'levenshtein', n: 1, processor: (s) => s.toUpperCase(), backend });
    expect(upper).toEqual([{ word: 'help', score: 0, index: 1 }]);
  });

  it('Corpus.fromFile takes a processor too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strdist-processors-'));
    try {
      const file = join(dir, 'words.txt');
      writeFileSync(file, 'ÉCOLE\nMaße\n');
      const corpus = await Corpus.fromFile(file, { processor: 'nfkcCasefold' });
      expect(corpus.processor).toBe('nfkcCasefold');
      expect(corpus.closestSync('masse', { metric: 'levenshtein', n: 1 })).toEqual([{ word: 'Maße', score: 0, index: 1 }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Corpus.from rejects a bad processor', () => {
    expect(() => Corpus.from(['a'], { processor: 'nope' as never })).toThrow(expect.objectContaining({ code: ERROR_CODES.OPTION }));
  });

  it('the closest task takes a processor by name; a function cannot be sent; a processed corpus cannot be stored', async () => {
    const d = connect();
    try {
      const ref = await d.putCorpus(Corpus.from(['Alpha', 'beta', 'GAMMA']));
      const r = await d.call('closest', { corpus: ref.id, queries: ['ALPHA', 'gamma'], metric: 'levenshtein', n: 1, processor: 'lowercase' }, { require: 'any' });
      expect(await d.result(r)).toEqual([[{ word: 'Alpha', score: 0, index: 0 }], [{ word: 'GAMMA', score: 0, index: 2 }]]);
      await expect(
        d.call('closest', { corpus: ref.id, queries: ['a'], processor: ((x: string) => x) as never }),
      ).rejects.toMatchObject({ code: ERROR_CODES.TASK_ARGUMENT, message: expect.stringMatching(/function processor cannot be sent/) });
      await expect(d.putCorpus(Corpus.from(['a'], { processor: 'casefold' }))).rejects.toMatchObject({ code: ERROR_CODES.OPTION });
    } finally {
      await d.close();
    }
  });

  it('is exported with the list of names', () => {
    expect(strdist.PROCESSORS).toEqual(['none', 'lowercase', 'casefold', 'nfkc', 'nfkcCasefold', 'default']);
  });
});

// The metrics of issue 12's other half take the processor as every pairwise function does.
describe('the processor option on the added metrics and extract', () => {
  const apis: [string, ExtraMetrics][] = [['js', createExtraMetrics(js, jsExtraKernel, createMetrics(js))]];
  if (native && addon) {
    const kernel = nativeExtraKernel(addon.addon as unknown as ExtraAddon);
    apis.unshift(['native', createExtraMetrics(native, kernel, createMetrics(native, { pairwiseJsBelow: 0 }), 0)]);
  }
  it.each(apis)('%s: pairwise and scoreMany process both sides', (_name, m) => {
    expect(m.indel('KITTEN', 'kitten', { processor: 'lowercase' })).toBe(0);
    expect(m.indel('KITTEN', 'kitten')).toBe(12);
    expect(m.ratio('Straße', 'STRASSE', { processor: 'casefold' })).toBe(1);
    expect(m.longestCommonSubsequence('ABC', 'abd', { processor: 'lowercase' })).toBe(2);
    expect(m.hamming('ABC', 'abd', { processor: 'lowercase' })).toBe(1);
    expect(m.hammingSimilarity('ABC', 'abc', { processor: 'lowercase' })).toBe(1);
    expect(m.osa('CA', 'ac', { processor: 'lowercase' })).toBe(1);
    expect(m.osaSimilarity('ﬁ', 'FI', { processor: 'nfkcCasefold' })).toBe(1);
    expect(m.damerauLevenshtein('Hello!', 'hello', { processor: 'default' })).toBe(0);
    expect(m.damerauLevenshteinSimilarity('AB', 'ba', { processor: 'lowercase' })).toBe(0.5);
    expect(m.levenshtein('ABC', 'abd', { processor: 'lowercase', weights: { substitute: 3 } })).toBe(2);
    expect(m.levenshtein('ABC', 'abd', { processor: 'lowercase' })).toBe(1);
    expect(Array.from(m.scoreMany('indel', 'KITTEN', ['kitten', 'Sitting'], { processor: 'lowercase' }))).toEqual([0, 5]);
    expect(() => m.osa('a', 'b', { processor: (() => 1) as never })).toThrow(expect.objectContaining({ code: ERROR_CODES.ARGUMENT }));
  });
  it('extract and extractOne process the query and every choice, and return the choices as given', () => {
    const choices = ['Apple', 'BANANA', 'cherry'];
    for (const metric of ['jaro', 'levenshtein', 'osa', 'indel'] as const) {
      const best = strdist.extractOne('banana', choices, { metric, processor: 'lowercase' });
      expect(best?.word, metric).toBe('BANANA');
      expect(best?.index, metric).toBe(1);
      expect(best?.score, metric).toBe(metric === 'jaro' ? 1 : 0);
    }
    expect(strdist.extract('APPLE', choices, { metric: 'indel', processor: 'lowercase', n: 1 })).toEqual([{ word: 'Apple', score: 0, index: 0 }]);
  });
});
