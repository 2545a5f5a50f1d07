// A real redis-server for the tests: started on a free port (or REDIS_URL when set), stopped after.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import { addon } from './backends.js';

export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Stops the server, keeping its data directory (only for one this helper started). */
  pause?(): Promise<void>;
  /** Starts it again on the same port and directory (AOF brings the data back). */
  resume?(): Promise<void>;
  /** Sends a signal to the server (SIGSTOP/SIGCONT: a hung Redis; SIGKILL: a crash). */
  signal?(sig: NodeJS.Signals): void;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
  });
}

/** Resolves once a redis-server answers PING at `target` (a URL, or ioredis options such as TLS ones). */
export async function waitForRedis(target: string | RedisOptions, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const probe = { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null };
  const url = typeof target === 'string' ? target : `${target.host}:${target.port}`;
  for (;;) {
    const r = typeof target === 'string' ? new Redis(target, probe) : new Redis({ ...target, ...probe });
    r.on('error', () => {});
    try {
      await r.connect();
      await r.ping();
      r.disconnect();
      return;
    } catch {
      r.disconnect();
      if (Date.now() > deadline) throw new Error(`redis at ${url} did not come up within ${timeoutMs} ms`);
      await new Promise((res) => setTimeout(res, 50));
    }
  }
}

/**
 * Starts redis-server (AOF on when `aof`, with extra command-line `serverArgs`), or uses REDIS_URL,
 * unless the test stops, kills or restarts its server (`own`, or `aof`) or configures it
 * (`serverArgs`): those always get one of their own.
 */
export async function startRedis(options: { aof?: boolean; own?: boolean; serverArgs?: string[] } = {}): Promise<TestRedis> {
  if (process.env.REDIS_URL && !options.aof && !options.own && !options.serverArgs) {
    const url = process.env.REDIS_URL;
    return { url, port: Number(new URL(url).port || 6379), stop: async () => {} };
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'strdist-redis-'));
  let child: ChildProcess;
  const launch = async () => {
    child = spawn(
      'redis-server',
      [
        '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir,
        '--appendonly', options.aof ? 'yes' : 'no', '--appendfsync', 'always', '--logfile', join(dir, 'redis.log'),
        ...(options.serverArgs ?? []),
      ],
      { stdio: 'ignore' },
    );
    child.on('error', () => {});
    await waitForRedis(`redis://127.0.0.1:${port}`);
  };
  const kill = async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    await exited;
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
    pause: kill,
    resume: launch,
    signal(sig: NodeJS.Signals) {
      child.kill(sig);
    },
  };
}

/** Worker environment that insists on the native kernel, whatever this test run's backend. */
export const NATIVE = { STRDIST_BACKEND: 'native' };

/**
 * The workers the dispatch tests start, by what this install has: native workers, native jobs
 * and their queue when the addon loads; otherwise workers on `auto` (the TypeScript backend,
 * publishing why the native one is missing), `require: 'any'` and the "any" queue.
 */
export const WORKERS = addon
  ? { backend: 'native' as const, env: NATIVE, require: 'native' as const, queue: 'native-v1', queues: ['native-v1', 'any-v1'] }
  : { backend: 'js' as const, env: { STRDIST_BACKEND: 'auto' }, require: 'any' as const, queue: 'any-v1', queues: ['any-v1'] };

export const CLI = resolve(__dirname, '..', '..', 'dist', 'cli.mjs');

export interface WorkerProcess {
  child: ChildProcess;
  stderr: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `strdist worker` as a real process (url '': it takes STRDIST_REDIS_URL from env). */
export function spawnWorker(url: string, prefix: string, env: NodeJS.ProcessEnv = {}, extra: string[] = []): WorkerProcess {
  const child = spawn(process.execPath, [CLI, 'worker', ...(url ? ['--redis', url] : []), '--prefix', prefix, ...extra], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return {
    child,
    stderr: () => err,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill(signal);
      return exited;
    },
  };
}

let counter = 0;
/** A fresh key prefix per test. */
export function uniquePrefix(name: string): string {
  return `t-${name}-${process.pid}-${Date.now().toString(36)}-${counter++}`;
}

export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A live worker record under `prefix` that no process serves: jobs on `queue` are queued and
 * wait (for a job that should stay waiting, or be lost with Redis).
 */
export async function fakeWorker(url: string, prefix: string, queue = WORKERS.queue, backend = WORKERS.backend): Promise<void> {
  const raw = new Redis(url);
  try {
    await raw.zadd(`${prefix}:workers`, Date.now() + 3_600_000, 'w1');
    await raw.hset(
      `${prefix}:workers:records`,
      'w1',
      JSON.stringify({ id: 'w1', hostname: 'h', pid: 1, queues: [queue], concurrency: 1, startedAt: 1, heartbeatAt: 1, selfTest: 'passed', backend, kernelVersion: 1 }),
    );
  } finally {
    raw.disconnect();
  }
}
