#!/usr/bin/env node
// The browser build against Node's TypeScript backend, on the same searches, in one run:
//   node bench/browser.mjs [--queries 100] [--rounds 3]     (needs dist/ and /usr/bin/chromium)
// Runs are interleaved (Node, page, Node, page, ...) and the medians compared, so a machine
// whose load changes during the run skews both sides alike. Prints a Markdown table.
import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { values: args } = parseArgs({ options: { queries: { type: 'string', default: '100' }, rounds: { type: 'string', default: '3' } } });
const QUERIES = Number(args.queries);
const ROUNDS = Number(args.rounds);
const { Corpus } = await import(join(root, 'dist', 'index.mjs'));
const bundlePath = join(root, 'dist', 'browser', 'index.mjs');
const bundle = readFileSync(bundlePath);

const words = readFileSync('/usr/share/dict/american-english', 'utf8').split('\n').filter((w) => w !== '');
let x = 5;
const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
const queries = Array.from({ length: QUERIES }, (_, i) => {
  const w = words[next() % words.length];
  return i % 2 ? [...w].reverse().join('') : w.slice(1) + 'e';
});

const server = createServer((req, res) => {
  if (req.url === '/browser.mjs') res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
  else res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><script type="module">import * as s from '/browser.mjs'; window.strdist = s;</script>`);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const browser = await chromium.launch({ executablePath: process.env.STRDIST_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
const page = await browser.newPage();
await page.goto(`http://127.0.0.1:${server.address().port}/`);
await page.waitForFunction(() => 'strdist' in globalThis);
await page.evaluate((ws) => (globalThis.corpus = globalThis.strdist.Corpus.from(ws)), words);
const corpus = Corpus.from(words);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (const metric of ['jaro', 'jaroWinkler', 'levenshtein']) {
  const nodeMs = [];
  const pageMs = [];
  for (let r = 0; r < ROUNDS; r++) {
    let t = performance.now();
    await corpus.closestMany(queries, { n: 10, metric, backend: 'js' });
    nodeMs.push(performance.now() - t);
    pageMs.push(
      await page.evaluate(async ({ qs, metric }) => {
        const t0 = performance.now();
        await globalThis.corpus.closestMany(qs, { n: 10, metric });
        return performance.now() - t0;
      }, { qs: queries, metric }),
    );
  }
  rows.push({ metric, node: median(nodeMs), page: median(pageMs) });
}
await browser.close();
server.close();

const size = statSync(bundlePath).size;
console.log(`dist/browser/index.mjs: ${size} bytes minified, ${gzipSync(bundle, { level: 9 }).length} gzipped; chromium ${browser.version()}, Node ${process.version}`);
console.log(`closestMany, ${QUERIES} queries x ${words.length} words, n=10, median of ${ROUNDS} interleaved rounds:\n`);
console.log('| metric | Node, TypeScript backend | chromium, browser build | browser / Node |');
console.log('|---|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.metric} | ${r.node.toFixed(0)} ms | ${r.page.toFixed(0)} ms | ${(r.page / r.node).toFixed(2)} |`);
