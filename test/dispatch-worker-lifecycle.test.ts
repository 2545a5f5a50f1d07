// A worker's start and stop under faults: a job received while it stops goes back to the queue,
// a start that fails half-way leaves nothing running, stopping with Redis away ends, and the
// corpus cache never drops a load still under way.
import { spawn } from 'node:child_process';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Corpus } from '../src/corpus.js';
import { CorpusCache } from '../src/dispatch/cache.js';
import { connect, startWorker, type Dispatcher, type RunningWorker, type WorkerLogger } from '../src/dispatch/index.js';
import { CLI, WORKERS, startRedis, uniquePrefix, until, type TestRedis } from './helpers/redis.js';

function recordingLogger(): WorkerLogger & { lines: string[] } {
  const lines: string[] = [];
  const add = (_: object, message: string) => void lines.push(message);
  return { lines, info: add, warn: add, error: add };
}

describe('the corpus cache', () => {
  it('never drops a load still under way: a second ask for it shares the first load', async () => {
    // stand-ins with what the cache reads of a corpus: 60 bytes each (3 units x 4 + 48)
    const fake = () => ({ size: 1, *[Symbol.iterator]() { yield 'abc'; } }) as unknown as Corpus;
    const cache = new CorpusCache(100);
    let loadsOfA = 0;
    let finishA!: () => void;
    const loadA = () => {
      loadsOfA++;
      return new Promise<Corpus>((resolve) => (finishA = () => resolve(fake())));
    };
    const first = cache.get('A', loadA); // A under way
    await cache.get('B', async () => fake());
    await cache.get('C', async () => fake()); // 120 bytes > 100: B goes, not A
    const second = cache.get('A', loadA);
    expect(loadsOfA).toBe(1);
    finishA();
    expect(await second).toBe(await first);
    await new Promise((r) => setImmediate(r));
    expect(cache.bytes).toBeLessThanOrEqual(120); // A and C (B evicted), one copy of A counted
  });
});

describe('the corpus cache, given corpora in hand (a client\'s putCorpus)', () => {
  it('counts them and drops the least recently used past its budget, never the one just put', async () => {
    const fake = () => ({ size: 1, *[Symbol.iterator]() { yield 'abc'; } }) as unknown as Corpus; // 60 bytes
    const cache = new CorpusCache(130);
    const [a, b, c] = [fake(), fake(), fake()];
    cache.put('A', a);
    cache.put('B', b);
    expect(await cache.get('A', async () => fake())).toBe(a); // A used: B is now the oldest
    cache.put('C', c); // 180 bytes > 130: B goes
    expect(cache.bytes).toBe(120);
    let reloaded = 0;
    await cache.get('B', async () => (reloaded++, fake()));
    expect(reloaded).toBe(1);
    expect(await cache.get('C', async () => fake())).toBe(c);
  });
});

describe('a worker stopping while its next job is on the way', () => {
  let redis: TestRedis;
  let d: Dispatcher;
  let admin: Redis;
  beforeAll(async () => {
    redis = await startRedis({ own: true }); // CLIENT PAUSE stops the whole server
    admin = new Redis(redis.url);
  });
  afterAll(async () => {
    await d?.close();
    admin?.disconnect();
    await redis?.stop();
  });

  it('a job that reaches the processor after close() began is handed back, not run', async () => {
    const prefix = uniquePrefix('closing');
    const logger = recordingLogger();
    const worker = await startWorker({ redis: redis.url, prefix, threads: 1, logger });
    d = connect({ redis: redis.url, prefix });
    const words = Array.from({ length: 200_000 }, (_, i) => `w${((i * 2654435761) >>> 0).toString(36)}`);
    const ref = await d.putCorpus(Corpus.from(words));
    const require = WORKERS.require;
    await d.result(await d.call('closest', { corpus: ref.id, queries: ['x'], n: 1 }, { require }), { timeoutMs: 60_000 });
    const queries = (n: number) => Array.from({ length: n }, (_, i) => `q${i}xyzab`);
    const a = await d.call('closest', { corpus: ref.id, queries: queries(300), n: 1, metric: 'levenshtein' }, { require });
    const b = await d.call('closest', { corpus: ref.id, queries: queries(8000), n: 1, metric: 'levenshtein' }, { require });
    await until('A running', async () => worker.info.current!.length === 1 || undefined, 30_000);
    // A's move to completed (which also fetches B) waits on the paused server; close() begins
    // while it does, so B arrives at the processor after the running jobs were stopped
    await admin.call('CLIENT', 'PAUSE', '1500', 'WRITE');
    await until('A done searching', async () => worker.info.current!.length === 0 || undefined, 30_000);
    const t0 = Date.now();
    await worker.close();
    const closeMs = Date.now() - t0;
    expect(await d.status(a)).toBe('completed');
    expect(await d.status(b)).toBe('waiting');
    expect(logger.lines.some((l) => /received while shutting down handed back/.test(l))).toBe(true);
    expect(closeMs).toBeLessThan(5_000); // not B's whole search
  }, 120_000);
});

describe('a worker whose start fails half-way (a Redis user without the routing channel)', () => {
  const prefix = uniquePrefix('halfstart');
  let redis: TestRedis;
  let admin: Redis;
  let url: string;
  beforeAll(async () => {
    redis = await startRedis({ own: true }); // never a shared REDIS_URL: this adds a user
    admin = new Redis(redis.url);
    // everything but the channel capability-named queues are announced on
    await admin.call('ACL', 'SETUSER', 'halfstart', 'reset', 'on', '>s3cret', `~${prefix}:*`, `&${prefix}:kill`, '+@all');
    url = `redis://halfstart:s3cret@127.0.0.1:${redis.port}`;
  });
  afterAll(async () => {
    admin?.disconnect();
    await redis?.stop();
  });

  const connectionsOf = async (user: string) =>
    (await admin.call('CLIENT', 'LIST') as string).split('\n').filter((l) => l.includes(` user=${user} `)).length;

  it('startWorker rejects and leaves no connection open and no queue taking jobs', async () => {
    await expect(startWorker({ redis: url, prefix })).rejects.toThrow(/NOPERM/);
    await until('its connections closed', async () => (await connectionsOf('halfstart')) === 0 || undefined, 5_000);
    // a job on its queue stays waiting: nothing of the failed worker takes it
    const queue = new Queue(WORKERS.queue, { connection: { host: '127.0.0.1', port: redis.port }, prefix });
    try {
      const job = await queue.add('closest', { v: 0 });
      await new Promise((r) => setTimeout(r, 1_500));
      expect(await job.getState()).toBe('waiting');
    } finally {
      await queue.close();
    }
  }, 30_000);

  it('`strdist worker` prints the refusal and exits non-zero (it used to live on, serving jobs)', async () => {
    const child = spawn(process.execPath, [CLI, 'worker', '--redis', url, '--prefix', prefix], {
      env: { ...process.env, ...WORKERS.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    clearTimeout(timer);
    expect(stderr).toMatch(/NOPERM/);
    expect(code).toBe(1);
  }, 30_000);
});

describe('a worker stopping with Redis away', () => {
  let redis: TestRedis;
  let worker: RunningWorker | undefined;
  beforeAll(async () => {
    redis = await startRedis({ own: true });
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('close() settles within its bound, having said why, instead of waiting for Redis forever', async () => {
    const logger = recordingLogger();
    worker = await startWorker({ redis: redis.url, prefix: uniquePrefix('closedown'), logger });
    await redis.pause!(); // killed
    const t0 = Date.now();
    await worker.close();
    expect(Date.now() - t0).toBeLessThan(9_000);
    expect(logger.lines.some((l) => /Redis did not answer while stopping/.test(l))).toBe(true);
  }, 30_000);
});

describe('a corpus larger than one worker\'s cache (--cache-bytes)', () => {
  let redis: TestRedis;
  let d: Dispatcher;
  const prefix = uniquePrefix('smallcache');
  beforeAll(async () => {
    redis = await startRedis();
    d = connect({ redis: redis.url, prefix });
  });
  afterAll(async () => {
    await d?.close();
    await redis?.stop();
  });

  /**
   * A job on `words` tried first by a worker with `cacheBytes` alone: its try fails with `reason`
   * and the job waits for another (not failed for good); a worker with the default cache runs it.
   */
  const retriedElsewhere = async (cacheBytes: number, words: string[], query: string, reason: RegExp) => {
    const small = await startWorker({ redis: redis.url, prefix, cacheBytes });
    const corpus = Corpus.from(words);
    const ref = await d.putCorpus(corpus);
    const id = await d.call('closest', { corpus: ref.id, queries: [query], n: 2 }, { require: WORKERS.require, attempts: 3 });
    const [queue, jobId] = id.split('/');
    const raw = new Redis(redis.url);
    try {
      await until('a first try', async () => Number(await raw.hget(`${prefix}:${queue}:${jobId}`, 'atm')) >= 1 || undefined, 15_000);
      expect(await d.status(id)).not.toBe('failed');
      expect(await raw.hget(`${prefix}:${queue}:${jobId}`, 'failedReason')).toMatch(reason);
    } finally {
      raw.disconnect();
      await small.close();
    }
    const large = await startWorker({ redis: redis.url, prefix });
    try {
      expect(await d.result(id, { timeoutMs: 20_000 })).toEqual([await corpus.closest(query, { n: 2 })]);
    } finally {
      await large.close();
    }
  };

  it('fails the job on that worker only: retried, and run by a worker with a larger cache', async () => {
    // gzip of 5,000 such words: well over 4 KiB
    const words = Array.from({ length: 5_000 }, (_, i) => `w${((i * 2654435761) >>> 0).toString(36)}`);
    await retriedElsewhere(4_096, words, 'w1', /does not fit this worker's corpus cache \(4096 bytes/);
  }, 60_000);

  it('counts a corpus by what it holds in memory, not by its JSON (which fit: it ran there, held at twice the budget)', async () => {
    // 400 words of 7-8 characters: about 4 KB of JSON, about 30 KB in memory (4 bytes a unit and
    // 48 a word, the cache's count)
    const words = Array.from({ length: 400 }, (_, i) => `v${((i * 2246822519) >>> 0).toString(36)}`);
    expect(Buffer.byteLength(JSON.stringify({ words }))).toBeLessThan(16_384 / 2);
    await retriedElsewhere(16_384, words, 'v1', /does not fit this worker's corpus cache \(16384 bytes, --cache-bytes\): it holds about \d+ bytes in memory/);
  }, 60_000);
});
