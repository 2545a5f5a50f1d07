// Progress of long jobs: reported by real worker processes through BullMQ, read back by the
// client (status, onProgress over a batch, results in completion order), counted in the worker's
// record, and streamed by the CLI's --jsonl. The embedded dispatcher gives the same API.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Corpus } from '../src/corpus.js';
import { connect, LocalDispatcher, type BatchProgress, type Dispatcher, type Progress } from '../src/dispatch/index.js';
import { PROGRESS_CHUNK, PROTOCOL_VERSION } from '../src/tasks.js';
import { CLI, WORKERS, spawnWorker, startRedis, uniquePrefix, until, type TestRedis, type WorkerProcess } from './helpers/redis.js';

// A deterministic corpus and query list: words of 3-9 letters from a small alphabet.
function words(count: number, seed: number): string[] {
  let x = seed;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  return Array.from({ length: count }, () => {
    const len = 3 + (next() % 7);
    let w = '';
    for (let i = 0; i < len; i++) w += 'abcdefghijklmnop'[next() % 16];
    return w;
  });
}
const corpus = Corpus.from(words(3_000, 1));
const QUERIES = 2_000; // 7 full chunks of 256 reported, the last 208 end the job
const queries = words(QUERIES, 2);
const reportsPerJob = Math.ceil(QUERIES / PROGRESS_CHUNK) - 1;

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe('progress through Redis, with a worker reporting every chunk', () => {
  const prefix = uniquePrefix('progress');
  let d: Dispatcher;
  let worker: WorkerProcess;
  const require = WORKERS.require;
  beforeAll(async () => {
    worker = spawnWorker(redis.url, prefix, WORKERS.env, ['--progress-ms', '0']);
    d = connect({ redis: redis.url, prefix });
    await until('a live worker', async () => (await d.workers()).length === 1);
  }, 30_000);
  afterAll(async () => {
    await d?.close();
    expect(await worker.stop()).toBe(0);
  });

  it('join reports the batch moving, then whole; status keeps the last report', async () => {
    const ref = await d.putCorpus(corpus);
    const id = await d.call('closest', { corpus: ref.id, queries, n: 3 }, { require });
    const reports: BatchProgress[] = [];
    const [result] = await d.join<'closest'>([id], { onProgress: (p) => reports.push(p) });
    expect(result).toEqual(await corpus.closestMany(queries, { n: 3 }));
    // one report per full chunk but the last, then the job's end
    expect(reports.map((r) => r.done)).toEqual([...Array.from({ length: reportsPerJob }, (_, i) => (i + 1) * PROGRESS_CHUNK), QUERIES]);
    expect(reports.every((r) => r.total === QUERIES && r.jobs === 1 && r.id === id)).toBe(true);
    expect(reports.map((r) => r.finished)).toEqual([...Array(reportsPerJob).fill(0), 1]);
    const state = await d.status(id, { progress: true });
    expect(state.status).toBe('completed');
    expect(state.progress).toMatchObject({ done: reportsPerJob * PROGRESS_CHUNK, total: QUERIES });
    expect(state.progress?.worker).toBe((await d.workers())[0].id);
    expect(await d.status(id)).toBe('completed'); // the plain form is unchanged
  });

  it('result(id, { onProgress }) gets the reports of one job', async () => {
    const ref = await d.putCorpus(corpus);
    const id = await d.call('closest', { corpus: ref.id, queries, n: 1 }, { require });
    const seen: Progress[] = [];
    await d.result(id, { onProgress: (p) => seen.push(p) });
    expect(seen).toHaveLength(reportsPerJob);
    expect(seen.at(-1)).toMatchObject({ done: reportsPerJob * PROGRESS_CHUNK, total: QUERIES });
  });

  it('each() yields every job as it finishes, failures included', async () => {
    const ref = await d.putCorpus(corpus);
    const argsList = [queries.slice(0, 300), queries.slice(300, 310), queries.slice(310, 900)].map((q) => ({ corpus: ref.id, queries: q, n: 2 }));
    const ids = await d.map('closest', argsList, { require });
    const seen: number[] = [];
    let last: BatchProgress | undefined;
    for await (const r of d.each<'closest'>(ids, { onProgress: (p) => (last = p) })) {
      expect(r.status).toBe('fulfilled');
      expect(r.id).toBe(ids[r.index]);
      if (r.status === 'fulfilled') expect(r.value).toEqual(await corpus.closestMany(argsList[r.index].queries, { n: 2 }));
      seen.push(r.index);
    }
    expect(seen.sort()).toEqual([0, 1, 2]);
    expect(last).toMatchObject({ done: 900, total: 900, finished: 3, jobs: 3 });
  });

  it("the worker's record counts finished and failed jobs", async () => {
    const before = { failed: 0 };
    const q = new Queue(WORKERS.queue, { connection: { host: '127.0.0.1', port: redis.port }, prefix });
    try {
      await q.add('closest', { v: PROTOCOL_VERSION, kernel: 1, require, task: 'closest', args: { corpus: 'nope' } });
    } finally {
      await q.close();
    }
    const after = await until('the failure counted (next heartbeat)', async () => {
      const w = (await d.workers())[0];
      return w.jobs!.failed > before.failed ? w : undefined;
    });
    expect(after.jobs!.failed).toBe(before.failed + 1);
    // the jobs of the tests above: 1 + 1 + 3
    expect(after.jobs!.completed).toBe(5);
    expect(after.current).toEqual([]);
  });

  it('strdist closest --redis --jsonl streams one line per query', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strdist-jsonl-'));
    try {
      const words = corpus.words.slice(0, 1_000);
      writeFileSync(join(dir, 'corpus.txt'), words.join('\n') + '\n');
      const qs = queries.slice(0, 600);
      writeFileSync(join(dir, 'queries.txt'), qs.join('\n') + '\n');
      const args = [CLI, 'closest', '--redis', redis.url, '--prefix', prefix, '--require', require, '-c', join(dir, 'corpus.txt'), '--queries', join(dir, 'queries.txt'), '-n', '2', '--jsonl'];
      const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (b: Buffer) => (stdout += b));
        child.stderr.on('data', (b: Buffer) => (stderr += b));
        child.on('exit', (code) => resolve({ code, stdout, stderr }));
      });
      expect(out.stderr).toBe(''); // no bar: stderr is not a terminal
      expect(out.code).toBe(0);
      const lines = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as { position: number; query: string; matches: unknown[] });
      expect(lines).toHaveLength(qs.length);
      lines.sort((a, b) => a.position - b.position);
      const expected = await Corpus.from(words).closestMany(qs, { n: 2 });
      lines.forEach((l, i) => {
        expect(l.position).toBe(i);
        expect(l.query).toBe(qs[i]);
        expect(l.matches).toEqual(expected[i].map(({ word, score, index }) => ({ word, score, index })));
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  // last: a corpus once stored in shards is searched in shards from then on
  it('a sharded search reports over its shards', async () => {
    const ref = await d.putCorpus(corpus, { shards: 2 });
    const id = await d.call('closest', { corpus: ref.id, queries, n: 3 }, { require });
    const reports: BatchProgress[] = [];
    const [result] = await d.join<'closest'>([id], { onProgress: (p) => reports.push(p) });
    expect(result).toEqual(await corpus.closestMany(queries, { n: 3 }));
    const during = reports.filter((r) => r.finished === 0);
    expect(during).toHaveLength(2 * reportsPerJob);
    expect(during.map((r) => r.done)).toEqual([...during.map((r) => r.done)].sort((a, b) => a - b));
    // in the job's own queries: the shards' sum, halved
    expect(during.at(-1)!.done).toBe(reportsPerJob * PROGRESS_CHUNK);
    expect(during.every((r) => r.total === QUERIES)).toBe(true);
    expect(reports.at(-1)).toMatchObject({ done: QUERIES, total: QUERIES, finished: 1 });
  });

});

describe('progress on the embedded dispatcher', () => {
  it('reports every chunk, over shards too, and in status', async () => {
    const d = new LocalDispatcher();
    try {
      for (const shards of [1, 3]) {
        const ref = await d.putCorpus(corpus, { shards });
        const id = await d.call('closest', { corpus: ref.id, queries, n: 2 }, { require: 'any' });
        const reports: BatchProgress[] = [];
        const [r] = await d.join<'closest'>([id], { onProgress: (p) => reports.push(p) });
        expect(r).toEqual(await corpus.closestMany(queries, { n: 2 }));
        const chunks = Math.ceil(QUERIES / PROGRESS_CHUNK);
        expect(reports).toHaveLength(shards * chunks + 1);
        expect(reports.at(-2)).toMatchObject({ done: QUERIES, total: QUERIES, finished: 0 });
        expect(reports.at(-1)).toMatchObject({ done: QUERIES, total: QUERIES, finished: 1 });
        expect(await d.status(id, { progress: true })).toEqual({ status: 'completed', progress: { done: shards * QUERIES, total: shards * QUERIES, worker: expect.any(String) } });
      }
    } finally {
      await d.close();
    }
  });
});
