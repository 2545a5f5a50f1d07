import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Corpus, CorpusFormatError } from '../src/corpus.js';

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
    expect(c.at(1)).toBe('a');
    expect(c.at(5)).toBeUndefined();
  });
  it('keeps duplicates with dedupe: false', () => {
    expect(Corpus.from(['a', 'a'], { dedupe: false }).size).toBe(2);
  });
  it('takes any iterable', () => {
    expect([...Corpus.from(new Set(['x', 'y']))]).toEqual(['x', 'y']);
  });
  it('has a content id: sha256 of the words joined by \\n', () => {
    const c = Corpus.from(['bagel', 'cheese', 'bagel']);
    const want = 'sha256:' + createHash('sha256').update('bagel\ncheese').digest('hex');
    expect(c.id).toBe(want);
    expect(Corpus.from(['bagel', 'cheese']).id).toBe(want);
    expect(Corpus.from(['cheese', 'bagel']).id).not.toBe(want);
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
  it('reads the counted format and detects it', async () => {
    const p = file('counted.txt', '120 the\n 80 cheese \n3\tbagel\n\n2 ice cream\n');
    expect([...(await Corpus.fromFile(p, { format: 'counted' }))]).toEqual(['the', 'cheese', 'bagel', 'ice cream']);
    expect([...(await Corpus.fromFile(p))]).toEqual(['the', 'cheese', 'bagel', 'ice cream']);
  });
  it('auto keeps words that merely start with digits as lines', async () => {
    const p = file('mixed.txt', '3 bagels\nbagel\n');
    expect([...(await Corpus.fromFile(p))]).toEqual(['3 bagels', 'bagel']);
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
      /format must be one of lines, counted, auto, got "csv"/,
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
    expect([...(await Corpus.fromURL(new URL(`${base}/counted.txt`)))]).toEqual(['the', 'cheese']);
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

  it.each(['native', 'js'] as const)('finds the closest words (%s)', async (backend) => {
    const m = await corpus.closest('bagel', { n: 3, backend });
    expect(m.map((x) => x.word)).toEqual(['bagel', 'bagels', 'barge']);
    expect(m[0]).toEqual({ word: 'bagel', score: 1, index: 0 });
    const lev = await corpus.closest('bagel', { n: 10, metric: 'levenshtein', maxDistance: 2, backend });
    expect(lev.map((x) => [x.word, x.score])).toEqual([['bagel', 0], ['bagels', 1], ['barge', 2], ['label', 2]]);
    expect((await corpus.closest('bagel', { n: 100, backend })).length).toBe(corpus.size);
  });

  it('rejects bad options with clear errors', async () => {
    await expect(corpus.closest('a', { n: 0 })).rejects.toThrow(/closest: n must be a positive integer, got number 0/);
    await expect(corpus.closest('a', { n: -1 })).rejects.toThrow(RangeError);
    await expect(corpus.closest('a', { n: 1.5 })).rejects.toThrow(/n must be a positive integer, got number 1.5/);
    await expect(corpus.closest('a', { metric: 'hamming' as never })).rejects.toThrow(/metric must be one of/);
    await expect(corpus.closest('a', { threads: 0 })).rejects.toThrow(/threads must be a positive integer/);
    await expect(corpus.closest('a', { minScore: 2 })).rejects.toThrow(/minScore must be a number in \[0, 1\]/);
    await expect(corpus.closest('a', { metric: 'levenshtein', minScore: 0.5 })).rejects.toThrow(/use maxDistance/);
    await expect(corpus.closest(5 as never)).rejects.toThrow(/closest: query must be a string, got number 5/);
    await expect(corpus.closestMany(['a', null] as never)).rejects.toThrow(/queries\[1\] must be a string, got null/);
    expect(() => corpus.closestSync('a', { n: 0 })).toThrow(RangeError);
  });

  it.each(['native', 'js'] as const)('an already-aborted signal rejects at once (%s)', async (backend) => {
    const ac = new AbortController();
    ac.abort();
    await expect(corpus.closest('bagel', { signal: ac.signal, backend })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it.each(['native', 'js'] as const)('aborting a long search rejects with the reason (%s)', async (backend) => {
    const words = Array.from({ length: 30_000 }, (_, i) => `w${i.toString(36)}x${(i * 7919).toString(36)}`);
    const big = Corpus.from(words);
    const queries = Array.from({ length: 4000 }, (_, i) => `q${i}`);
    const ac = new AbortController();
    const p = big.closestMany(queries, { signal: ac.signal, backend, metric: 'levenshtein', threads: 1 });
    setTimeout(() => ac.abort(new Error('stop now')), 30);
    await expect(p).rejects.toThrow('stop now');
  });
});
