// Redis Sentinel as the README gives it ("Running Redis for strdist"): a redis-server, a
// Sentinel watching it (the same binary with --sentinel), and a worker and a client that find
// the server through the Sentinel by ioredis options ({ sentinels, name }).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, startWorker, type Dispatcher, type RunningWorker } from '../src/dispatch/index.js';
import { corpus } from './helpers/dispatch-suite.js';
import { freePort, startRedis, uniquePrefix, until, type TestRedis } from './helpers/redis.js';

describe('Redis through Sentinel', () => {
  const prefix = uniquePrefix('sentinel');
  const dir = mkdtempSync(join(tmpdir(), 'strdist-sentinel-'));
  let redis: TestRedis;
  let sentinel: ChildProcess;
  let worker: RunningWorker;
  let d: Dispatcher;

  beforeAll(async () => {
    redis = await startRedis({ own: true });
    const port = await freePort();
    writeFileSync(join(dir, 'sentinel.conf'), `port ${port}\nbind 127.0.0.1\ndir ${dir}\nsentinel monitor strdist-main 127.0.0.1 ${redis.port} 1\n`);
    sentinel = spawn('redis-server', [join(dir, 'sentinel.conf'), '--sentinel'], { stdio: 'ignore' });
    const admin = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    admin.on('error', () => {});
    try {
      await until('the Sentinel naming the server', async () => {
        try {
          if (admin.status !== 'ready') await admin.connect();
          const addr = (await admin.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'strdist-main')) as string[] | null;
          return addr?.[1] === String(redis.port) ? true : undefined;
        } catch {
          return undefined;
        }
      });
    } finally {
      admin.disconnect();
    }
    const options = { sentinels: [{ host: '127.0.0.1', port }], name: 'strdist-main' };
    // in this process, on whichever backend the run uses: the job asks for any
    worker = await startWorker({ redis: options, prefix });
    d = connect({ redis: options, prefix });
  }, 30_000);
  afterAll(async () => {
    await d?.close();
    await worker?.close();
    if (sentinel && sentinel.exitCode === null) {
      const exited = new Promise((r) => sentinel.once('exit', r));
      sentinel.kill('SIGTERM');
      await exited;
    }
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a worker and a client find Redis through the Sentinel and run a search', async () => {
    expect((await d.workers()).map((w) => w.id)).toEqual([worker.id]);
    const ref = await d.putCorpus(corpus);
    const id = await d.call('closest', { corpus: ref.id, queries: ['bagle', 'chese'], n: 3 }, { require: 'any' });
    expect(await d.result(id, { timeoutMs: 20_000 })).toEqual(await corpus.closestMany(['bagle', 'chese'], { n: 3 }));
  });
});
