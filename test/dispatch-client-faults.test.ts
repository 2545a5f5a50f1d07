// The client's edges found in review: a call that failed queues nothing afterwards, close() leaves
// no listener behind, long and unlimited timeouts wait as asked, a blocked event loop is not
// taken for Redis away, and a finished job dropped by retention is unknown, not lost.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Corpus } from '../src/corpus.js';
import {
  connect,
  JobTimeoutError,
  RedisUnavailableError,
  startWorker,
  UnknownJobError,
  type Dispatcher,
  type RunningWorker,
} from '../src/dispatch/index.js';
import { WORKERS, fakeWorker, startRedis, uniquePrefix, type TestRedis } from './helpers/redis.js';

/** The ids of the jobs under `prefix` whose data holds `text`. */
async function jobsWith(url: string, prefix: string, text: string): Promise<string[]> {
  const raw = new Redis(url);
  try {
    const found: string[] = [];
    for (const key of await raw.keys(`${prefix}:*`)) {
      if ((await raw.type(key)) !== 'hash') continue;
      if ((await raw.hget(key, 'data'))?.includes(text)) found.push(key);
    }
    return found;
  } finally {
    raw.disconnect();
  }
}

const busy = (ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end);
};

describe('with no worker serving (jobs wait)', () => {
  let redis: TestRedis;
  let d: Dispatcher;
  const prefix = uniquePrefix('edges');
  beforeAll(async () => {
    redis = await startRedis({ own: true }); // SIGSTOP stops the whole server
    await fakeWorker(redis.url, prefix);
    d = connect({ redis: redis.url, prefix });
  });
  afterAll(async () => {
    await d?.close();
    await redis?.stop();
  });

  it('a call rejected while Redis hangs in its first steps queues nothing once Redis answers again', async () => {
    // a corpus this client has not looked up yet: the call's first step asks Redis about it
    const ref = await d.putCorpus(Corpus.from(['ghost', 'host', 'most']));
    redis.signal!('SIGSTOP');
    let err: unknown;
    try {
      err = await d.call('closest', { corpus: ref.id, queries: ['ghost-query'] }, { require: WORKERS.require }).catch((e: unknown) => e);
    } finally {
      redis.signal!('SIGCONT');
    }
    expect(err).toBeInstanceOf(RedisUnavailableError);
    expect((err as RedisUnavailableError).jobIds).toBeUndefined();
    await new Promise((r) => setTimeout(r, 1_500)); // the call's own commands answered meanwhile
    expect(await jobsWith(redis.url, prefix, 'ghost-query')).toEqual([]);
  }, 30_000);

  it('timeoutMs: Infinity waits without limit, the longest timer too; longer than a timer takes is refused', async () => {
    const ref = await d.putCorpus(Corpus.from(['wait', 'want']));
    const id = await d.call('closest', { corpus: ref.id, queries: ['wait'] }, { require: WORKERS.require });
    const outcome = (p: Promise<unknown>) => {
      const o: { settled?: unknown } = {};
      p.then(
        (v) => (o.settled = v),
        (e: unknown) => (o.settled = e),
      );
      return o;
    };
    const unlimited = outcome(d.result(id, { timeoutMs: Infinity }));
    const longest = outcome(d.result(id, { timeoutMs: 2 ** 31 - 1 }));
    await expect(d.result(id, { timeoutMs: 2 ** 31 })).rejects.toThrow(/timeoutMs must be .* up to 2147483647/);
    await new Promise((r) => setTimeout(r, 2_500)); // past the look after 1 s
    expect(unlimited.settled).toBeUndefined();
    expect(longest.settled).toBeUndefined();
    await d.cancel(id);
  }, 30_000);

  it('an event loop blocked by the caller for over a second at a time is not taken for Redis away', async () => {
    const ref = await d.putCorpus(Corpus.from(['block', 'black']));
    const id = await d.call('closest', { corpus: ref.id, queries: ['block'] }, { require: WORKERS.require });
    const waiting = d.result(id, { timeoutMs: 6_000 }).catch((e: unknown) => e);
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setImmediate(r));
      busy(1_200); // the caller's own work, in slices
    }
    const err = await waiting;
    expect(err).toBeInstanceOf(JobTimeoutError);
    await d.cancel(id);
  }, 30_000);
});

describe('a finished job dropped by its retention', () => {
  let redis: TestRedis;
  let worker: RunningWorker;
  let d: Dispatcher;
  const prefix = uniquePrefix('retained');
  beforeAll(async () => {
    redis = await startRedis();
    worker = await startWorker({ redis: redis.url, prefix });
    d = connect({ redis: redis.url, prefix });
  });
  afterAll(async () => {
    await d?.close();
    await worker?.close();
    await redis?.stop();
  });

  it('is unknown to the client that queued it and had its result, not lost', async () => {
    const corpus = Corpus.from(['kept', 'kelp']);
    const ref = await d.putCorpus(corpus);
    const id = await d.call('closest', { corpus: ref.id, queries: ['kept'] }, { require: WORKERS.require });
    expect(await d.result(id, { timeoutMs: 20_000 })).toEqual([await corpus.closest('kept')]);
    const [queue, jobId] = id.split('/');
    const raw = new Redis(redis.url);
    await raw.del(`${prefix}:${queue}:${jobId}`);
    await raw.zrem(`${prefix}:${queue}:completed`, jobId);
    raw.disconnect();
    await expect(d.result(id, { timeoutMs: 5_000 })).rejects.toThrow(UnknownJobError);
    await expect(d.status(id)).rejects.toThrow(UnknownJobError);
  }, 30_000);
});

describe('close() while a call is opening a queue listener', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => redis?.stop());

  it('leaves nothing behind: the process exits on its own', async () => {
    const dist = resolve(__dirname, '..', 'dist', 'index.mjs');
    const script = `
      import { randomUUID } from 'node:crypto';
      import { connect } from ${JSON.stringify(dist)};
      const d = connect({ redis: ${JSON.stringify(redis.url)}, prefix: ${JSON.stringify(uniquePrefix('orphan'))} });
      await d.workers();
      const waiting = d.result('any-v1/' + randomUUID(), { timeoutMs: 5_000 }).catch(() => {});
      await d.close();
      await waiting;
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    clearTimeout(timer);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 30_000);
});
