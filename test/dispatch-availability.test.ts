// The client under Redis faults: every call fails fast and typed, nothing crashes or hangs, a
// job Redis forgot is reported lost, and job ids cannot open connections to arbitrary queues.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Corpus } from '../src/corpus.js';
import {
  connect,
  JobLostError,
  RedisUnavailableError,
  startWorker,
  UnknownJobError,
  type Dispatcher,
  type RunningWorker,
} from '../src/dispatch/index.js';
import { startProxy, type RedisProxy } from './helpers/proxy.js';
import { fakeWorker, freePort, startRedis, uniquePrefix, until, type TestRedis } from './helpers/redis.js';

const CHILD = resolve(__dirname, 'helpers', 'unavailable-child.mjs');
const CALLS = ['result', 'join', 'status', 'call', 'map', 'putCorpus', 'workers', 'cancel', 'kill', 'deleteCorpus', 'fetchCorpus'];

/** Runs the handler-less client child through a Redis fault; returns what it printed and its exit code. */
async function childThrough(redis: TestRedis, stop: () => Promise<void> | void, start: () => Promise<void> | void) {
  const child = spawn(process.execPath, [CHILD, redis.url, uniquePrefix('child')], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => (await lines.next()).value as string | undefined;
  expect(await next()).toBe('ready');
  await stop();
  child.stdin.write('stopped\n');
  const calls = JSON.parse((await next()) ?? '{}') as Record<string, { code?: string; ms: number; message?: string }>;
  await start();
  child.stdin.write('started\n');
  const back = JSON.parse((await next()) ?? '{}') as { back: boolean; ms: number };
  child.stdin.end();
  return { calls, back, code: await exited, stderr };
}

describe('with Redis down (killed), in a client process without handlers', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis({ own: true });
  });
  afterAll(async () => redis?.stop());

  it('every call rejects with RedisUnavailableError within 2 s, the process lives, and works again when Redis is back', async () => {
    const { calls, back, code, stderr } = await childThrough(
      redis,
      () => redis.pause!(),
      () => redis.resume!(),
    );
    for (const name of [...CALLS, 'waiting']) {
      expect(calls[name], name).toMatchObject({ code: 'ERR_STRDIST_REDIS_UNAVAILABLE' });
      expect(calls[name].ms, name).toBeLessThan(2_000);
    }
    expect(calls.status.message).toMatch(/^Redis at 127\.0\.0\.1:\d+ is not reachable/);
    expect(back.back).toBe(true);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 60_000);
});

describe('with Redis hung (SIGSTOP), in a client process without handlers', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis({ own: true });
  });
  afterAll(async () => redis?.stop());

  it('every call rejects with RedisUnavailableError within 2 s, and works again after SIGCONT', async () => {
    const { calls, back, code, stderr } = await childThrough(
      redis,
      () => redis.signal!('SIGSTOP'),
      () => redis.signal!('SIGCONT'),
    );
    for (const name of [...CALLS, 'waiting']) {
      expect(calls[name], name).toMatchObject({ code: 'ERR_STRDIST_REDIS_UNAVAILABLE' });
      expect(calls[name].ms, name).toBeLessThan(2_000);
    }
    expect(back.back).toBe(true);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 60_000);
});

describe('with no Redis at all', () => {
  it('the first result() of a process rejects within its bound, not after timeoutMs, and not never', async () => {
    const d = connect({ redis: `redis://127.0.0.1:${await freePort()}`, prefix: uniquePrefix('none') });
    try {
      const started = Date.now();
      const err = await d.result(`native-v1/${randomUUID()}`, { timeoutMs: 3_000 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RedisUnavailableError);
      expect(Date.now() - started).toBeLessThan(2_000);
      await expect(d.workers()).rejects.toThrow(RedisUnavailableError);
    } finally {
      await d.close();
    }
  });

  it('a short timeoutMs still wins: JobTimeoutError, armed before anything is awaited', async () => {
    const d = connect({ redis: `redis://127.0.0.1:${await freePort()}`, prefix: uniquePrefix('none') });
    try {
      const started = Date.now();
      await expect(d.result(`native-v1/${randomUUID()}`, { timeoutMs: 200 })).rejects.toThrow(/did not finish within 200 ms/);
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      await d.close();
    }
  });
});

describe('Redis restarted without persistence while a job waits', () => {
  let redis: TestRedis;
  let d: Dispatcher;
  beforeAll(async () => {
    redis = await startRedis({ own: true });
  });
  afterAll(async () => {
    await d?.close();
    await redis?.stop();
  });

  it('the job is reported lost (JobLostError), by result() and status(), not as a timeout', async () => {
    const prefix = uniquePrefix('lost');
    d = connect({ redis: redis.url, prefix });
    const ref = await d.putCorpus(Corpus.from(['a', 'b']));
    // a fake live worker record, so the job can be queued (and then waits: nobody serves it)
    await fakeWorker(redis.url, prefix, 'native-v1', 'native');
    const id = await d.call('closest', { corpus: ref.id, queries: ['a'] });
    expect(await d.status(id)).toBe('waiting');
    const waiting = d.result(id, { timeoutMs: 30_000 }).catch((e: unknown) => e);
    await redis.pause!();
    await redis.resume!();
    // the waiting result() may see Redis away first; a second look after it is back says lost
    let err = await waiting;
    if (err instanceof RedisUnavailableError) err = await d.result(id, { timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobLostError);
    expect((err as JobLostError).code).toBe('ERR_STRDIST_JOB_LOST');
    await until('Redis back for status', async () => (await d.status(id).catch((e: unknown) => e)) instanceof JobLostError);
    // another client, that never queued it, cannot tell: UnknownJobError
    const other = connect({ redis: redis.url, prefix });
    try {
      await expect(other.status(id)).rejects.toThrow(UnknownJobError);
    } finally {
      await other.close();
    }
  }, 60_000);
});

describe('a job queued just as the connection went (Redis ran the add, its reply was lost)', () => {
  let redis: TestRedis;
  let proxy: RedisProxy;
  let worker: RunningWorker;
  let d: Dispatcher;
  const prefix = uniquePrefix('addlost');
  beforeAll(async () => {
    redis = await startRedis({ own: true });
    proxy = await startProxy(redis.port);
    worker = await startWorker({ redis: redis.url, prefix });
    d = connect({ redis: proxy.url, prefix });
  });
  afterAll(async () => {
    await d?.close();
    await worker?.close();
    await proxy?.close();
    await redis?.stop();
  });

  it('call() rejects with RedisUnavailableError naming the job id; result() on it gets the one run, not a second job', async () => {
    const corpus = Corpus.from(['apple', 'apply', 'ample', 'maple']);
    const ref = await d.putCorpus(corpus);
    await d.result(await d.call('closest', { corpus: ref.id, queries: ['appel'] }), { timeoutMs: 10_000 });
    // the add goes to Redis and runs; its reply is dropped, the connection closed, and no new
    // connection is let through until after the call has failed
    const cut = proxy.cutAfter('queued-as-it-went', 100).then(() => (proxy.refusing = true));
    const err = await d.call('closest', { corpus: ref.id, queries: ['queued-as-it-went'], n: 2 }).catch((e: unknown) => e);
    await cut;
    expect(err).toBeInstanceOf(RedisUnavailableError);
    const jobIds = (err as RedisUnavailableError).jobIds!;
    expect(jobIds).toHaveLength(1);
    expect((err as Error).message).toMatch(/1 job may have been queued.*jobIds/);
    proxy.refusing = false;
    const result = await d.result(jobIds[0], { timeoutMs: 10_000 });
    expect(result).toEqual(await corpus.closestMany(['queued-as-it-went'], { n: 2 }));
    // one job with that query in Redis, and it is the one named
    const raw = new Redis(redis.url);
    const queue = jobIds[0].split('/')[0];
    const ids = await raw.zrange(`${prefix}:${queue}:completed`, 0, -1);
    const datas = await Promise.all(ids.map((id) => raw.hget(`${prefix}:${queue}:${id}`, 'data')));
    raw.disconnect();
    const withQuery = ids.filter((_, i) => datas[i]?.includes('queued-as-it-went'));
    expect(withQuery).toEqual([jobIds[0].split('/')[1]]);
  }, 30_000);

  it('a link reset mid-batch (every connection of the client dropped at once, then let back) costs nothing: every result, no error', async () => {
    const words = Array.from({ length: 2000 }, (_, i) => `w${(i * 7919) % 10007}`);
    const corpus = Corpus.from(words);
    const ref = await d.putCorpus(corpus);
    const queries = Array.from({ length: 500 }, (_, i) => `w${i * 31}`);
    const ids = await d.map('closest', queries.map((q) => ({ corpus: ref.id, queries: [q], n: 3, metric: 'levenshtein' as const })));
    const pending = d.join<'closest'>(ids, { timeoutMs: 20_000 });
    expect(await d.status(ids.at(-1)!)).not.toBe('completed'); // mid-batch
    proxy.dropAll();
    const results = await pending;
    expect(results.map((r) => r[0])).toEqual(await corpus.closestMany(queries, { n: 3, metric: 'levenshtein' }));
  }, 30_000);

  it('a call whose add never went out names no jobs', async () => {
    proxy.refusing = true;
    proxy.dropAll();
    try {
      const err = await d.call('closest', { corpus: `v2-sha256:${'c'.repeat(64)}`, queries: ['x'] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RedisUnavailableError);
      expect((err as RedisUnavailableError).jobIds).toBeUndefined();
    } finally {
      proxy.refusing = false;
    }
  }, 30_000);
});

describe('job ids name only the queues of this version', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis({ own: true });
  });
  afterAll(async () => redis?.stop());

  it('200 bogus queue names open no connections: every call is UnknownJobError, the client count stays bounded', async () => {
    const d = connect({ redis: redis.url, prefix: uniquePrefix('bogus') });
    const raw = new Redis(redis.url);
    const clients = async () => (await raw.client('LIST')).trim().split('\n').length;
    try {
      await d.workers();
      const before = await clients();
      for (let i = 0; i < 200; i++) {
        const id = `x${i}/${randomUUID()}`;
        await expect(d.status(id)).rejects.toThrow(UnknownJobError);
        await expect(d.result(id, { timeoutMs: 1_000 })).rejects.toThrow(UnknownJobError);
        await expect(d.cancel(id)).rejects.toThrow(UnknownJobError);
      }
      await expect(d.status('native-v1/not-a-uuid')).rejects.toThrow(UnknownJobError);
      await expect(d.status('native-v0/' + randomUUID())).rejects.toThrow(UnknownJobError);
      // the real queues cost at most one blocking connection each, whatever the ids
      await d.result(`native-v1/${randomUUID()}`, { timeoutMs: 2_000 }).catch(() => {});
      await d.result(`any-v1/${randomUUID()}`, { timeoutMs: 2_000 }).catch(() => {});
      expect((await clients()) - before).toBeLessThanOrEqual(2);
    } finally {
      raw.disconnect();
      await d.close();
    }
  });
});
