// The browser build (dist/browser/index.mjs, the `browser` export condition) in Debian's chromium via
// playwright-core: the oracle vectors pass in the page, and closest over a 100k-word list gives
// Node's top-10. Also times the page against Node's TypeScript backend on the same searches
// (written to test-results/e2e/browser-speed.json; not asserted).
import { readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsKernel } from '../../src/backend/js.js';
import { Corpus } from '../../src/corpus.js';
import { createMetrics } from '../../src/metrics.js';

const CHROMIUM = process.env.STRDIST_CHROMIUM ?? '/usr/bin/chromium';
const OUTPUT = resolve(__dirname, '..', '..', 'test-results', 'e2e');
const BUNDLE = resolve(__dirname, '..', '..', 'dist', 'browser', 'index.mjs');
const WORDS = '/usr/share/dict/american-english';

interface Vector {
  a: string;
  b: string;
  levenshtein: number;
  jaro: number;
  jaroWinkler: number;
}
const vectors: Vector[] = readFileSync(resolve(__dirname, '..', 'fixtures', 'metrics.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Vector);

let server: Server;
let origin: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  const bundle = readFileSync(BUNDLE);
  server = createServer((req, res) => {
    if (req.url === '/browser.mjs') res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    // the page imports the bundle as a module and hands it to the test as window.strdist
    else res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>strdist</title><script type="module">import * as strdist from '/browser.mjs'; window.strdist = strdist;</script>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  page = await browser.newPage();
  await page.goto(origin);
  await page.waitForFunction(() => 'strdist' in globalThis);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

describe('the browser build in chromium', () => {
  it('has no Node-only imports and is small', () => {
    const text = readFileSync(BUNDLE, 'utf8');
    expect(text).not.toMatch(/\bnode:[a-z]/);
    expect(text).not.toMatch(/\brequire\(/);
    console.log(`dist/browser/index.mjs: ${statSync(BUNDLE).size} bytes, ${gzipSync(readFileSync(BUNDLE), { level: 9 }).length} gzipped`);
  });

  it('passes the oracle vectors, bit for bit with Node', async () => {
    const got = await page.evaluate(async (vs) => {
      const m = (globalThis as unknown as { strdist: typeof import('../../src/browser.js') }).strdist;
      return {
        backend: m.backend,
        lev: vs.map((v) => m.levenshtein(v.a, v.b)),
        jaro: vs.map((v) => m.jaro(v.a, v.b)),
        jw: vs.map((v) => m.jaroWinkler(v.a, v.b)),
        many: Array.from(m.scoreMany('jaroWinkler', vs[3].a, vs.map((v) => v.b)) as Float64Array),
      };
    }, vectors);
    expect(got.backend).toBe('js');
    const node = createMetrics(jsKernel);
    expect(got.lev).toEqual(vectors.map((v) => v.levenshtein));
    vectors.forEach((v, i) => {
      expect(Math.abs(got.jaro[i] - v.jaro)).toBeLessThanOrEqual(1e-12);
      expect(Math.abs(got.jw[i] - v.jaroWinkler)).toBeLessThanOrEqual(1e-12);
    });
    // the same doubles as Node's TypeScript backend
    expect(got.jaro).toEqual(vectors.map((v) => node.jaro(v.a, v.b)));
    expect(got.jw).toEqual(vectors.map((v) => node.jaroWinkler(v.a, v.b)));
    expect(got.many).toEqual(Array.from(node.scoreMany('jaroWinkler', vectors[3].a, vectors.map((v) => v.b))));
  });

  it("closest over a 100k-word list gives Node's top-10 and the same corpus id", async () => {
    const words = readFileSync(WORDS, 'utf8').split('\n').filter((w) => w !== '');
    expect(words.length).toBeGreaterThan(100_000);
    let x = 5;
    const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
    const queries = Array.from({ length: 40 }, (_, i) => {
      const w = words[next() % words.length];
      return i % 2 ? [...w].reverse().join('') : w.slice(1) + 'e';
    });
    const metrics = ['jaro', 'jaroWinkler', 'levenshtein'] as const;
    const inPage = await page.evaluate(
      async ({ words, queries, metrics }) => {
        const m = (globalThis as unknown as { strdist: typeof import('../../src/browser.js') }).strdist;
        const corpus = m.Corpus.from(words);
        const out: Record<string, { matches: unknown; ms: number }> = {};
        for (const metric of metrics) {
          const t = performance.now();
          const matches = await corpus.closestMany(queries, { n: 10, metric });
          out[metric] = { matches, ms: performance.now() - t };
        }
        const one = await corpus.closest('helo', { n: 10 });
        return { id: corpus.id, size: corpus.size, out, one };
      },
      { words, queries, metrics: [...metrics] },
    );
    const corpus = Corpus.from(words);
    expect(inPage.size).toBe(corpus.size);
    expect(inPage.id).toBe(corpus.id);
    expect(inPage.one).toEqual(await corpus.closest('helo', { n: 10 }));
    const speed: Record<string, { browserMs: number; nodeJsMs: number; ratio: number }> = {};
    for (const metric of metrics) {
      const t = performance.now();
      const nodeJs = await corpus.closestMany(queries, { n: 10, metric, backend: 'js' });
      const nodeJsMs = performance.now() - t;
      expect(inPage.out[metric].matches).toEqual(nodeJs);
      // and the process's own backend (native when it loads) agrees too
      expect(inPage.out[metric].matches).toEqual(await corpus.closestMany(queries, { n: 10, metric }));
      speed[metric] = { browserMs: Math.round(inPage.out[metric].ms), nodeJsMs: Math.round(nodeJsMs), ratio: Number((inPage.out[metric].ms / nodeJsMs).toFixed(2)) };
    }
    writeFileSync(join(OUTPUT, 'browser-speed.json'), JSON.stringify({ queries: queries.length, words: words.length, chromium: browser.version(), speed }, null, 2));
    console.log('browser vs Node TypeScript backend (40 queries x 100k words, n=10):', JSON.stringify(speed));
  });

  it('says what the browser build lacks', async () => {
    const err = await page.evaluate(async () => {
      const m = (globalThis as unknown as { strdist: typeof import('../../src/browser.js') }).strdist;
      const corpus = m.Corpus.from(['a', 'b']);
      return Promise.all([
        m.Corpus.fromFile('/x').then(() => '', (e: Error) => e.message),
        corpus.closest('a', { backend: 'native' }).then(() => '', (e: Error & { code?: string }) => `${e.code}: ${e.message}`),
      ]);
    });
    expect(err[0]).toMatch(/Corpus\.fromFile is not in the browser build/);
    expect(err[1]).toMatch(/^ERR_STRDIST_NATIVE_UNAVAILABLE: .*browser build has no native backend/);
  });
});
