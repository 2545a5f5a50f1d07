// Redis connection options and the key names shared by the client and the workers.
import type { RedisOptions } from 'ioredis';
import { ioredis } from './deps.js';
import { KERNEL_VERSION } from '../kernel.js';

/** Where the queues live. */
export interface RedisConnectOptions {
  /**
   * `redis://[user:password@]host[:port][/db]`, `rediss://…` (TLS), or ioredis options.
   * Parsed by ioredis itself (`redis://[::1]:6379` works). The CLI takes it from
   * `STRDIST_REDIS_URL` when `--redis` is not given.
   */
  redis: string | RedisOptions;
  /**
   * Prefix of every key strdist and BullMQ write, so several deployments can share a Redis:
   * letters, digits and `_-.{}`, with inner `:`s (no glob characters, no `:` at the ends).
   * @defaultValue 'strdist'
   */
  prefix?: string;
}

export const DEFAULT_PREFIX = 'strdist';

/** The URL with its password replaced, for messages. */
export function redactUrl(url: string): string {
  const at = url.lastIndexOf('@');
  if (at < 0) return url;
  const scheme = url.indexOf('://');
  const start = scheme >= 0 && scheme < at ? scheme + 3 : 0;
  const colon = url.indexOf(':', start);
  return colon < 0 || colon > at ? url : `${url.slice(0, colon)}:***${url.slice(at)}`;
}

/** ioredis options from a URL (parsed by ioredis) or an options object, with overrides. */
export function redisOptions(redis: string | RedisOptions, extra: RedisOptions = {}): RedisOptions {
  if (typeof redis !== 'string') {
    if (redis === null || typeof redis !== 'object') {
      throw new TypeError(`redis must be a redis:// or rediss:// URL or ioredis options, got ${typeof redis}`);
    }
    return { ...redis, ...extra };
  }
  const bad = () => new TypeError(`redis must be a redis:// or rediss:// URL, got ${JSON.stringify(redactUrl(redis))}`);
  if (!/^rediss?:\/\/./i.test(redis)) throw bad();
  let parsed: RedisOptions;
  try {
    const probe = new (ioredis().Redis)(redis, { lazyConnect: true });
    parsed = probe.options;
    probe.disconnect();
  } catch {
    throw bad();
  }
  const { host, port, username, password, db, tls, family } = parsed;
  return { host, port, username: username || undefined, password: password ?? undefined, db, tls, family, ...extra };
}

/**
 * Whether `p` settles (either way) within `ms`: a step of closing that waits on Redis, given up
 * when Redis does not answer.
 */
export function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** host:port for messages (never the password). */
export function describeTarget(options: RedisOptions): string {
  const host = options.host ?? '127.0.0.1';
  return `${host.includes(':') ? `[${host}]` : host}:${options.port ?? 6379}`;
}

/** Refuses a prefix that would match other deployments' keys in a pattern, or look odd in a key. */
export function checkPrefix(prefix: unknown): string {
  if (prefix === undefined) return DEFAULT_PREFIX;
  if (typeof prefix !== 'string' || !/^[A-Za-z0-9_\-.{}]+(?::[A-Za-z0-9_\-.{}]+)*$/.test(prefix) || prefix.length > 100) {
    throw new RangeError(
      `prefix must be 1-100 letters, digits or _-.{} with inner ":" (no glob characters, no ":" at the ends), got ${JSON.stringify(prefix)}`,
    );
  }
  return prefix;
}

/**
 * Queue names carry the kernel version, `any` included: a worker serves only jobs queued by a
 * client that computes what it computes.
 */
export function queueFor(require: 'native' | 'any', kernelVersion = KERNEL_VERSION): string {
  return require === 'native' ? `native-v${kernelVersion}` : `any-v${kernelVersion}`;
}

/** The queue names this version of the client may name in a job id. */
export const QUEUE_NAMES: readonly string[] = Object.freeze([queueFor('native'), queueFor('any')]);

export const keys = {
  corpus: (prefix: string, id: string) => `${prefix}:corpus:${id}`,
  /** A sharded corpus: its manifest, and its shards namespaced under it. */
  shards: (prefix: string, id: string) => `${prefix}:shards:${id}`,
  shard: (prefix: string, id: string, shardId: string) => `${prefix}:shards:${id}:${shardId}`,
  /** Sorted set of worker ids by the time their record expires. */
  workerSet: (prefix: string) => `${prefix}:workers`,
  /** Hash of the workers' capability records by id. */
  workerRecords: (prefix: string) => `${prefix}:workers:records`,
  cancelled: (prefix: string, jobId: string) => `${prefix}:cancelled:${jobId}`,
  killChannel: (prefix: string) => `${prefix}:kill`,
};

/** How long a worker's record lives without a heartbeat, and how often it beats. */
export const HEARTBEAT_MS = 2_000;
export const WORKER_TTL_MS = 7_000;

/** Stored corpora expire this long after their last use (each use refreshes it). */
export const CORPUS_TTL_SECONDS = 7 * 24 * 3600;

/** Largest stored corpus a worker reads (gzipped bytes), and the most it inflates to. */
export const CORPUS_MAX_STORED_BYTES = 256 * 2 ** 20;
export const CORPUS_MAX_INFLATED_BYTES = 1024 * 2 ** 20;

/** Events kept in each queue's event stream (approximate, BullMQ trims with `~`). */
export const EVENTS_MAX_LEN = 2_000;

/**
 * Finished jobs are kept this long, and at most this many; the count shrinks for jobs whose
 * result may be large, so the retained results stay near RESULT_BYTES_BUDGET in all.
 */
export const RETENTION = {
  completed: { age: 3600, count: 20_000 },
  failed: { age: 24 * 3600, count: 20_000 },
};
export const RESULT_BYTES_BUDGET = 256 * 2 ** 20;
