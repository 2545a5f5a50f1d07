// Dispatch under faults, with real processes and a real redis-server: a worker killed with
// SIGKILL, stopped (SIGSTOP) past its lock, or stopped with SIGTERM mid-job; Redis restarted
// with AOF mid-batch; a lost cancel message; corrupt and oversized corpus keys. Every job
// completes once with correct results (or fails at once, as it must), and the runs are counted.
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Corpus } from '../src/corpus.js';
import {
  connect,
  JobCancelledError,
  RedisUnavailableError,
  RemoteJobError,
  type Dispatcher,
} from '../src/dispatch/index.js';
import type { ClosestResult } from '../src/tasks.js';
import { NATIVE, spawnWorker, startRedis, uniquePrefix, until, type TestRedis, type WorkerProcess } from './helpers/redis.js';
import { startProxy, type RedisProxy } from './helpers/proxy.js';

// Each job searches a corpus big enough to take a few milliseconds.
const words = Array.from({ length: 20_000 }, (_, i) => `${(i * 2654435761) % 1_000_003}`.padStart(7, 'x') + 'abcdefg'[i % 7]);
const corpus = Corpus.from(words);
const queryOf = (i: number) => `${(i * 7919) % 1_000_003}`.padStart(7, 'y');
// A job that runs for seconds: long queries against long words (about 5 ms a query on 2 threads).
const slow = Corpus.from(Array.from({ length: 3000 }, (_, i) => `${'abcdefghij'.repeat(8)}${i}`));
// About 0.6 ms of native search a query on 2 threads here: the jobs below must still be running
// when a worker is stopped under them, so they take seconds (600 queries once did, before the
// Levenshtein lanes made them ~0.4 s and the SIGTERM landed after the job had finished).
const slowQueries = (k: number) => Array.from({ length: k }, (_, i) => `${'jihgfedcba'.repeat(9)}${i}`);

/** A redis-server, worker processes and a client, for one describe block. */
function cluster(name: string, options: { aof?: boolean; workers?: number; args?: string[] } = {}) {
  const c = {
    redis: undefined as unknown as TestRedis,
    d: undefined as unknown as Dispatcher,
    prefix: uniquePrefix(name),
    workers: [] as WorkerProcess[],
    /** How many times each job became active (2 or more: it ran twice). */
    starts: new Map<string, number>(),
    completions: new Map<string, number>(),
    events: undefined as unknown as QueueEvents,
  };
  beforeAll(async () => {
    c.redis = await startRedis({ aof: options.aof, own: true });
    for (let i = 0; i < (options.workers ?? 2); i++) c.workers.push(spawnWorker(c.redis.url, c.prefix, NATIVE, options.args ?? []));
    c.d = connect({ redis: c.redis.url, prefix: c.prefix });
    c.events = new QueueEvents('native-v1', { connection: { host: '127.0.0.1', port: c.redis.port }, prefix: c.prefix });
    c.events.on('error', () => {});
    c.events.on('active', ({ jobId }) => c.starts.set(jobId, (c.starts.get(jobId) ?? 0) + 1));
    c.events.on('completed', ({ jobId }) => c.completions.set(jobId, (c.completions.get(jobId) ?? 0) + 1));
    await c.events.waitUntilReady();
    await until(`${options.workers ?? 2} workers`, async () => (await c.d.workers()).length === (options.workers ?? 2));
  }, 30_000);
  afterAll(async () => {
    await c.events?.close();
    await c.d?.close();
    await Promise.all(c.workers.map((w) => w.stop('SIGKILL')));
    await c.redis?.stop();
  });
  return c;
}

const ranTwice = (starts: Map<string, number>) => [...starts.values()].filter((n) => n > 1).length;

/** join() that rides out Redis being away: a RedisUnavailableError is asked again (the jobs go on). */
async function joinThrough(d: Dispatcher, ids: string[], timeoutMs = 120_000): Promise<{ results: ClosestResult[]; unavailable: number }> {
  const deadline = Date.now() + timeoutMs;
  let unavailable = 0;
  const one = async (id: string): Promise<ClosestResult> => {
    for (;;) {
      try {
        return await d.result<'closest'>(id, { timeoutMs: Math.max(1, deadline - Date.now()) });
      } catch (err) {
        if (!(err instanceof RedisUnavailableError) || Date.now() > deadline) throw err;
        unavailable++;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  };
  return { results: await Promise.all(ids.map(one)), unavailable };
}

async function expected(count: number) {
  return corpus.closestMany(Array.from({ length: count }, (_, i) => queryOf(i)), { n: 3, metric: 'levenshtein' });
}

const batch = (id: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({ corpus: id, queries: [queryOf(i)], n: 3, metric: 'levenshtein' as const }));

describe('a worker killed with SIGKILL mid-batch (lock 5 s)', () => {
  const c = cluster('kill9', { args: ['--lock-duration', '5000'] });

  it('every one of 600 jobs completes once, correctly, within 30 s of the kill', async () => {
    const { d, workers } = c;
    const count = 600;
    const ref = await d.putCorpus(corpus);
    const ids = await d.map('closest', batch(ref.id, count));
    await until('a quarter of the jobs done', async () => c.completions.size >= count / 4, 60_000);
    const killedAt = Date.now();
    workers[0].child.kill('SIGKILL');
    const results = await d.join<'closest'>(ids, { timeoutMs: 60_000 });
    const recovery = Date.now() - killedAt;
    expect(results.map((r) => r[0])).toEqual(await expected(count));
    await until('all completion events', async () => c.completions.size === count, 5_000);
    expect([...c.completions.values()].every((n) => n === 1)).toBe(true); // completed exactly once
    for (const id of ids.slice(0, 20)) expect(await d.status(id)).toBe('completed');
    expect(recovery).toBeLessThan(30_000);
    console.log(`kill -9: batch finished ${recovery} ms after the kill; ${ranTwice(c.starts)} job(s) started twice`);
  }, 120_000);
});

describe('Redis restarted mid-batch (AOF on)', () => {
  const c = cluster('restart', { aof: true });

  it('the batch completes with correct results; calls fail fast while Redis is down and work after', async () => {
    const { d, redis } = c;
    const count = 300;
    const ref = await d.putCorpus(corpus);
    const ids = await d.map('closest', batch(ref.id, count));
    const pending = joinThrough(d, ids);
    await until('some jobs done', async () => c.completions.size >= 40, 60_000);
    await redis.pause!();
    const started = Date.now();
    const err = await d.call('closest', { corpus: ref.id, queries: ['x'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisUnavailableError);
    expect((err as Error).message).toMatch(/^Redis at 127\.0\.0\.1:\d+ is not reachable/);
    expect(Date.now() - started).toBeLessThan(2_000);
    await new Promise((r) => setTimeout(r, 500));
    const downFor = Date.now() - started;
    await redis.resume!();
    const { results, unavailable } = await pending;
    expect(results.map((r) => r[0])).toEqual(await expected(count));
    const after = await d.call('closest', { corpus: ref.id, queries: [queryOf(1)], n: 3, metric: 'levenshtein' });
    expect(await d.result(after, { timeoutMs: 30_000 })).toEqual(await corpus.closestMany([queryOf(1)], { n: 3, metric: 'levenshtein' }));
    console.log(`AOF restart: down ${downFor} ms, ${unavailable} result() calls asked again, ${ranTwice(c.starts)} job(s) started twice`);
  }, 150_000);
});

describe('workers stopped with SIGTERM mid-job', () => {
  const c = cluster('sigterm', { workers: 2 });

  it('the running job goes back to waiting (no attempt used, not a stall), runs on the other worker, and the worker exits 0 promptly', async () => {
    const { d, workers } = c;
    const ref = await d.putCorpus(slow);
    const queries = slowQueries(6000);
    const id = await d.call('closest', { corpus: ref.id, queries, n: 1, metric: 'levenshtein' }, { attempts: 1 });
    const jobId = id.split('/')[1];
    await until('the job running', async () => (await d.status(id)) === 'active');
    await new Promise((r) => setTimeout(r, 300));
    // a rolling restart: stop one, start a new one, stop the other; whichever runs the job hands it back
    const raw = new Redis(c.redis.url);
    const t = Date.now();
    const code = await workers[0].stop('SIGTERM');
    const exitMs = Date.now() - t;
    expect(code).toBe(0);
    expect(exitMs).toBeLessThan(10_000);
    workers.push(spawnWorker(c.redis.url, c.prefix, NATIVE));
    const code2 = await workers[1].stop('SIGTERM');
    expect(code2).toBe(0);
    // attempts: 1, so a stall or a failure would have failed it; it completes instead
    expect(await d.result(id, { timeoutMs: 60_000 })).toEqual(await slow.closestMany(queries, { n: 1, metric: 'levenshtein' }));
    expect(Number(await raw.hget(`${c.prefix}:native-v1:${jobId}`, 'attemptsMade'))).toBeLessThanOrEqual(1);
    expect(await raw.hget(`${c.prefix}:native-v1:${jobId}`, 'stc')).toBeNull(); // never counted as stalled
    raw.disconnect();
    const log = workers[0].stderr() + workers[1].stderr();
    expect(log).toMatch(/handed back to the queue/);
    console.log(`SIGTERM: worker exited in ${exitMs} ms; the job started ${c.starts.get(jobId)} times`);
  }, 120_000);
});

describe('a worker stopped (SIGSTOP) for longer than its lock', () => {
  const c = cluster('stall', { args: ['--lock-duration', '2000'] });

  it('another worker takes the job over; the result is right and completes once', async () => {
    const { d, workers } = c;
    const ref = await d.putCorpus(slow);
    const queries = slowQueries(4000);
    const id = await d.call('closest', { corpus: ref.id, queries, n: 1, metric: 'levenshtein' });
    const jobId = id.split('/')[1];
    await until('the job running', async () => (await d.status(id)) === 'active');
    // the worker running it stops (its event loop blocked, its lock not renewed) past the lock
    const raw = new Redis(c.redis.url);
    const by = await raw.hget(`${c.prefix}:native-v1:${jobId}`, 'pb');
    raw.disconnect();
    const holder = workers.find((w) => by?.includes(`-${w.child.pid}-`))!;
    expect(holder).toBeDefined();
    holder.child.kill('SIGSTOP');
    const stoppedAt = Date.now();
    const result = await d.result(id, { timeoutMs: 60_000 });
    const recovery = Date.now() - stoppedAt;
    holder.child.kill('SIGCONT');
    expect(result).toEqual(await slow.closestMany(queries, { n: 1, metric: 'levenshtein' }));
    await new Promise((r) => setTimeout(r, 3_000)); // the stopped worker wakes and finds its lock gone
    expect(c.completions.get(jobId)).toBe(1);
    expect(c.starts.get(jobId)).toBe(2); // run twice: the price of a stall past the lock
    console.log(`stall: the job finished ${recovery} ms after its worker stopped; started ${c.starts.get(jobId)} times`);
  }, 120_000);
});

describe('cancellation and bad corpus keys', () => {
  // a cache that holds the corpora searched here (the cache counts 4 bytes a UTF-16 unit and 48
  // a word: `slow` about 1.2 MB, `corpus` 1.6 MB), not the oversized and bomb keys below
  const c = cluster('cancel', { workers: 1, args: ['--cache-bytes', '4000000'] });

  it('a cancel whose message is lost still cancels: the mark is read after the run', async () => {
    const { d } = c;
    const ref = await d.putCorpus(slow);
    const id = await d.call('closest', { corpus: ref.id, queries: slowQueries(1000), n: 1, metric: 'levenshtein' });
    await until('the job running', async () => (await d.status(id)) === 'active');
    const raw = new Redis(c.redis.url);
    await raw.set(`${c.prefix}:cancelled:${id}`, '1', 'EX', 60); // the mark, without the message
    raw.disconnect();
    expect(await d.status(id)).toBe('cancelled');
    await expect(d.result(id, { timeoutMs: 60_000 })).rejects.toThrow(JobCancelledError);
    expect(await d.status(id)).toBe('cancelled');
  });

  it('cancelling a sharded search cancels its running shard jobs', async () => {
    const { d } = c;
    const ref = await d.putCorpus(slow, { shards: 3 });
    const id = await d.call('closest', { corpus: ref.id, queries: slowQueries(2000), n: 1, metric: 'levenshtein' });
    await until('a shard running', async () => c.starts.size > 0 && [...c.starts.keys()].some((k) => k.startsWith(id.split('/')[1])));
    const t = Date.now();
    expect(await d.cancel(id)).toBe(true);
    await expect(d.result(id, { timeoutMs: 30_000 })).rejects.toThrow(JobCancelledError);
    // the worker is free again soon (its shard was aborted, the others removed)
    const ok = await d.call('closest', { corpus: (await d.putCorpus(corpus)).id, queries: ['x'], n: 1 });
    expect(await d.result(ok, { timeoutMs: 10_000 })).toHaveLength(1);
    expect(Date.now() - t).toBeLessThan(10_000);
  });

  it('a corrupt corpus key fails the job at once; an oversized and an inflation-bomb one fail it on this worker (its --cache-bytes), after its tries', async () => {
    const { d } = c;
    const raw = new Redis(c.redis.url);
    // over the worker's cache only: retried (a worker with a larger cache could run it), then failed
    const overCache = (why: string) => new RegExp(`does not fit this worker's corpus cache \\(4000000 bytes, --cache-bytes\\): ${why}`);
    const cases: [string, Buffer, RegExp, number][] = [
      ['corrupt', Buffer.from('not gzip at all'), /is not readable/, 1],
      ['oversized', randomBytes(4_200_000), overCache('it is 4200000 bytes stored'), 3],
      ['bomb', gzipSync(JSON.stringify(['x'.repeat(5_000_000)])), overCache('it inflates to more than 4000000 bytes'), 3],
    ];
    try {
      for (const [name, bytes, message, attempts] of cases) {
        const small = Corpus.from([name, `${name}2`]);
        const ref = await d.putCorpus(small);
        await raw.set(`${c.prefix}:corpus:${ref.id}`, bytes);
        const id = await d.call('closest', { corpus: ref.id, queries: ['x'] }, { attempts: 3 });
        const err = (await d.result(id, { timeoutMs: 20_000 }).catch((e: unknown) => e)) as RemoteJobError;
        expect(err, name).toBeInstanceOf(RemoteJobError);
        expect(err.message, name).toMatch(message);
        expect(err.attempts, name).toBe(attempts);
      }
    } finally {
      raw.disconnect();
    }
  });
});

describe('a worker whose connection drops after Redis ran its move to completed, before the reply', () => {
  // BullMQ's move of a job to completed also moves the worker's next job to active, under the
  // worker's lock. With that reply lost (Redis killed, or the link reset, just after it ran the
  // command) the worker never gets the job, and it sat there, locked, until the lock (30 s)
  // expired and the stalled check found it. The worker now hands it back once it reconnects.
  let redis: TestRedis;
  let proxy: RedisProxy;
  let worker: WorkerProcess;
  let d: Dispatcher;
  let events: QueueEvents;
  const prefix = uniquePrefix('lostreply');
  const starts = new Map<string, number>();
  const completions = new Map<string, number>();
  beforeAll(async () => {
    redis = await startRedis({ own: true });
    proxy = await startProxy(redis.port);
    worker = spawnWorker(proxy.url, prefix, NATIVE);
    d = connect({ redis: redis.url, prefix });
    events = new QueueEvents('native-v1', { connection: { host: '127.0.0.1', port: redis.port }, prefix });
    events.on('error', () => {});
    events.on('active', ({ jobId }) => starts.set(jobId, (starts.get(jobId) ?? 0) + 1));
    events.on('completed', ({ jobId }) => completions.set(jobId, (completions.get(jobId) ?? 0) + 1));
    await events.waitUntilReady();
    await until('the worker', async () => (await d.workers()).length === 1);
  }, 30_000);
  afterAll(async () => {
    await events?.close();
    await d?.close();
    await worker?.stop('SIGKILL');
    await proxy?.close();
    await redis?.stop();
  });

  it('the job it was given is handed back at once: the batch ends in seconds, each job completed once (lock 30 s)', async () => {
    const count = 200;
    const ref = await d.putCorpus(corpus);
    const ids = await d.map('closest', batch(ref.id, count));
    await until('some jobs done', async () => completions.size >= 20, 60_000);
    // the worker's next move to completed runs on Redis; its reply is lost with the connection
    await proxy.cutAfter('returnvalue');
    const cutAt = Date.now();
    const results = await d.join<'closest'>(ids, { timeoutMs: 20_000 });
    const recovery = Date.now() - cutAt;
    expect(results.map((r) => r[0])).toEqual(await expected(count));
    await until('all completion events', async () => completions.size === count, 5_000);
    expect([...completions.values()].every((n) => n === 1)).toBe(true);
    expect(worker.stderr()).toMatch(/never received/);
    expect(recovery).toBeLessThan(10_000);
    console.log(`lost reply: the batch finished ${recovery} ms after the cut; ${ranTwice(starts)} job(s) started twice`);
  }, 60_000);

  it('a job the worker is running when its connections drop and come back stays with it: not handed back, run once', async () => {
    const ref = await d.putCorpus(slow);
    const queries = slowQueries(10_000); // seconds of search
    const id = await d.call('closest', { corpus: ref.id, queries, n: 1, metric: 'levenshtein' }, { attempts: 1 });
    const jobId = id.split('/')[1];
    await until('the job running', async () => (await d.status(id)) === 'active');
    const before = worker.stderr().match(/never received/g)?.length ?? 0;
    const droppedAt = Date.now();
    proxy.dropAll(); // every connection of the worker reset; it reconnects at once and looks twice, 1 s apart
    expect(await d.result(id, { timeoutMs: 60_000 })).toEqual(await slow.closestMany(queries, { n: 1, metric: 'levenshtein' }));
    // the job ran past both looks (else this test would not test them)
    expect(Date.now() - droppedAt).toBeGreaterThan(2_500);
    await until('its completion event', async () => completions.get(jobId) === 1, 5_000);
    expect(starts.get(jobId)).toBe(1);
    expect(worker.stderr().match(/never received/g)?.length ?? 0).toBe(before);
  }, 90_000);
});
