// End to end: a real redis-server, two real `strdist worker` processes, `strdist dashboard` as a
// real process, and Debian's chromium driven by playwright-core. The assertions are on what the
// pages show. Run with `npm run test:e2e` (its own vitest config; CI runs it once).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Corpus } from '../../src/corpus.js';
import { connect, type Dispatcher } from '../../src/dispatch/index.js';
import { PROTOCOL_VERSION } from '../../src/tasks.js';
import { CLI, WORKERS, spawnWorker, startRedis, uniquePrefix, until, type TestRedis, type WorkerProcess } from '../helpers/redis.js';

export const CHROMIUM = process.env.STRDIST_CHROMIUM ?? '/usr/bin/chromium';
export const OUTPUT = resolve(__dirname, '..', '..', 'test-results', 'e2e');
const WORDS = '/usr/share/dict/american-english';

let redis: TestRedis;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let dashboard: ChildProcess;
let base: string;
let d: Dispatcher;
const workers: WorkerProcess[] = [];
const prefix = uniquePrefix('e2e');
const user = 'ops';
const password = `pw-${randomUUID()}`;

/** Starts `strdist dashboard` on a free port; resolves with its URL from its first line. */
function startDashboard(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'dashboard', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b));
  return new Promise((res, rej) => {
    child.stdout!.on('data', (b: Buffer) => {
      out += b;
      const m = /(http:\/\/\S+\/) /.exec(out);
      if (m) res({ child, url: m[1] });
    });
    child.on('exit', (code) => rej(new Error(`dashboard exited ${code}: ${err}`)));
  });
}

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  redis = await startRedis({ own: true });
  // one search thread each: the batch below runs long enough to watch
  for (let i = 0; i < 2; i++) workers.push(spawnWorker(redis.url, prefix, WORKERS.env, ['--threads', '1', '--progress-ms', '0']));
  d = connect({ redis: redis.url, prefix });
  await until('two live workers', async () => (await d.workers()).length === 2, 30_000);
  const pwFile = join(OUTPUT, 'password');
  writeFileSync(pwFile, password + '\n', { mode: 0o600 });
  const started = await startDashboard(['--redis', redis.url, '--prefix', prefix, '--port', '0', '--auth', `${user}:${pwFile}`]);
  dashboard = started.child;
  base = started.url;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  context = await browser.newContext({ httpCredentials: { username: user, password }, viewport: { width: 1280, height: 720 } });
  page = await context.newPage();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  dashboard?.kill('SIGTERM');
  await d?.close();
  await Promise.all(workers.map((w) => w.stop()));
  await redis?.stop();
});

describe('strdist dashboard in chromium', () => {
  it('asks for credentials, and is read-only', async () => {
    expect((await fetch(base)).status).toBe(401);
    const auth = { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
    expect((await fetch(base, { headers: { authorization: `Basic ${Buffer.from(`${user}:wrong`).toString('base64')}` } })).status).toBe(401);
    expect((await fetch(base, { headers: auth })).status).toBe(200);
    const put = await fetch(`${base}queues/api/queues/${WORKERS.queue}/clean/completed`, { method: 'PUT', headers: auth });
    expect(put.status).toBe(405);
  });

  it('lists both workers with their capability fields', async () => {
    const records = await d.workers();
    await page.goto(`${base}?refresh=60`);
    await page.waitForSelector('tr[data-worker]');
    const rows = await page.$$eval('tr[data-worker]', (trs) =>
      trs.map((tr) => Object.fromEntries([...tr.querySelectorAll('td[data-field]')].map((td) => [td.getAttribute('data-field'), td.textContent?.trim()]))),
    );
    expect(rows.map((r) => r.id).sort()).toEqual(records.map((w) => w.id).sort());
    for (const row of rows) {
      const w = records.find((r) => r.id === row.id)!;
      expect(row).toMatchObject({ platform: process.platform, arch: process.arch, backend: WORKERS.backend, kernel: 'v1', threads: '1', cpu: w.cpuFeatures.join(' ') || '-' });
      expect(row.heartbeat).toMatch(/^\d+ s ago$/);
      if (w.binary) {
        const title = await page.getAttribute(`tr[data-worker="${w.id}"] td[data-field="sha256"] code`, 'title');
        expect(title).toBe(w.binary.sha256);
      }
    }
  });

  it("shows a running batch's progress moving, a finished job's result and a failed job's stack", async () => {
    const corpus = await Corpus.fromFile(WORDS);
    const ref = await d.putCorpus(corpus);
    const words = corpus.words;
    let x = 11;
    const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
    const queries = (count: number) => Array.from({ length: count }, () => [...words[next() % words.length]].reverse().join(''));
    // the batch: two long jobs, one per worker, long enough to be seen running on an idle
    // machine too (1,200 queries a job finished between two page loads there, and once the
    // kernels got faster, 6,000 short ones did): the most queries a job takes, each two words
    const PER_JOB = 10_000;
    const pairs = (count: number) => queries(count).map((q) => `${q}${queries(1)[0]}`);
    const batch = await d.map('closest', [pairs(PER_JOB), pairs(PER_JOB)].map((q) => ({ corpus: ref.id, queries: q })), { require: WORKERS.require });
    const batchDone = d.join(batch, { timeoutMs: 300_000 });
    // queued behind it: a small job that completes, and one that fails on the worker
    const [good] = await d.map('closest', [{ corpus: ref.id, queries: ['helo', 'wrold'], n: 3 }], { require: WORKERS.require });
    const badId = randomUUID();
    const q = new Queue(WORKERS.queue, { connection: { host: '127.0.0.1', port: redis.port }, prefix });
    await q.add('closest', { v: PROTOCOL_VERSION, kernel: 1, require: WORKERS.require, task: 'closest', args: { corpus: ref.id, queries: ['a'], metric: 'levenshtein', minScore: 0.5 } }, { jobId: badId });
    await q.close();

    // The main page, reloaded while the batch runs: the progress it shows moves.
    const seen = new Set<string>();
    let finished = false;
    const end = () => (finished = true);
    batchDone.then(end, end);
    let shot = false;
    while (!finished) {
      await page.goto(`${base}?refresh=60`); // no refresh of its own under our feet
      const cells = await page.$$eval('#workers td[data-field="current"] [data-field="progress"]', (els) => els.map((e) => e.textContent ?? ''));
      for (const c of cells) seen.add(c);
      if (!shot && cells.length === 2) {
        // both workers busy, each with its job's progress: the README's picture
        await page.screenshot({ path: join(OUTPUT, 'dashboard.png') });
        shot = true;
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    await batchDone;
    const values = [...seen].map((s) => /^(\d+)\/(\d+)/.exec(s)!).map((m) => ({ done: Number(m[1]), total: Number(m[2]) }));
    expect(values.length).toBeGreaterThanOrEqual(2);
    expect(values.every((v) => v.total === PER_JOB && v.done > 0 && v.done < v.total)).toBe(true);
    expect(new Set(values.map((v) => v.done)).size).toBeGreaterThanOrEqual(2);

    // the finished job: its matches as words
    await d.result(good);
    await page.goto(`${base}jobs/${good}`);
    expect(await page.textContent('td[data-field="state"]')).toBe('completed');
    const result = await page.textContent('#result');
    expect(result).toContain('hello');
    expect(result).toContain('world');

    // the failed one: the message and the worker's stack
    await until('the bad job failed', async () => (await d.status(`${WORKERS.queue}/${badId}`)) === 'failed');
    await page.goto(`${base}jobs/${WORKERS.queue}/${badId}`);
    expect(await page.textContent('td[data-field="state"]')).toBe('failed');
    expect(await page.textContent('[data-field="error"]')).toMatch(/minScore is for similarity metrics/);
    const stack = (await page.textContent('#stack')) ?? '';
    expect(stack).toMatch(/minScore is for similarity metrics/);
    expect(stack).toMatch(/\n\s+at /); // frames from the worker
    expect(await page.textContent('td[data-field="worker"]')).toMatch(new RegExp((await d.workers()).map((w) => w.id).join('|')));

    // the queues in bull-board, every job counted
    await page.goto(`${base}queues`);
    await page.waitForSelector(`text=${WORKERS.queue}`, { timeout: 30_000 });
    expect(await page.textContent('body')).toContain(WORKERS.queue);

    expect(shot).toBe(true);
    expect(statSync(join(OUTPUT, 'dashboard.png')).size).toBeGreaterThan(5_000);
  });
});
