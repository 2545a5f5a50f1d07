import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Corpus, CorpusFormatError } from '../src/corpus.js';
import { backendNames } from './helpers/backends.js';

const dir = mkdtempSync(join(tmpdir(), 'strdist-corpus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('Corpus.from', () => {
  it('keeps the first occurrence of each word, in order', () => {
    const c = Corpus.from(['b', 'a', 'b', 'c', 'a']);
    expect([...c]).toEqual(['b', 'a', 'c']);
    expect(c.size).toBe(3);
    // at() takes a Match.index: a position in the list given
    expect(c.at(1)).toBe('a');
    expect(c.at(3)).toBe('c');
    expect(c.at(2)).toBeUndefined(); // a dropped duplicate
    expect(c.at(5)).toBeUndefined();
  });
  it('keeps duplicates with dedupe: false', () => {
    expect(Corpus.from(['a', 'a'], { dedupe: false }).size).toBe(2);
  });
  it('takes any iterable', () => {
    expect([...Corpus.from(new Set(['x', 'y']))]).toEqual(['x', 'y']);
  });
  it('has a content id from an unambiguous encoding: equal lists share it, different lists never do', () => {
    const c = Corpus.from(['bagel', 'cheese']);
    expect(c.id).toMatch(/^v2-sha256:[0-9a-f]{64}$/);
    // the encoding, written out: a tag, the count, each word prefixed by its UTF-16 length
    const want = createHash('sha256').update('strdist corpus v2|2|5:bagel6:cheese', 'utf16le').digest('hex');
    expect(c.id).toBe(`v2-sha256:${want}`);
    expect(Corpus.from(['bagel', 'bagel', 'cheese']).id).not.toBe(c.id); // cheese is at 2: other indices…
    expect(Corpus.from(['bagel', 'cheese', 'bagel']).id).toBe(c.id); // …but here the same words at 0 and 1
    expect(Corpus.from(['cheese', 'bagel']).id).not.toBe(c.id);
    // the reproductions: words joined by newlines once made these equal
    expect(Corpus.from(['a', 'b']).id).not.toBe(Corpus.from(['a\nb']).id);
    expect(Corpus.from([]).id).not.toBe(Corpus.from(['']).id);
    // lone surrogates are not folded together (UTF-8 would turn both into U+FFFD)
    expect(Corpus.from(['\ud800']).id).not.toBe(Corpus.from(['\udbff']).id);
    expect(Corpus.from(['a', 'a'], { dedupe: false }).id).not.toBe(Corpus.from(['a']).id);
  });
  it('reports Match.index as the position in the list given, duplicates dropped', async () => {
    const c = Corpus.from(['a', 'b', 'a', 'c']);
    for (const backend of backendNames) {
      expect(await c.closest('c', { n: 1, backend })).toEqual([{ word: 'c', score: 1, index: 3 }]);
      expect((await c.closestMany(['c'], { n: 1, backend }))[0][0].index).toBe(3);
      expect(c.closestSync('c', { n: 1, backend })[0].index).toBe(3);
      expect(c.closestSync('a', { n: 3, backend }).map((m) => m.index)).toEqual([0, 1, 3]);
    }
  });
  it('takes only the options it knows', () => {
    expect(() => Corpus.from(['a'], { dedup: true } as never)).toThrow(/^Corpus.from: unknown option "dedup"; known options: dedupe, processor$/);
    expect(() => Corpus.from(['a'], { dedupe: 'yes' } as never)).toThrow(/^Corpus.from: dedupe must be a boolean, got the string "yes"$/);
  });
  it('rejects what is not a list of strings', () => {
    expect(() => Corpus.from('abc' as never)).toThrow(TypeError);
    expect(() => Corpus.from(null as never)).toThrow(/words must be an iterable of strings, got null/);
    expect(() => Corpus.from(['a', 3] as never)).toThrow(/word 1 must be a string, got number 3/);
  });
});

describe('Corpus.fromFile', () => {
  it('reads one word per line, trimming and skipping empty lines, CRLF and a BOM', async () => {
    const p = file('lines.txt', '\ufeffbagel\r\n  cheese  \n\n\nbagel\nnaïve\n😀\n');
    expect([...(await Corpus.fromFile(p))]).toEqual(['bagel', 'cheese', 'naïve', '😀']);
    expect([...(await Corpus.fromFile(p, { format: 'lines' }))]).toEqual(['bagel', 'cheese', 'naïve', '😀']);
  });
  it('reads the counted format when asked, and detects it only with format: auto', async () => {
    const p = file('counted.txt', '120 the\n 80 cheese \n3\tbagel\n\n2 ice cream\n');
    expect([...(await Corpus.fromFile(p, { format: 'counted' }))]).toEqual(['the', 'cheese', 'bagel', 'ice cream']);
    expect([...(await Corpus.fromFile(p, { format: 'auto' }))]).toEqual(['the', 'cheese', 'bagel', 'ice cream']);
    expect([...(await Corpus.fromFile(p))]).toEqual(['120 the', '80 cheese', '3\tbagel', '2 ice cream']);
  });
  it('keeps the house numbers of a list of addresses by default', async () => {
    const p = file('addresses.txt', '221 Baker Street\n10 Downing Street\n742 Evergreen Terrace\n');
    const want = ['221 Baker Street', '10 Downing Street', '742 Evergreen Terrace'];
    expect([...(await Corpus.fromFile(p))]).toEqual(want);
    expect([...(await Corpus.fromFile(p, { format: 'lines' }))]).toEqual(want);
  });
  it('auto keeps words that merely start with digits as lines', async () => {
    const p = file('mixed.txt', '3 bagels\nbagel\n');
    expect([...(await Corpus.fromFile(p, { format: 'auto' }))]).toEqual(['3 bagels', 'bagel']);
  });
  it('names the line that breaks the counted format', async () => {
    const p = file('badcount.txt', '1 a\n2 b\nthree c\n');
    const err = await Corpus.fromFile(p, { format: 'counted' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorpusFormatError);
    expect((err as CorpusFormatError).line).toBe(3);
    expect((err as Error).message).toMatch(/line 3 is not "<count> <word>"/);
  });
  it('names the line with invalid UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from('good\nfine\n'), Buffer.from([0x62, 0xff, 0x61, 0x0a]), Buffer.from('ok\n')]);
    const err = await Corpus.fromFile(file('bad.txt', bytes)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorpusFormatError);
    expect((err as Error).message).toMatch(/invalid UTF-8 on line 3/);
  });
  it('reads gzip', async () => {
    const p = file('words.gz', gzipSync('alpha\nbeta\n'));
    expect([...(await Corpus.fromFile(p))]).toEqual(['alpha', 'beta']);
  });
  it('rejects an unknown format and a missing file clearly', async () => {
    await expect(Corpus.fromFile(file('x.txt', 'a\n'), { format: 'csv' as never })).rejects.toThrow(
      /format must be "lines", "counted" or "auto", got the string "csv"/,
    );
    await expect(Corpus.fromFile(join(dir, 'missing.txt'))).rejects.toThrow(/ENOENT/);
  });
});

describe('Corpus.fromURL (a local http server)', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/words.txt') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('bagel\n');
        setTimeout(() => res.end('cheese\nbagel\n'), 20); // streamed in two chunks
      } else if (req.url === '/counted.txt') {
        res.end('5 the\n3 cheese\n');
      } else if (req.url === '/slow') {
        res.writeHead(200);
        res.write('a\n'); // and never ends
      } else {
        res.writeHead(404, 'Not Found');
        res.end('nope');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('streams a word list', async () => {
    expect([...(await Corpus.fromURL(`${base}/words.txt`))]).toEqual(['bagel', 'cheese']);
    expect([...(await Corpus.fromURL(new URL(`${base}/counted.txt`), { format: 'counted' }))]).toEqual(['the', 'cheese']);
    expect([...(await Corpus.fromURL(new URL(`${base}/counted.txt`)))]).toEqual(['5 the', '3 cheese']);
  });
  it('fails clearly on a bad status', async () => {
    await expect(Corpus.fromURL(`${base}/nothing`)).rejects.toThrow(/answered HTTP 404 Not Found/);
  });
  it('times out', async () => {
    await expect(Corpus.fromURL(`${base}/slow`, { timeoutMs: 300 })).rejects.toThrow(/timed out after 300 ms/);
  });
  it('rejects what is not an http(s) URL', async () => {
    await expect(Corpus.fromURL('ftp://example.invalid/x')).rejects.toThrow(/only http and https/);
    await expect(Corpus.fromURL('not a url')).rejects.toThrow(/not a URL/);
  });
});

describe('closest: options and cancellation', () => {
  const corpus = Corpus.from(['bagel', 'bagels', 'barge', 'cheese', 'cheesed', 'label']);

  it.each(backendNames)('finds the closest words (%s)', async (backend) => {
    const m = await corpus.closest('bagel', { n: 3, backend });
    expect(m.map((x) => x.word)).toEqual(['bagel', 'bagels', 'barge']);
    expect(m[0]).toEqual({ word: 'bagel', score: 1, index: 0 });
    const lev = await corpus.closest('bagel', { n: 10, metric: 'levenshtein', maxDistance: 2, backend });
    expect(lev.map((x) => [x.word, x.score])).toEqual([['bagel', 0], ['bagels', 1], ['barge', 2], ['label', 2]]);
    expect((await corpus.closest('bagel', { n: 100, backend })).length).toBe(corpus.size);
  });

  it('rejects bad options with clear errors', async () => {
    await expect(corpus.closest('a', { n: -1 })).rejects.toThrow(/^closest: n must be a non-negative integer or Infinity, got number -1$/);
    await expect(corpus.closest('a', { n: 1.5 })).rejects.toThrow(/n must be a non-negative integer or Infinity, got number 1.5/);
    await expect(corpus.closest('a', { n: NaN })).rejects.toThrow(/got number NaN/);
    await expect(corpus.closest('a', { maxDistnace: 1 } as never)).rejects.toMatchObject({
      name: 'TypeError',
      code: 'ERR_STRDIST_UNKNOWN_OPTION',
      message: expect.stringMatching(/^closest: unknown option "maxDistnace"; known options: n, metric, /),
    });
    await expect(corpus.closest('a', { metric: 'hamming' as never })).rejects.toThrow(/metric must be one of/);
    await expect(corpus.closest('a', { threads: 0 })).rejects.toThrow(/threads must be a positive integer/);
    await expect(corpus.closest('a', { minScore: 2 })).rejects.toThrow(/minScore must be a number in \[0, 1\]/);
    await expect(corpus.closest('a', { metric: 'levenshtein', minScore: 0.5 })).rejects.toThrow(/use maxDistance/);
    await expect(corpus.closest(5 as never)).rejects.toThrow(/closest: query must be a string, got number 5/);
    await expect(corpus.closestMany(['a', null] as never)).rejects.toThrow(/queries\[1\] must be a string, got null/);
    expect(() => corpus.closestSync('a', { n: -0.5 })).toThrow(RangeError);
    expect(() => corpus.closestSync('a', { signal: new AbortController().signal } as never)).toThrow(/unknown option "signal"/);
  });

  it.each(backendNames)('n and maxDistance take 0, huge integers and Infinity (%s)', async (backend) => {
    const all = await corpus.closest('bagel', { n: corpus.size, metric: 'levenshtein', backend });
    for (const n of [Infinity, 1e20, 2 ** 53, 2 ** 32]) {
      expect(await corpus.closest('bagel', { n, metric: 'levenshtein', backend })).toEqual(all);
      expect(corpus.closestSync('bagel', { n, metric: 'levenshtein', backend })).toEqual(all);
    }
    for (const maxDistance of [Infinity, 1e20, 2 ** 53, 2 ** 32]) {
      expect(corpus.closestSync('helo', { n: 7, metric: 'levenshtein', maxDistance, backend })).toHaveLength(6);
    }
    expect(await corpus.closest('bagel', { n: 0, backend })).toEqual([]);
    expect(await corpus.closestMany(['a', 'b'], { n: 0, backend })).toEqual([[], []]);
    expect(corpus.closestSync('bagel', { n: 0, backend })).toEqual([]);
  });

  it.each(backendNames)('an already-aborted signal rejects at once (%s)', async (backend) => {
    const ac = new AbortController();
    ac.abort();
    await expect(corpus.closest('bagel', { signal: ac.signal, backend })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it.each(backendNames)('aborting a long search rejects with the reason (%s)', async (backend) => {
    const words = Array.from({ length: 30_000 }, (_, i) => `w${i.toString(36)}x${(i * 7919).toString(36)}`);
    const big = Corpus.from(words);
    const queries = Array.from({ length: 4000 }, (_, i) => `q${i}`);
    const ac = new AbortController();
    const p = big.closestMany(queries, { signal: ac.signal, backend, metric: 'levenshtein', threads: 1 });
    setTimeout(() => ac.abort(new Error('stop now')), 30);
    await expect(p).rejects.toThrow('stop now');
  });
});
