// Redis connection options and the key names shared by the client and the workers.
import type { RedisOptions } from 'ioredis';
import { KERNEL_VERSION } from '../kernel.js';

/** Where the queues live. */
export interface RedisConnectOptions {
  /**
   * `redis://host:port[/db]`, `rediss://…` (TLS), or ioredis options.
   */
  redis: string | RedisOptions;
  /**
   * Prefix of every key strdist and BullMQ write, so several deployments can share a Redis.
   * @defaultValue 'strdist'
   */
  prefix?: string;
}

export const DEFAULT_PREFIX = 'strdist';

/** ioredis options from a URL or options object, with overrides. */
export function redisOptions(redis: string | RedisOptions, extra: RedisOptions = {}): RedisOptions {
  if (typeof redis !== 'string') return { ...redis, ...extra };
  let url: URL;
  try {
    url = new URL(redis);
  } catch {
    throw new TypeError(`redis must be a redis:// or rediss:// URL, got ${JSON.stringify(redis)}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new TypeError(`redis must be a redis:// or rediss:// URL, got ${JSON.stringify(redis)}`);
  }
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined;
  return {
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: Number.isInteger(db) ? db : undefined,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    ...extra,
  };
}

/** Queue names: native jobs of kernel version K go where only native workers of K listen. */
export function queueFor(require: 'native' | 'any', kernelVersion = KERNEL_VERSION): string {
  return require === 'native' ? `native-v${kernelVersion}` : 'any';
}

export const keys = {
  corpus: (prefix: string, id: string) => `${prefix}:corpus:${id}`,
  shards: (prefix: string, id: string) => `${prefix}:shards:${id}`,
  worker: (prefix: string, workerId: string) => `${prefix}:worker:${workerId}`,
  workerPattern: (prefix: string) => `${prefix}:worker:*`,
  cancelled: (prefix: string, jobId: string) => `${prefix}:cancelled:${jobId}`,
  killChannel: (prefix: string) => `${prefix}:kill`,
};

/** How long a worker's record lives without a heartbeat, and how often it beats. */
export const HEARTBEAT_MS = 2_000;
export const WORKER_TTL_MS = 7_000;

/** Finished jobs are kept this long (and at most this many), long enough for any waiting caller. */
export const RETENTION = {
  completed: { age: 3600, count: 20_000 },
  failed: { age: 24 * 3600, count: 20_000 },
};
