// Word lists that cannot exhaust memory, and redirects that cannot downgrade a fetch.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Corpus } from '../src/corpus.js';

const dir = mkdtempSync(join(tmpdir(), 'strdist-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, data: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};

describe('Corpus.fromFile maxBytes', () => {
  it('a plain file over maxBytes is refused before it is read', async () => {
    const p = file('big.txt', 'word\n'.repeat(1000));
    const err = (await Corpus.fromFile(p, { maxBytes: 1000 }).catch((e: unknown) => e)) as Error & { code: string };
    expect(err).toBeInstanceOf(RangeError);
    expect(err.code).toBe('ERR_STRDIST_TOO_LARGE');
    expect(err.message).toMatch(/^Corpus\.fromFile: .*big\.txt is larger than maxBytes \(1000 bytes\)$/);
    expect((await Corpus.fromFile(p, { maxBytes: 5000 })).size).toBe(1);
  });

  it('a gzip bomb stops at maxBytes after decompression', async () => {
    const p = file('bomb.txt.gz', gzipSync(Buffer.alloc(50_000_000, 0x61)));
    const err = (await Corpus.fromFile(p, { maxBytes: 1_000_000 }).catch((e: unknown) => e)) as Error & { code: string };
    expect(err.code).toBe('ERR_STRDIST_TOO_LARGE');
    expect(err.message).toMatch(/bomb\.txt\.gz is larger than maxBytes \(1000000 bytes\)/);
  });

  it('maxBytes must be a positive integer', async () => {
    await expect(Corpus.fromFile(file('a.txt', 'a\n'), { maxBytes: 0 })).rejects.toThrow(/maxBytes must be a positive integer, got 0/);
  });
});

describe('Corpus.fromURL maxBytes, redirects and a custom fetch', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/big') {
        res.writeHead(200);
        res.end('word\n'.repeat(100_000));
      } else if (req.url === '/bomb') {
        res.writeHead(200);
        res.end(gzipSync(Buffer.alloc(20_000_000, 0x61)));
      } else if (req.url === '/hop') {
        res.writeHead(302, { location: '/words' });
        res.end();
      } else {
        res.writeHead(200);
        res.end('bagel\ncheese\n');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('stops reading at maxBytes, compressed or inflated', async () => {
    await expect(Corpus.fromURL(`${base}/big`, { maxBytes: 10_000 })).rejects.toThrow(/\/big is larger than maxBytes \(10000 bytes\)/);
    await expect(Corpus.fromURL(`${base}/bomb`, { maxBytes: 1_000_000 })).rejects.toThrow(/\/bomb is larger than maxBytes/);
  });

  it('follows a redirect by default, and refuses one with redirect: "error"', async () => {
    expect([...(await Corpus.fromURL(`${base}/hop`))]).toEqual(['bagel', 'cheese']);
    await expect(Corpus.fromURL(`${base}/hop`, { redirect: 'error' })).rejects.toThrow(/redirects to http:.*\/words \(redirect: "error"\)/);
  });

  it('never follows https to http unless told to; the custom fetch is the one used', async () => {
    const seen: string[] = [];
    const fake: typeof fetch = async (input) => {
      const url = String(input);
      seen.push(url);
      if (url.startsWith('https:')) return new Response(null, { status: 301, headers: { location: `${base}/words` } });
      return fetch(input);
    };
    await expect(Corpus.fromURL('https://example.org/list.txt', { fetch: fake })).rejects.toThrow(
      /https:\/\/example\.org\/list\.txt redirects from https to http \(http:\/\/127\.0\.0\.1:\d+\/words\); pass redirect: "follow" to allow it/,
    );
    expect([...(await Corpus.fromURL('https://example.org/list.txt', { fetch: fake, redirect: 'follow' }))]).toEqual(['bagel', 'cheese']);
    expect(seen).toEqual(['https://example.org/list.txt', 'https://example.org/list.txt', `${base}/words`]);
  });

  it('stops after 5 redirects', async () => {
    let n = 0;
    const loop: typeof fetch = async () => new Response(null, { status: 302, headers: { location: `https://example.org/${n++}` } });
    await expect(Corpus.fromURL('https://example.org/start', { fetch: loop })).rejects.toThrow(/more than 5 redirects/);
  });
});
