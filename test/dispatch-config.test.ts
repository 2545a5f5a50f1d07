// Connection settings: URLs parsed by ioredis (IPv6 too), passwords never in messages, prefixes
// that cannot match other deployments, the CLI's STRDIST_REDIS_URL, and `closest --redis` that
// reports a Redis fault as one line instead of dying.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Corpus } from '../src/corpus.js';
import { connect, RedisUnavailableError } from '../src/dispatch/index.js';
import { checkPrefix, redisOptions } from '../src/dispatch/redis.js';
import { CLI, WORKERS, freePort, spawnWorker, startRedis, uniquePrefix, until, waitForRedis, type TestRedis, type WorkerProcess } from './helpers/redis.js';

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('Redis URLs and prefixes', () => {
  it('parses URLs with ioredis: IPv6 in brackets, db, credentials, TLS', () => {
    expect(redisOptions('redis://[::1]:6380/2')).toMatchObject({ host: '::1', port: 6380, db: 2 });
    expect(redisOptions('redis://user:p%40ss@h.example:1234/0')).toMatchObject({ host: 'h.example', port: 1234, username: 'user', password: 'p@ss' });
    expect(redisOptions('rediss://h.example').tls).toBeTruthy();
  });

  it('a mistyped URL is a clear error that never shows the password', () => {
    for (const bad of ['redis://user:s3cret@host:notaport', 'http://user:s3cret@host', 'user:s3cret@host']) {
      let err: Error | undefined;
      try {
        redisOptions(bad);
      } catch (e) {
        err = e as Error;
      }
      expect(err, bad).toBeInstanceOf(TypeError);
      expect(err!.message).toMatch(/^redis must be a redis:\/\/ or rediss:\/\/ URL, got /);
      expect(err!.message).not.toMatch(/s3cret/);
    }
  });

  it('RedisUnavailableError names host and port, never the password', async () => {
    const d = connect({ redis: `redis://user:s3cret@127.0.0.1:${await freePort()}`, prefix: uniquePrefix('pw') });
    try {
      const err = (await d.workers().catch((e: unknown) => e)) as Error;
      expect(err).toBeInstanceOf(RedisUnavailableError);
      expect(err.message).toMatch(/^Redis at 127\.0\.0\.1:\d+ is not reachable/);
      expect(err.message + String((err as { cause?: Error }).cause?.message)).not.toMatch(/s3cret/);
    } finally {
      await d.close();
    }
  });

  it('refuses prefixes with glob characters or a ":" at an end', () => {
    for (const bad of ['a*', 'a?b', 'a[b]', ':a', 'a:', 'a b', '', 'a::b']) {
      expect(() => checkPrefix(bad), bad).toThrow(/prefix must be 1-100 letters, digits or _-\.\{\} with inner ":"/);
      expect(() => connect({ redis: 'redis://127.0.0.1:1', prefix: bad })).toThrow(RangeError);
    }
    expect(checkPrefix('team-a:strdist')).toBe('team-a:strdist');
    expect(checkPrefix('{strdist}')).toBe('{strdist}');
  });
});

describe('the CLI with Redis', () => {
  let redis: TestRedis;
  let worker: WorkerProcess;
  const prefix = uniquePrefix('cli');
  beforeAll(async () => {
    redis = await startRedis();
    // the worker takes its URL from STRDIST_REDIS_URL: no password on the command line (any
    // backend will do: the searches below ask for `--require any`)
    worker = spawnWorker('', prefix, { STRDIST_REDIS_URL: redis.url });
    const d = connect({ redis: redis.url, prefix });
    await until('a worker', async () => (await d.workers()).length === 1);
    await d.close();
  }, 30_000);
  afterAll(async () => {
    await worker?.stop();
    await redis?.stop();
  });

  it('closest and workers take STRDIST_REDIS_URL; results equal the local search', async () => {
    const env = { STRDIST_REDIS_URL: redis.url };
    const remote = await run(['closest', '--prefix', prefix, '--require', 'any', '--json', '-n', '3', 'bagel', 'chese'], env);
    expect(remote.stderr).toBe('');
    expect(remote.code).toBe(0);
    const local = await run(['closest', '--json', '-n', '3', 'bagel', 'chese'], { STRDIST_REDIS_URL: '' });
    expect(JSON.parse(remote.stdout)).toEqual(JSON.parse(local.stdout));
    const workers = await run(['workers', '--prefix', prefix, '--json'], env);
    expect(JSON.parse(workers.stdout)).toHaveLength(1);
  });

  it('closest --redis with Redis away exits 1 with one line, no stack, no password', async () => {
    const url = `redis://user:s3cret@127.0.0.1:${await freePort()}`;
    const r = await run(['closest', '--redis', url, '--prefix', prefix, 'bagel']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^strdist: Redis at 127\.0\.0\.1:\d+ is not reachable/);
    expect(r.stderr).not.toMatch(/s3cret/);
  });
});

describe('Redis Cluster is refused', () => {
  // One cluster node serving every slot: single-key commands work there, but BullMQ's scripts
  // and strdist's transactions touch keys of many slots, and a worker checks INFO at start.
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis({ serverArgs: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'] });
    const admin = new Redis(redis.url);
    try {
      await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
      await until('the cluster serving its slots', async () => /cluster_state:ok/.test(String(await admin.call('CLUSTER', 'INFO'))));
    } finally {
      admin.disconnect();
    }
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
  });

  it('a worker will not start on it, and says why in one line', async () => {
    const r = await run(['worker', '--redis', redis.url, '--prefix', uniquePrefix('cluster')], WORKERS.env);
    expect(r.code).not.toBe(0);
    // (a worker without the addon logs its backend first)
    expect(r.stderr.trim().split('\n').at(-1)).toBe('strdist worker: Redis Cluster is not supported; use a standalone Redis (with replicas and Sentinel if needed)');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('every client call that meets it fails with the same clear error, transactions included', async () => {
    const d = connect({ redis: redis.url, prefix: uniquePrefix('cluster') });
    const id = 'native-v1/00000000-0000-4000-8000-000000000000';
    try {
      const calls: [string, () => Promise<unknown>][] = [
        ['workers', () => d.workers()],
        ['call', () => d.call('closest', { corpus: `v2-sha256:${'0'.repeat(64)}`, queries: ['a'] })],
        ['status', () => d.status(id)],
        ['result', () => d.result(id, { timeoutMs: 5_000 })],
      ];
      for (const [name, call] of calls) {
        const err = (await call().catch((e: unknown) => e)) as Error;
        expect(err, name).toBeInstanceOf(Error);
        expect(err.message, name).toMatch(/^strdist: Redis Cluster is not supported \(Redis answered (CROSSSLOT|MOVED|CLUSTERDOWN)\); use a standalone Redis$/);
      }
    } finally {
      await d.close();
    }
  });
});

describe('a Redis that may evict', () => {
  let redis: TestRedis;
  let worker: WorkerProcess | undefined;
  beforeAll(async () => {
    redis = await startRedis({ serverArgs: ['--maxmemory', '1gb', '--maxmemory-policy', 'allkeys-lru'] });
  });
  afterAll(async () => {
    await worker?.stop();
    await redis?.stop();
  });

  it('the worker starts, and warns once that evicted jobs and records are lost work', async () => {
    const prefix = uniquePrefix('evict');
    worker = spawnWorker(redis.url, prefix, { STRDIST_BACKEND: 'auto' });
    const d = connect({ redis: redis.url, prefix });
    try {
      await until('a worker', async () => (await d.workers()).length === 1);
    } finally {
      await d.close();
    }
    const warnings = worker.stderr().split('\n').filter((l) => /maxmemory-policy/.test(l));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0])).toMatchObject({ level: 40, maxmemoryPolicy: 'allkeys-lru', msg: expect.stringMatching(/set it to noeviction/) });
  });
});

/**
 * A cgroup of this test whose CPU quota is one CPU (cgroup v1's cpu controller, or v2 with the
 * cpu controller enabled for children), or undefined where this process may not make one.
 */
function oneCpuCgroup(): { procs: string; remove(): void } | undefined {
  const name = `strdist-test-${process.pid}`;
  const make = (root: string, quota: (dir: string) => void) => {
    const dir = `${root}/${name}`;
    mkdirSync(dir);
    try {
      quota(dir);
    } catch (err) {
      rmdirSync(dir);
      throw err;
    }
    return { procs: `${dir}/cgroup.procs`, remove: () => rmdirSync(dir) };
  };
  try {
    if (existsSync('/sys/fs/cgroup/cpu/cpu.cfs_quota_us') || existsSync('/sys/fs/cgroup/cpu/cgroup.procs')) {
      return make('/sys/fs/cgroup/cpu', (dir) => writeFileSync(`${dir}/cpu.cfs_quota_us`, readFileSync(`${dir}/cpu.cfs_period_us`, 'utf8').trim()));
    }
    if (/\bcpu\b/.test(readFileSync('/sys/fs/cgroup/cgroup.subtree_control', 'utf8'))) {
      return make('/sys/fs/cgroup', (dir) => writeFileSync(`${dir}/cpu.max`, '100000 100000'));
    }
  } catch {
    // not root, or no cgroup file system here
  }
  return undefined;
}

describe('a worker under a CPU quota', () => {
  const cgroup = oneCpuCgroup();
  let redis: TestRedis;
  afterAll(async () => {
    await redis?.stop();
    cgroup?.remove();
  });

  it.runIf(cgroup && availableParallelism() > 1)("searches on as many threads as its cgroup's quota allows", async () => {
    redis = await startRedis();
    const prefix = uniquePrefix('quota');
    // the worker joins the cgroup before Node starts
    const child = spawn('sh', ['-c', `echo $$ > "$0" && exec "$1" "$2" worker --redis "$3" --prefix "$4"`, cgroup!.procs, process.execPath, CLI, redis.url, prefix], {
      env: { ...process.env, STRDIST_BACKEND: 'auto' },
      stdio: 'ignore',
    });
    const d = connect({ redis: redis.url, prefix });
    try {
      const [record] = await until('a worker', async () => {
        const list = await d.workers();
        return list.length === 1 ? list : undefined;
      });
      expect(record.threads).toBe(1);
    } finally {
      await d.close();
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });
});

describe('Redis on IPv6', () => {
  // a redis-server listening on ::1 only, reached by URLs with the address in brackets
  let server: ReturnType<typeof spawn>;
  let url: string;
  let worker: WorkerProcess;
  const prefix = uniquePrefix('ipv6');
  beforeAll(async () => {
    const port = await freePort();
    server = spawn('redis-server', ['--port', String(port), '--bind', '::1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    url = `redis://[::1]:${port}`;
    await waitForRedis(url);
    worker = spawnWorker(url, prefix, WORKERS.env);
  }, 30_000);
  afterAll(async () => {
    await worker?.stop();
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
  });

  it('a worker and a client on redis://[::1]:port run a search', async () => {
    const d = connect({ redis: url, prefix });
    try {
      await until('a worker', async () => (await d.workers()).length === 1);
      const words = Corpus.from(['bagel', 'cheese', 'label', 'barge']);
      const ref = await d.putCorpus(words);
      const id = await d.call('closest', { corpus: ref.id, queries: ['bagle'], n: 2 }, { require: WORKERS.require });
      expect(await d.result(id, { timeoutMs: 20_000 })).toEqual([await words.closest('bagle', { n: 2 })]);
    } finally {
      await d.close();
    }
  });
});
