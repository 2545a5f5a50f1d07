// Dispatch under faults, with real processes: a worker killed with SIGKILL mid-batch, and Redis
// (AOF on) restarted mid-batch. Every job must complete exactly once with correct results.
import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Corpus } from '../src/corpus.js';
import { connect, RedisUnavailableError, type Dispatcher } from '../src/dispatch/index.js';
import { NATIVE, spawnWorker, startRedis, uniquePrefix, until, type TestRedis, type WorkerProcess } from './helpers/redis.js';

// Each job searches a corpus big enough to take a few milliseconds.
const words = Array.from({ length: 20_000 }, (_, i) => `${(i * 2654435761) % 1_000_003}`.padStart(7, 'x') + 'abcdefg'[i % 7]);
const corpus = Corpus.from(words);
const queryOf = (i: number) => `${(i * 7919) % 1_000_003}`.padStart(7, 'y');

/** A redis-server, two native worker processes and a client, for one describe block. */
function cluster(name: string, options: { aof?: boolean } = {}) {
  const c = { redis: undefined as unknown as TestRedis, d: undefined as unknown as Dispatcher, prefix: uniquePrefix(name), workers: [] as WorkerProcess[] };
  beforeAll(async () => {
    c.redis = await startRedis(options);
    c.workers.push(spawnWorker(c.redis.url, c.prefix, NATIVE), spawnWorker(c.redis.url, c.prefix, NATIVE));
    c.d = connect({ redis: c.redis.url, prefix: c.prefix });
    await until('2 workers', async () => (await c.d.workers()).length === 2);
  }, 30_000);
  afterAll(async () => {
    await c.d?.close();
    await Promise.all(c.workers.map((w) => w.stop('SIGKILL')));
    await c.redis?.stop();
  });
  return c;
}

async function expected(count: number) {
  return corpus.closestMany(Array.from({ length: count }, (_, i) => queryOf(i)), { n: 3, metric: 'levenshtein' });
}

describe('a worker killed with SIGKILL mid-batch', () => {
  const c = cluster('kill9');

  it('every one of 600 jobs completes exactly once, correctly, within 30 s of the kill', async () => {
    const { d, redis, prefix, workers } = c;
    const count = 600;
    const ref = await d.putCorpus(corpus);
    const events = new QueueEvents('native-v1', { connection: { host: '127.0.0.1', port: redis.port }, prefix });
    const completions = new Map<string, number>();
    events.on('completed', ({ jobId }) => completions.set(jobId, (completions.get(jobId) ?? 0) + 1));
    await events.waitUntilReady();
    try {
      const ids = await d.map(
        'closest',
        Array.from({ length: count }, (_, i) => ({ corpus: ref.id, queries: [queryOf(i)], n: 3, metric: 'levenshtein' as const })),
      );
      await until('a quarter of the jobs done', async () => completions.size >= count / 4, 60_000);
      const killedAt = Date.now();
      workers[0].child.kill('SIGKILL');
      const results = await d.join<'closest'>(ids, { timeoutMs: 60_000 });
      const recovery = Date.now() - killedAt;
      const want = await expected(count);
      expect(results.map((r) => r[0])).toEqual(want);
      await until('all completion events', async () => completions.size === count, 5_000);
      expect([...completions.values()].every((n) => n === 1)).toBe(true); // exactly once
      for (const id of ids) expect(await d.status(id)).toBe('completed');
      expect(recovery).toBeLessThan(30_000);
      console.log(`kill -9 recovery: batch finished ${recovery} ms after the kill`);
    } finally {
      await events.close();
    }
  }, 120_000);
});

describe('Redis restarted mid-batch (AOF on)', () => {
  const c = cluster('restart', { aof: true });

  it('the batch completes with correct results, and calls fail fast while Redis is down', async () => {
    const { d, redis } = c;
    const count = 300;
    const ref = await d.putCorpus(corpus);
    const ids = await d.map(
      'closest',
      Array.from({ length: count }, (_, i) => ({ corpus: ref.id, queries: [queryOf(i)], n: 3, metric: 'levenshtein' as const })),
    );
    const pending = d.join<'closest'>(ids, { timeoutMs: 90_000 });
    await until('some jobs done', async () => (await d.status(ids[40])) === 'completed', 60_000);
    await redis.pause!();
    const started = Date.now();
    const err = await d.call('closest', { corpus: ref.id, queries: ['x'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisUnavailableError);
    expect((err as Error).message).toMatch(/^Redis at 127\.0\.0\.1:\d+ is not reachable/);
    expect(Date.now() - started).toBeLessThan(5_000);
    await new Promise((r) => setTimeout(r, 500));
    await redis.resume!();
    const results = await pending;
    expect(results.map((r) => r[0])).toEqual(await expected(count));
    // and new work goes through after the restart
    const after = await d.call('closest', { corpus: ref.id, queries: [queryOf(1)], n: 3, metric: 'levenshtein' });
    expect(await d.result(after, { timeoutMs: 30_000 })).toEqual(await corpus.closestMany([queryOf(1)], { n: 3, metric: 'levenshtein' }));
  }, 150_000);
});
