// The BullMQ dispatcher against a real redis-server and real worker processes.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Corpus } from '../src/corpus.js';
import {
  connect,
  NoCapableWorkerError,
  RemoteJobError,
  type Dispatcher,
} from '../src/dispatch/index.js';
import { gzipSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { PROTOCOL_VERSION } from '../src/tasks.js';
import { corpus, dispatcherSuite } from './helpers/dispatch-suite.js';
import { WORKERS, spawnWorker, startRedis, uniquePrefix, until, type TestRedis, type WorkerProcess } from './helpers/redis.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

async function withWorkers(d: Dispatcher, n: number) {
  return until(`${n} live workers`, async () => ((await d.workers()).length >= n ? true : undefined));
}

describe(`BullMQ dispatcher with two ${WORKERS.backend} worker processes`, () => {
  const prefix = uniquePrefix('api');
  let d: Dispatcher;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    workers.push(spawnWorker(redis.url, prefix, WORKERS.env), spawnWorker(redis.url, prefix, WORKERS.env));
    d = connect({ redis: redis.url, prefix });
    await withWorkers(d, 2);
  }, 30_000);
  afterAll(async () => {
    await d?.close();
    const codes = await Promise.all(workers.map((w) => w.stop()));
    expect(codes).toEqual([0, 0]); // graceful shutdown on SIGTERM
  });

  it('is the redis kind', () => expect(d.kind).toBe('redis'));
  dispatcherSuite(() => d, WORKERS.require);
  const require = WORKERS.require;

  it('publishes capability records that expire with the worker', async () => {
    const list = await d.workers();
    expect(list).toHaveLength(2);
    for (const w of list) {
      expect(w.backend).toBe(WORKERS.backend);
      expect(w.queues).toEqual(WORKERS.queues);
      expect(w.kernelVersion).toBe(1);
      if (WORKERS.backend === 'native') {
        expect(w.binary?.sha256).toMatch(/^[0-9a-f]{64}$/);
        expect(w.napiVersion).toBeGreaterThan(0);
      } else {
        // a worker on an install without the addon publishes why, and how to get it
        expect(w.binary ?? null).toBeNull();
        expect(w.nativeUnavailable).toMatch(/npm rebuild strdist/);
      }
    }
  });

  it('a payload sent around the client checks fails at once, is not retried, and the worker keeps serving', async () => {
    const ref = await d.putCorpus(corpus);
    const q = new Queue(WORKERS.queue, { connection: { host: '127.0.0.1', port: redis.port }, prefix });
    try {
      const base = { v: PROTOCOL_VERSION, kernel: 1, require };
      const args = { corpus: ref.id, queries: ['a'] };
      const bad: [object, RegExp][] = [
        [{ ...base, task: 'rm -rf', args: {} }, /unknown task "rm -rf"/],
        [{ ...base, task: 'closest', args: { ...args, queries: 'not an array' } }, /bad arguments for task closest: queries/],
        [{ ...base, task: 'closest', args: { ...args, corpus: 'v2-sha256:' + 'f'.repeat(64) } }, /unknown corpus v2-sha256:ffff/],
        [{ ...base, task: 'closest', args: { ...args, queries: Array.from({ length: 10_001 }, () => 'a') } }, /at most 10000 queries/],
        [{ ...base, task: 'closest', args: { ...args, metric: 'levenshtein', minScore: 0.5 } }, /minScore is for similarity metrics/],
        [{ ...base, task: 'closest', args: { ...args, indexOffset: 5 } }, /indexOffset/],
        [{ task: 'closest', args, require }, /job protocol version \(none: strdist before 0\.2\), but this worker \(strdist [\d.]+\) speaks protocol version 2/],
        [{ ...base, v: 99, task: 'closest', args }, /job protocol version 99, but this worker \(strdist [\d.]+\) speaks protocol version 2/],
        [{ ...base, kernel: 7, task: 'closest', args }, /job queued for kernel version 7, but this worker runs kernel version 1/],
      ];
      for (const [data, message] of bad) {
        const job = await q.add('closest', data, { jobId: randomUUID(), attempts: 3, backoff: { type: 'fixed', delay: 10 } });
        const id = `${WORKERS.queue}/${job.id}`;
        const err = await d.result(id, { timeoutMs: 10_000 }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(RemoteJobError);
        expect((err as RemoteJobError).attempts).toBe(1); // UnrecoverableError: never retried
        expect((err as Error).message).toMatch(message);
      }
      const ok = await d.call('closest', { corpus: ref.id, queries: ['bagel'], n: 1 }, { require });
      expect(await d.result(ok, { timeoutMs: 10_000 })).toEqual(await corpus.closestMany(['bagel'], { n: 1 }));
    } finally {
      await q.close();
    }
  });

  it("a corrupt corpus fails the job at once (no retry), as RemoteJobError with the worker's stack", async () => {
    // a corpus whose stored words do not hash to its id: the worker refuses it
    const c = Corpus.from(['tampered', 'list']);
    const ref = await d.putCorpus(c);
    const raw = new Redis(redis.url);
    await raw.set(`${prefix}:corpus:${ref.id}`, gzipSync(JSON.stringify({ words: ['other', 'words'] })));
    raw.disconnect();
    const id = await d.call('closest', { corpus: ref.id, queries: ['x'] }, { attempts: 2, require });
    const err = (await d.result(id, { timeoutMs: 20_000 }).catch((e: unknown) => e)) as RemoteJobError;
    expect(err).toBeInstanceOf(RemoteJobError);
    expect(err.message).toMatch(/failed its hash check/);
    expect(err.workerId).toMatch(/-\d+-[0-9a-f]{8}$/);
    expect(err.remoteStack).toMatch(/decodeCorpus/);
    expect(err.attempts).toBe(1);
    expect(await d.status(id)).toBe('failed');
  });

  it("a failed shard fails the whole flow with the shard's error, at once", async () => {
    const c = Corpus.from(Array.from({ length: 90 }, (_, i) => `word${i}`));
    const ref = await d.putCorpus(c, { shards: 3 });
    const raw = new Redis(redis.url);
    const manifest = JSON.parse((await raw.get(`${prefix}:shards:${ref.id}`))!) as { shards: { id: string }[] };
    await raw.set(`${prefix}:shards:${ref.id}:${manifest.shards[1].id}`, gzipSync(JSON.stringify({ words: ['not', 'the', 'shard'] })));
    raw.disconnect();
    const started = Date.now();
    const id = await d.call('closest', { corpus: ref.id, queries: ['word7'] }, { attempts: 1, require });
    const err = (await d.result(id, { timeoutMs: 20_000 }).catch((e: unknown) => e)) as RemoteJobError;
    expect(err).toBeInstanceOf(RemoteJobError);
    expect(err.message).toMatch(/failed its hash check/);
    expect(err.remoteStack).toMatch(/decodeCorpus/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await d.status(id)).toBe('failed');
  });

  it('results travel compactly (positions and scores, no words), the event stream is trimmed, job data is capped', async () => {
    const ref = await d.putCorpus(corpus);
    const id = await d.call('closest', { corpus: ref.id, queries: ['bagel', 'chese'], n: 3 }, { require });
    expect(await d.result(id, { timeoutMs: 20_000 })).toEqual(await corpus.closestMany(['bagel', 'chese'], { n: 3 }));
    const raw = new Redis(redis.url);
    try {
      const stored = JSON.parse((await raw.hget(`${prefix}:${WORKERS.queue}:${id.split('/')[1]}`, 'returnvalue'))!) as Record<string, unknown>;
      expect(Object.keys(stored).sort()).toEqual(['corpus', 'counts', 'indices', 'scores', 'v', 'worker']);
      expect(JSON.stringify(stored)).not.toMatch(/bagel/);
      // the bound holds even after a foreign BullMQ Queue (the test's, above) reset it to 10,000
      await until('the event stream bound', async () => (await raw.hget(`${prefix}:${WORKERS.queue}:meta`, 'opts.maxLenEvents')) === '2000', 5_000);
    } finally {
      raw.disconnect();
    }
    // 5,000 queries of 1,000 units: within the query limits, over the job-data limit
    const big = Array.from({ length: 5_000 }, (_, i) => `${i}`.padEnd(1_000, 'x'));
    await expect(d.call('closest', { corpus: ref.id, queries: big, n: 1 }, { require })).rejects.toThrow(
      /bad arguments for task closest: the job data is \d+ bytes, at most 4194304; split the queries with map\(\)/,
    );
  });

  it('a malformed or foreign record in the worker registry is ignored, not fatal', async () => {
    const raw = new Redis(redis.url);
    try {
      const until = Date.now() + 60_000;
      await raw.zadd(`${prefix}:workers`, until, 'junk', until, 'foreign');
      await raw.hset(`${prefix}:workers:records`, 'junk', '{not json', 'foreign', JSON.stringify({ id: 'foreign', hello: 1 }));
      const list = await d.workers();
      expect(list.map((w) => w.id)).not.toContain('junk');
      expect(list.map((w) => w.id)).not.toContain('foreign');
      expect(list).toHaveLength(2);
      const ok = await d.call('closest', { corpus: (await d.putCorpus(corpus)).id, queries: ['bagel'], n: 1 }, { require });
      expect(await d.result(ok, { timeoutMs: 20_000 })).toHaveLength(1);
    } finally {
      await raw.zrem(`${prefix}:workers`, 'junk', 'foreign');
      await raw.hdel(`${prefix}:workers:records`, 'junk', 'foreign');
      raw.disconnect();
    }
  });

  it('results that end before result() asks are kept, bounded; those evicted past the bound are still found', async () => {
    // 1,100 jobs finish before anyone asks: the client keeps the last 1,000 ends it heard of
    // and looks the older ones up, so every result comes back, equal to the local search.
    const ref = await d.putCorpus(corpus);
    const argsList = Array.from({ length: 1_100 }, (_, i) => ({ corpus: ref.id, queries: [corpus.words[i % corpus.size]], n: 2, metric: 'levenshtein' as const }));
    const ids = await d.map('closest', argsList, { require });
    const raw = new Redis(redis.url);
    try {
      const key = (k: string) => `${prefix}:${WORKERS.queue}:${k}`;
      await until('every job ended', async () => {
        const [waiting, active] = await Promise.all([raw.llen(key('wait')), raw.llen(key('active'))]);
        return waiting + active === 0 ? true : (await new Promise((r) => setTimeout(r, 200)), undefined);
      }, 60_000);
    } finally {
      raw.disconnect();
    }
    const results = await d.join(ids, { timeoutMs: 30_000 });
    const local = await corpus.closestMany(argsList.map((a) => a.queries[0]), { n: 2, metric: 'levenshtein' });
    expect(results.map((r) => r[0])).toEqual(local);
  }, 90_000);

  it('a job that ends before its add has returned is delivered by its event, not by the late look', async () => {
    // The add's reply is read late (here: its promise held back 400 ms; in service: a client
    // process descheduled on a busy machine) while the worker runs the job and its end arrives.
    // That end must be kept for result(), which then settles at once; dropped, result() would
    // wait for its one look after LOOK_AFTER_MS (1 s).
    const ref = await d.putCorpus(corpus);
    const { Queue: CjsQueue } = createRequire(import.meta.url)('bullmq') as typeof import('bullmq');
    const add = CjsQueue.prototype.add;
    CjsQueue.prototype.add = async function (this: Queue, ...args: Parameters<Queue['add']>) {
      const job = await add.apply(this, args);
      await new Promise((r) => setTimeout(r, 400));
      return job;
    } as Queue['add'];
    try {
      for (const q of corpus.words.slice(0, 3)) {
        const id = await d.call('closest', { corpus: ref.id, queries: [q], n: 1 }, { require });
        const t0 = Date.now();
        const [matches] = await d.result(id, { timeoutMs: 30_000 });
        expect(Date.now() - t0).toBeLessThan(500);
        expect(matches).toEqual(await corpus.closest(q, { n: 1 }));
      }
    } finally {
      CjsQueue.prototype.add = add;
    }
  });

  it('deletes a corpus', async () => {
    const c = Corpus.from(['to', 'delete']);
    const ref = await d.putCorpus(c);
    await d.deleteCorpus(ref);
    await expect(d.call('closest', { corpus: ref.id, queries: ['a'] }, { require })).rejects.toThrow(/unknown corpus/);
  });
});

describe('routing by capability', () => {
  const prefix = uniquePrefix('routing');
  let d: Dispatcher;
  let js: WorkerProcess;
  beforeAll(async () => {
    js = spawnWorker(redis.url, prefix, { STRDIST_BACKEND: 'js' });
    d = connect({ redis: redis.url, prefix });
    await withWorkers(d, 1);
  }, 30_000);
  afterAll(async () => {
    await d?.close();
    await js?.stop();
  });

  it('a js-backend worker says so in one line and consumes only the "any" queue', async () => {
    const [w] = await d.workers();
    expect(w.backend).toBe('js');
    expect(w.queues).toEqual(['any-v1']);
    const lines = js.stderr().trim().split('\n').map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(lines.some((l) => l.level === 40 && /js backend \(STRDIST_BACKEND=js\); serving "any" jobs only/.test(l.msg))).toBe(true);
  });

  it('with only js workers, require: native throws NoCapableWorkerError at once, naming what is missing', async () => {
    const ref = await d.putCorpus(corpus);
    const started = Date.now();
    const err = await d.call('closest', { corpus: ref.id, queries: ['a'] }, { require: 'native' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoCapableWorkerError);
    expect((err as Error).message).toMatch(/^no live worker with the native kernel v1; 1 worker with the js backend/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('require: any runs on the js worker, with the same results', async () => {
    const ref = await d.putCorpus(corpus);
    const id = await d.call('closest', { corpus: ref.id, queries: ['bagle'], metric: 'levenshtein' }, { require: 'any' });
    expect(await d.result(id, { timeoutMs: 20_000 })).toEqual(await corpus.closestMany(['bagle'], { metric: 'levenshtein' }));
  });

  it('with no workers at all, says how to start one', async () => {
    const other = connect({ redis: redis.url, prefix: uniquePrefix('empty') });
    try {
      const ref = await other.putCorpus(corpus);
      await expect(other.call('closest', { corpus: ref.id, queries: ['a'] }, { require: 'any' })).rejects.toThrow(
        /no live worker at all for kernel v1; start one with `strdist worker --redis URL`/,
      );
    } finally {
      await other.close();
    }
  });

  it('--require-native makes a worker without the native kernel exit non-zero with one clear line', async () => {
    const w = spawnWorker(redis.url, uniquePrefix('reqnative'), { STRDIST_BACKEND: 'js' }, ['--require-native']);
    const code = await new Promise<number | null>((r) => w.child.once('exit', (c) => r(c)));
    expect(code).not.toBe(0);
    expect(w.stderr().trim().split('\n')).toHaveLength(1);
    expect(w.stderr()).toMatch(/native kernel is not in use/);
  });
});
