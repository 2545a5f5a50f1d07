// The BullMQ dispatcher (client side): jobs are queued on Redis for `strdist worker` processes.
//
// Every public call fails fast and typed: while Redis is unreachable (connection closed and not
// back within UNAVAILABLE_MS, or not answering a ping within UNAVAILABLE_MS) every pending and
// new call rejects with RedisUnavailableError. Results are waited for with this client's own
// listeners on the queue's events plus one state check, never with an unbounded await.
import { randomUUID } from 'node:crypto';
import type { ConnectionOptions, FlowJob, FlowProducer, Queue, QueueEvents } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import { bullmq, ioredis } from './deps.js';
import { z } from 'zod';
import { checkPlainCorpus, type Corpus } from '../corpus.js';
import { JobLostError, RedisUnavailableError } from '../errors.js';
import { KERNEL_VERSION } from '../kernel.js';
import { decodeResult, LIMITS, parseTask, PROTOCOL_VERSION, resultCorpus, TaskArgumentError, withWorker, type ClosestArgs, type ClosestResult } from '../tasks.js';
import { CorpusCache } from './cache.js';
import { dispatchJoin, dispatchDedupe, dispatchSelfJoin, type DispatchDedupeOptions, type DispatchJoinOptions, type DispatchSelfJoinOptions } from './join.js';
import type { JoinPair, JoinRow } from '../join.js';
import { decodePairs, isPairsWire, SELF_JOIN_PAIRS_PER_JOB } from '../tasks.js';
import { describeRouting, isPinned, missing, parseRoutingQueue, readRequirement, routingKeys, routingQueue, type Routing } from './routing.js';
import { inCompletionOrder, readTimeoutMs, settleAll } from './progress.js';
import { checkShardCount, decodeCorpus, encodeCorpus, parseManifest, splitShards, withWords, type ShardManifest } from './corpus-store.js';
import {
  checkPrefix,
  CORPUS_MAX_INFLATED_BYTES,
  CORPUS_TTL_SECONDS,
  describeTarget,
  EVENTS_MAX_LEN,
  keys,
  QUEUE_NAMES,
  redisOptions,
  RESULT_BYTES_BUDGET,
  RETENTION,
  within,
  type RedisConnectOptions,
} from './redis.js';
import {
  JobCancelledError,
  JobTimeoutError,
  NoCapableWorkerError,
  RemoteJobError,
  UnknownCorpusError,
  UnknownJobError,
  type CallOptions,
  type CorpusRef,
  type Dispatcher,
  type Finished,
  type JobState,
  type JobStatus,
  type JoinOptions,
  type Progress,
  type Requirement,
  type ResultOptions,
  type ClientTask,
  type MatchTask,
  type PutCorpusOptions,
  type Settled,
  type TaskArgs,
  type TaskResults,
  type WorkerInfo,
} from './types.js';
export { RedisUnavailableError };

/** The job data on the queue: versions, a task name and its arguments, nothing else. */
export interface JobData {
  /** PROTOCOL_VERSION of the client that queued it. */
  v: number;
  /** KERNEL_VERSION of the client that queued it. */
  kernel: number;
  task: string;
  args: unknown;
  require: Requirement;
}

/** What a worker reports in the job's progress while it runs it. */
export interface JobProgress {
  worker: string;
  /** Queries searched so far, of `total` (reported on long jobs). */
  done?: number;
  total?: number;
}

/** A join has no n: the retention budget counts this many matches per query (issue 15). */
const JOIN_MATCHES_PER_QUERY_ESTIMATE = 100;

/** A progress report as it arrives from Redis: checked, since anyone may write a job's progress. */
function readProgress(data: unknown): Progress | undefined {
  const p = data as Partial<JobProgress> | null;
  if (typeof p !== 'object' || p === null) return undefined;
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (!ok(p.done) || !ok(p.total) || p.done > p.total) return undefined;
  return { done: p.done, total: p.total, ...(typeof p.worker === 'string' ? { worker: p.worker } : {}) };
}

/** A flow's shard job id: the parent's id and the shard's position. */
const shardJobId = /^([0-9a-f-]{36})-s(\d+)$/;

/** How long Redis may be away (closed, or not answering) before calls fail. */
export const UNAVAILABLE_MS = 1_000;

const jobIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Splits a client job id; only the queues of this version and well-formed ids are accepted. */
export function splitId(id: unknown): { queue: string; jobId: string } {
  if (typeof id !== 'string') throw new UnknownJobError(String(id));
  const at = id.indexOf('/');
  const queue = id.slice(0, at);
  const jobId = id.slice(at + 1);
  if (at <= 0 || !knownQueue(queue) || !jobIdPattern.test(jobId)) throw new UnknownJobError(id.slice(0, 200));
  return { queue, jobId };
}

/** This version's queues: `native-v1`, `any-v1`, and the capability-named ones of kernel v1. */
function knownQueue(name: string): boolean {
  return QUEUE_NAMES.includes(name) || parseRoutingQueue(name)?.kernelVersion === KERNEL_VERSION;
}

function isConnectionError(err: unknown): boolean {
  const e = err as { name?: string; code?: string; message?: string };
  return (
    e?.name === 'MaxRetriesPerRequestError' ||
    e?.code === 'ECONNREFUSED' ||
    e?.code === 'ECONNRESET' ||
    e?.code === 'EPIPE' ||
    /max retries per request|Connection is closed|ECONNREFUSED|connect ETIMEDOUT|Command timed out|Stream isn't writeable/i.test(
      e?.message ?? '',
    )
  );
}

/** Redis Cluster is refused with a clear message (its redirections are not followed). */
function clusterRefused(err: unknown): Error | undefined {
  // a refused transaction (EXECABORT) carries its commands' refusals (ioredis: previousErrors)
  const errors = [err, ...((err as { previousErrors?: unknown[] })?.previousErrors ?? [])];
  const answer = errors.map((e) => /^(MOVED|ASK|CROSSSLOT|CLUSTERDOWN)\b/.exec((e as Error)?.message ?? '')?.[1]).find(Boolean);
  if (!answer) return undefined;
  return new Error(`strdist: Redis Cluster is not supported (Redis answered ${answer}); use a standalone Redis`, { cause: err });
}

/** A worker's record in the registry: validated, so a stray record cannot break a call. */
const workerRecord = z
  .object({
    id: z.string(),
    hostname: z.string(),
    pid: z.number(),
    queues: z.array(z.string()),
    concurrency: z.number(),
    startedAt: z.number(),
    heartbeatAt: z.number(),
    selfTest: z.literal('passed'),
    backend: z.enum(['native', 'js']),
    kernelVersion: z.number(),
    // counters and running jobs (workers before 0.3 have none)
    jobs: z.object({ completed: z.number().int().nonnegative(), failed: z.number().int().nonnegative() }).optional(),
    current: z
      .array(
        z.object({
          id: z.string(),
          task: z.string(),
          startedAt: z.number(),
          done: z.number().int().nonnegative().optional(),
          total: z.number().int().nonnegative().optional(),
        }),
      )
      .optional(),
  })
  .passthrough();

interface Waiter {
  id: string;
  queue: string;
  jobId: string;
  resolve(value: unknown): void;
  reject(err: unknown): void;
  onProgress?: (progress: Progress) => void;
}

/** Remembers the ids this client queued (so a missing one is known lost), the newest ones. */
const ISSUED_KEPT = 200_000;
/** Results that arrived before `result` asked: at most this many, and bytes (approximately). */
const EARLY_MAX = 1_000;
const EARLY_MAX_BYTES = 32 * 2 ** 20;
/** A job issued here is looked at once after this long if no event has ended it by then. */
const LOOK_AFTER_MS = 1_000;

/** About the bytes a parsed result holds (its strings; the compact encoding is mostly base64). */
function approximateBytes(value: unknown): number {
  if (typeof value === 'string') return 2 * value.length;
  if (value === null || typeof value !== 'object') return 8;
  let n = 16;
  for (const v of Object.values(value)) n += approximateBytes(v);
  return n;
}

/**
 * A job's state in one command: exists, completed, failed, its result when completed, and the
 * cancel mark. (A MULTI would do the same in one round trip, but ioredis builds a pipeline
 * object with every command's method on it for each one: that cost most of the client's CPU
 * time per round trip.)
 */
const JOB_STATE = `
local done = redis.call('ZSCORE', KEYS[2], ARGV[1]) and 1 or 0
return {
  redis.call('EXISTS', KEYS[1]),
  done,
  redis.call('ZSCORE', KEYS[3], ARGV[1]) and 1 or 0,
  done == 1 and redis.call('HGET', KEYS[1], 'returnvalue') or false,
  redis.call('EXISTS', KEYS[4]),
}`;
/**
 * `f` after `ms`, once the I/O that arrived meanwhile has been read: a deadline that passed
 * while this process's event loop was blocked (the caller's own work) is not taken for Redis
 * not answering when its answer is waiting on the socket (timers run before I/O is read).
 */
function afterIo(ms: number, f: () => void): NodeJS.Timeout {
  return setTimeout(() => setImmediate(f), ms);
}

/** What a guarded call tells its guard: the jobs it is adding; and from the guard, that it failed. */
interface Sent {
  jobIds?: string[];
  failed?: boolean;
}

type JobStateCommand = (jobKey: string, completed: string, failed: string, cancelled: string, jobId: string) => Promise<unknown>;

export class QueueDispatcher implements Dispatcher {
  readonly kind = 'redis' as const;
  readonly prefix: string;
  readonly #connection: RedisOptions;
  readonly #redis: Redis;
  readonly #where: string;
  readonly #queues = new Map<string, Queue>();
  readonly #events = new Map<string, Promise<QueueEvents>>();
  readonly #eventsMade: QueueEvents[] = [];
  #flows: FlowProducer | undefined;
  /** Corpus ids known to be stored, with their shard manifest (null: stored whole). */
  readonly #corpora = new Map<string, { manifest: ShardManifest | null; until: number }>();
  /**
   * Corpora this client put (results are mapped to words with them) or fetched back, up to
   * 256 MiB (a long-lived client that puts many does not hold them all: one dropped is
   * fetched back when a result needs it).
   */
  readonly #held = new CorpusCache(256 * 2 ** 20);
  /** Queues a live worker consumed at the last look, for a moment (heartbeats are seconds apart). */
  #liveQueues: { queues: Set<string>; until: number } | undefined;
  readonly #waiters = new Map<string, Set<Waiter>>();
  /**
   * The jobs this client queued (the newest ISSUED_KEPT), so a missing one is known lost: each
   * with its number of queries, or for a flow its queries and shards.
   */
  readonly #issued = new Map<string, number | { queries: number; shards: number }>();
  /**
   * Ends of jobs this client issued that arrived before anyone asked for them (a fast job can
   * finish before `call` has returned): the result, or null for a failure or removal (then
   * `result` looks at the job). Bounded in entries and bytes; what is evicted is looked up.
   */
  readonly #early = new Map<string, { value: unknown; bytes: number } | null>();
  #earlyBytes = 0;
  /** The last progress of each shard of the flows being waited for. */
  readonly #shardProgress = new Map<string, Map<number, Progress>>();
  /** Calls in flight, each rejected when Redis is declared unavailable. */
  readonly #inflight = new Set<(err: Error) => void>();
  #lastError: unknown;
  #downTimer: NodeJS.Timeout | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  /** Redis did not answer a ping in time: calls fail until one is answered. */
  #hung = false;
  /** Corpus uploads in flight. */
  #uploads = 0;
  #readyWait: Promise<void> | undefined;
  #closed = false;

  constructor(options: RedisConnectOptions) {
    this.prefix = checkPrefix(options.prefix);
    // One connection for every non-blocking command (this client's, the queues' and the flow
    // producer's); a command never waits long, the watchdog decides when Redis is away.
    this.#connection = redisOptions(options.redis, {
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      commandTimeout: 10_000,
      retryStrategy: (times) => Math.min(50 * 2 ** times, 1_000),
    });
    this.#where = describeTarget(this.#connection);
    this.#redis = new (ioredis().Redis)(this.#connection);
    this.#redis.defineCommand('strdistJobState', { numberOfKeys: 4, lua: JOB_STATE });
    this.#redis.on('error', (err) => (this.#lastError = err));
    this.#redis.on('close', () => this.#lostConnection());
    this.#redis.on('ready', () => this.#regained());
    for (const method of ['putCorpus', 'deleteCorpus', 'fetchCorpus', 'status', 'cancel', 'workers'] as const) {
      const inner = this[method].bind(this) as (...args: unknown[]) => Promise<unknown>;
      (this as Record<string, unknown>)[method] = (...args: unknown[]) => this.#guard(() => inner(...args));
    }
  }

  // ---- connection health -----------------------------------------------------------------

  #unavailable(cause?: unknown): RedisUnavailableError {
    const why = cause ?? this.#lastError ?? new Error('not connected');
    return new RedisUnavailableError(this.#where, why);
  }

  /** A failed Redis call as the caller sees it: Redis unreachable, Redis Cluster, or the error. */
  #callError(err: unknown): Error {
    return isConnectionError(err) ? this.#unavailable(err) : clusterRefused(err) ?? (err as Error);
  }

  #lostConnection(): void {
    if (this.#closed || this.#downTimer) return;
    this.#downTimer = afterIo(UNAVAILABLE_MS, () => {
      if (this.#redis.status !== 'ready') this.#declareDown();
    });
    this.#downTimer.unref();
  }

  #regained(): void {
    clearTimeout(this.#downTimer);
    this.#downTimer = undefined;
    // Events may have been missed and jobs lost while away: look at every awaited job again.
    for (const set of this.#waiters.values()) for (const w of set) void this.#check(w).catch((err) => this.#settle(w, this.#callError(err), true));
  }

  #declareDown(cause?: unknown): void {
    clearTimeout(this.#downTimer);
    this.#downTimer = undefined;
    const err = this.#unavailable(cause);
    for (const fail of [...this.#inflight]) fail(err);
    for (const set of [...this.#waiters.values()]) for (const w of [...set]) this.#settle(w, err, true);
  }

  /** While anything waits on Redis, a ping every half second tells a hung Redis from a slow call. */
  #watch(): void {
    if (this.#watchdog || this.#closed) return;
    this.#watchdog = setInterval(() => {
      if (this.#inflight.size === 0 && this.#waiters.size === 0) {
        clearInterval(this.#watchdog);
        this.#watchdog = undefined;
        return;
      }
      if (this.#redis.status !== 'ready') return; // the close handler decides
      if (this.#uploads > 0) return; // a PING would wait behind a large SET: no verdict then
      void this.#ping().then(
        () => (this.#hung = false),
        (err) => {
          this.#hung = true;
          this.#declareDown(err);
        },
      );
    }, UNAVAILABLE_MS / 2);
    this.#watchdog.unref();
  }

  #ping(): Promise<unknown> {
    let timer: NodeJS.Timeout;
    return Promise.race([
      this.#redis.ping().finally(() => clearTimeout(timer)),
      new Promise((_, reject) => {
        timer = afterIo(UNAVAILABLE_MS, () => reject(new Error(`no answer to PING within ${UNAVAILABLE_MS} ms`)));
      }),
    ]);
  }

  /** Resolves once Redis is connected and answering, or rejects within UNAVAILABLE_MS. */
  async #ready(): Promise<void> {
    if (this.#closed) throw new Error('this dispatcher is closed');
    if (this.#redis.status === 'ready' && !this.#hung) return;
    if (this.#redis.status === 'ready') {
      await this.#ping().catch((err) => {
        throw this.#unavailable(err);
      });
      this.#hung = false;
      return;
    }
    if (this.#redis.status === 'wait') void this.#redis.connect().catch(() => {});
    // one listener however many calls wait (BullMQ resets the connection's listener limit)
    this.#readyWait ??= new Promise<void>((resolve) =>
      this.#redis.once('ready', () => {
        this.#readyWait = undefined;
        resolve();
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.#readyWait,
      new Promise<never>((_, reject) => {
        timer = afterIo(UNAVAILABLE_MS, () => reject(this.#unavailable()));
      }),
    ]).finally(() => clearTimeout(timer));
  }

  /**
   * Runs a call: waits for Redis (bounded), turns connection failures into RedisUnavailableError.
   * A call that sets `sent.jobIds` (before it adds jobs) fails with them named on the error.
   */
  #guard<T>(run: (sent: Sent) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const sent: Sent = {};
      const fail = (err: Error) => {
        sent.failed = true;
        this.#inflight.delete(fail);
        reject(sent.jobIds && err instanceof RedisUnavailableError ? new RedisUnavailableError(this.#where, err.cause, sent.jobIds) : err);
      };
      this.#inflight.add(fail);
      this.#watch();
      // connected and answering: straight to the work, no extra turn of the event loop
      const ready = this.#redis.status === 'ready' && !this.#hung && !this.#closed;
      (ready ? run(sent) : this.#ready().then(() => run(sent)))
        .then(
          (v) => {
            this.#inflight.delete(fail);
            resolve(v);
          },
          (err) => fail(this.#callError(err)),
        );
    });
  }

  // ---- queues ------------------------------------------------------------------------------

  #queue(name: string): Queue {
    let q = this.#queues.get(name);
    if (!q) {
      if (!knownQueue(name)) throw new Error(`internal: no queue ${name}`);
      q = new (bullmq().Queue)(name, {
        connection: this.#redis as unknown as ConnectionOptions,
        prefix: this.prefix,
        streams: { events: { maxLen: EVENTS_MAX_LEN } },
      });
      q.on('error', (err) => (this.#lastError = err));
      q.setMaxListeners(0);
      this.#queues.set(name, q);
    }
    return q;
  }

  /**
   * The queue's event listener (one blocking connection per queue, at most two queues), ready.
   * It reads the event stream from its last entry at the time of this call, so no event after
   * that is missed, however long the listener takes to start.
   */
  #queueEvents(name: string): Promise<QueueEvents> {
    let made = this.#events.get(name);
    if (!made) {
      made = (async () => {
        const last = await this.#redis.xrevrange(this.#queue(name).toKey('events'), '+', '-', 'COUNT', 1);
        // closed while that was read: a listener made now would outlive close() (and the process)
        if (this.#closed) throw new Error('this dispatcher is closed');
        const events = new (bullmq().QueueEvents)(name, {
          connection: { ...this.#connection, commandTimeout: undefined, maxRetriesPerRequest: null } as ConnectionOptions,
          prefix: this.prefix,
          lastEventId: last[0]?.[0] ?? '0-0',
        });
        events.on('error', (err) => (this.#lastError = err));
        events.on('completed', ({ jobId, returnvalue }) => this.#finished(name, jobId, returnvalue));
        events.on('failed', ({ jobId }) => this.#recheck(name, jobId));
        events.on('removed', ({ jobId }) => this.#recheck(name, jobId));
        events.on('progress', ({ jobId, data }) => this.#progressed(name, jobId, data));
        this.#eventsMade.push(events);
        await events.waitUntilReady();
        return events;
      })();
      this.#events.set(name, made);
      made.catch(() => {
        if (this.#events.get(name) === made) this.#events.delete(name); // asked again next time
      });
    }
    return made;
  }

  #finished(queue: string, jobId: string, value: unknown): void {
    const id = `${queue}/${jobId}`;
    const set = this.#waiters.get(id);
    if (!set) return this.#keepEarly(id, value);
    for (const w of [...set]) this.#deliver(w, value);
  }

  /** Settles a waiter with a finished job's result. */
  #deliver(w: Waiter, value: unknown): void {
    this.#toMatches(value).then(
      (v) => this.#settle(w, v, false, true),
      (err) => this.#settle(w, err, true),
    );
  }

  /** A worker's progress report: to the job's waiters; a shard's, summed into its flow's. */
  #progressed(queue: string, jobId: string, data: unknown): void {
    const p = readProgress(data);
    if (!p) return;
    const shard = shardJobId.exec(jobId);
    const id = `${queue}/${shard ? shard[1] : jobId}`;
    const set = this.#waiters.get(id);
    if (!set) return;
    let report = p;
    if (shard) {
      let parts = this.#shardProgress.get(id);
      if (!parts) this.#shardProgress.set(id, (parts = new Map()));
      parts.set(Number(shard[2]), p);
      const size = this.#issued.get(id);
      const shards = Math.max(typeof size === 'object' ? size.shards : 0, parts.size);
      let done = 0;
      for (const part of parts.values()) done += part.done;
      report = { done, total: shards * p.total, ...(p.worker ? { worker: p.worker } : {}) };
    }
    for (const w of set) {
      try {
        w.onProgress?.({ ...report });
      } catch {
        // a throwing callback must not lose the result
      }
    }
  }

  #recheck(queue: string, jobId: string): void {
    const id = `${queue}/${jobId}`;
    const set = this.#waiters.get(id);
    if (!set) return this.#keepEarly(id, null);
    for (const w of [...set]) void this.#check(w).catch((err) => this.#settle(w, this.#callError(err), true));
  }

  #keepEarly(id: string, value: unknown): void {
    if (!this.#issued.has(id)) return;
    this.#dropEarly(id);
    const bytes = value === null ? 0 : approximateBytes(value);
    if (bytes > EARLY_MAX_BYTES / 4) return; // looked up when asked for
    this.#early.set(id, value === null ? null : { value, bytes });
    this.#earlyBytes += bytes;
    for (const old of this.#early.keys()) {
      if (this.#early.size <= EARLY_MAX && this.#earlyBytes <= EARLY_MAX_BYTES) break;
      this.#dropEarly(old);
    }
  }

  /** The number of queries in a job this client queued (undefined when it did not). */
  #queriesOf(id: string): number | undefined {
    const size = this.#issued.get(id);
    return typeof size === 'object' ? size.queries : size;
  }

  #dropEarly(id: string): void {
    const had = this.#early.get(id);
    if (had === undefined) return;
    this.#early.delete(id);
    if (had) this.#earlyBytes -= had.bytes;
  }

  /**
   * Settles a waiter. `ended`: with the job's own end (its result, its failure, its cancel); from
   * then on the job is no longer one this client waits for, and once Redis drops it (its
   * retention) it is unknown like any other, not lost.
   */
  #settle(w: Waiter, value: unknown, failed: boolean, ended = false): void {
    if (ended) this.#issued.delete(w.id);
    const set = this.#waiters.get(w.id);
    if (!set?.delete(w)) return; // settled already
    if (set.size === 0) {
      this.#waiters.delete(w.id);
      this.#shardProgress.delete(w.id);
    }
    if (failed) w.reject(value);
    else w.resolve(value);
  }

  // ---- corpora -----------------------------------------------------------------------------

  async #store(key: string, corpus: Corpus): Promise<void> {
    // Stored once: an id names its content, so a second put only refreshes the expiry.
    if (!(await this.#redis.expire(key, CORPUS_TTL_SECONDS))) {
      const data = await encodeCorpus(corpus);
      this.#uploads++;
      try {
        await this.#redis.set(key, data, 'EX', CORPUS_TTL_SECONDS, 'NX');
      } finally {
        this.#uploads--;
      }
    }
  }

  async putCorpus(corpus: Corpus, options: PutCorpusOptions = {}): Promise<CorpusRef> {
    checkPlainCorpus('putCorpus', corpus);
    const count = checkShardCount(options.shards);
    this.#held.put(corpus.id, corpus);
    if (count === 1) {
      await this.#store(keys.corpus(this.prefix, corpus.id), corpus);
      return { id: corpus.id, size: corpus.size, shards: 1 };
    }
    const { manifest, parts } = splitShards(corpus, count);
    for (const part of parts) await this.#store(keys.shard(this.prefix, corpus.id, part.id), part);
    await this.#redis.set(keys.shards(this.prefix, corpus.id), JSON.stringify(manifest), 'EX', CORPUS_TTL_SECONDS);
    this.#corpora.delete(corpus.id);
    return { id: corpus.id, size: corpus.size, shards: manifest.shards.length };
  }

  async deleteCorpus(ref: CorpusRef | string): Promise<void> {
    const id = typeof ref === 'string' ? ref : ref.id;
    const raw = await this.#redis.get(keys.shards(this.prefix, id));
    const shardKeys = raw ? parseManifest(raw, id).shards.map((s) => keys.shard(this.prefix, id, s.id)) : [];
    await this.#redis.del(keys.corpus(this.prefix, id), keys.shards(this.prefix, id), ...shardKeys);
    this.#corpora.delete(id);
    this.#held.delete(id);
  }

  /**
   * The corpus's shard manifest, or null when it is stored whole; throws UnknownCorpusError.
   * Both facts are remembered for a few seconds, so a stream of calls costs no extra trips;
   * each look refreshes the corpus's expiry.
   */
  async #lookup(id: string): Promise<ShardManifest | null> {
    const now = Date.now();
    const hit = this.#corpora.get(id);
    if (hit && hit.until > now) return hit.manifest;
    const [[, raw], [, exists]] = (await this.#redis
      .multi()
      .getex(keys.shards(this.prefix, id), 'EX', CORPUS_TTL_SECONDS)
      .expire(keys.corpus(this.prefix, id), CORPUS_TTL_SECONDS)
      .exec()) as [[unknown, string | null], [unknown, number]];
    const manifest = raw ? parseManifest(raw, id) : null;
    if (!manifest && !exists) throw new UnknownCorpusError(id);
    if (manifest) {
      const m = this.#redis.multi();
      for (const s of manifest.shards) m.expire(keys.shard(this.prefix, id, s.id), CORPUS_TTL_SECONDS);
      await m.exec();
    }
    this.#corpora.set(id, { manifest, until: now + 5_000 });
    if (this.#corpora.size > 1_000) for (const [k, v] of this.#corpora) if (v.until <= now) this.#corpora.delete(k);
    return manifest;
  }

  /** The words of a corpus a result refers to: the one this client put, or fetched and checked. */
  async #corpus(id: string): Promise<Corpus> {
    return this.#held.get(id, async () => {
      const manifest = await this.#lookup(id);
      if (!manifest) {
        const data = await this.#redis.getBuffer(keys.corpus(this.prefix, id));
        if (!data) throw new UnknownCorpusError(id);
        return decodeCorpus(id, data, CORPUS_MAX_INFLATED_BYTES);
      }
      const { corpusFromParts, corpusPositions } = await import('../corpus.js');
      const words: string[] = [];
      const positions: number[] = [];
      for (const s of manifest.shards) {
        const data = await this.#redis.getBuffer(keys.shard(this.prefix, id, s.id));
        if (!data) throw new UnknownCorpusError(id);
        const shard = await decodeCorpus(s.id, data, CORPUS_MAX_INFLATED_BYTES);
        const at = corpusPositions(shard);
        for (let i = 0; i < shard.size; i++) {
          words.push(shard.words[i]);
          positions.push(at ? at[i] : i);
        }
      }
      const whole = corpusFromParts(words, Uint32Array.from(positions));
      if (whole.id !== id) throw new Error(`the shards of corpus ${id} in Redis failed their hash check`);
      return whole;
    });
  }

  /** An encoded result, with its words put back from the corpus. */
  async #toMatches(value: unknown): Promise<ClosestResult> {
    if (isPairsWire(value)) return decodePairs(value) as unknown as ClosestResult; // a selfJoin job's pairs: indices and scores only
    const id = resultCorpus(value);
    if (!id) throw new Error(`a job result in an unknown format (not protocol version ${PROTOCOL_VERSION})`);
    const raw = decodeResult(value);
    const corpus = await this.#corpus(id);
    return withWorker(withWords(corpus, raw), value);
  }

  // ---- jobs --------------------------------------------------------------------------------

  call<T extends ClientTask>(task: T, args: TaskArgs[T], options: CallOptions = {}): Promise<string> {
    return this.map(task, [args], options).then((ids) => ids[0]);
  }

  map<T extends ClientTask>(task: T, argsList: TaskArgs[T][], options: CallOptions = {}): Promise<string[]> {
    return this.#guard((sent) => this.#map(task, argsList, options, sent));
  }

  async #map<T extends ClientTask>(task: T, argsList: TaskArgs[T][], options: CallOptions, sent: Sent): Promise<string[]> {
    if (!Array.isArray(argsList)) throw new TypeError('map: argsList must be an array of task arguments');
    const routing = readRequirement(options.require);
    const require: Requirement = routing.backend;
    const attempts = options.attempts ?? 3;
    if (!Number.isInteger(attempts) || attempts < 1 || attempts > 100) {
      throw new RangeError(`attempts must be an integer in [1, 100], got ${attempts}`);
    }
    const parsed = argsList.map((a) => parseTask(task, a).args as ClosestArgs & { n: number; metric: string; queries: string[] });
    const datas = parsed.map((args) => ({ v: PROTOCOL_VERSION, kernel: KERNEL_VERSION, task, args, require }) satisfies JobData);
    for (const data of datas) {
      // measured only when it could be near the limit (a UTF-16 unit is at most 6 bytes of JSON)
      let bound = 1_024;
      for (const q of data.args.queries ?? []) bound += 6 * q.length + 3; // a selfJoin job has none
      if (bound <= LIMITS.jobDataBytes) continue;
      const bytes = Buffer.byteLength(JSON.stringify(data));
      if (bytes > LIMITS.jobDataBytes) {
        throw new TaskArgumentError(`bad arguments for task ${task}: the job data is ${bytes} bytes, at most ${LIMITS.jobDataBytes}; split the queries with map()`);
      }
    }
    // A corpus stored in shards is searched by a flow; one stored whole, by a plain job.
    const manifests = new Map<string, ShardManifest | undefined>();
    for (const id of new Set(parsed.map((a) => a.corpus))) manifests.set(id, (await this.#lookup(id)) ?? undefined);
    if (task === 'selfJoin' && [...manifests.values()].some(Boolean)) {
      // its rows are slots of the whole corpus's index, which no worker holds (issue 15)
      throw new TaskArgumentError('bad arguments for task selfJoin: corpus: stored in shards; selfJoin() joins a sharded corpus through join flows');
    }
    const name = routingQueue(routing);
    await this.#checkWorkers(routing, name);
    const opts = (a: { queries: string[]; n: number }, jobId = randomUUID()) => {
      // Retention bounded in bytes too: the larger a job's result may be, the fewer are kept.
      const resultBytes = a.queries ? 16 * a.queries.length * (a.n ?? JOIN_MATCHES_PER_QUERY_ESTIMATE) + 8 * a.queries.length + 256 : 22 * SELF_JOIN_PAIRS_PER_JOB;
      return {
        jobId,
        attempts,
        backoff: { type: 'exponential' as const, delay: 250 },
        removeOnComplete: { ...RETENTION.completed, count: Math.max(100, Math.min(RETENTION.completed.count, Math.floor(RESULT_BYTES_BUDGET / resultBytes))) },
        removeOnFail: RETENTION.failed,
        sizeLimit: LIMITS.jobDataBytes,
      };
    };
    await this.#queueEvents(name); // listening before the first job can finish
    const plain = datas.filter((d) => !manifests.get((d.args as ClosestArgs).corpus));
    const flows: FlowJob[] = datas
      .filter((d) => manifests.get((d.args as ClosestArgs).corpus))
      .map(({ args: a }) => {
        const manifest = manifests.get(a.corpus)!;
        const parent = randomUUID();
        // a join's chunk: the shards' matches merged whole (issue 15)
        const merge = task === 'join' ? { task: 'mergeJoin', args: { corpus: a.corpus, metric: a.metric } } : { task: 'mergeClosest', args: { corpus: a.corpus, n: a.n, metric: a.metric } };
        const shardTask = task === 'join' ? 'joinShard' : 'closestShard';
        return {
          name: merge.task,
          queueName: name,
          data: { v: PROTOCOL_VERSION, kernel: KERNEL_VERSION, task: merge.task, args: merge.args, require } satisfies JobData,
          opts: opts(a, parent),
          children: manifest.shards.map((shard, i) => ({
            name: shardTask,
            queueName: name,
            data: {
              v: PROTOCOL_VERSION,
              kernel: KERNEL_VERSION,
              task: shardTask,
              args: { ...a, corpus: a.corpus, shardId: shard.id },
              require,
            } satisfies JobData,
            opts: { ...opts(a, `${parent}-s${i}`), removeOnComplete: true, failParentOnFailure: true },
          })),
        };
      });
    const jobs = plain.map((data) => ({ name: task, data, opts: opts(data.args) }));
    // The ids are this client's own, in the caller's order, and known as issued before the add:
    // a job can end (and its event arrive) before the add's reply has been read, and an end of
    // a job not (yet) known as issued here would be dropped, leaving `result` to the late look.
    let p = 0;
    let f = 0;
    const ids = parsed.map((a) => `${name}/${manifests.get(a.corpus) ? flows[f++].opts!.jobId : jobs[p++].opts.jobId}`);
    // The call failed already (Redis was declared away while the steps above waited on it, or
    // the dispatcher closed), and its error named no jobs: none may be queued after it.
    if (sent.failed) throw new Error('the call failed before its jobs were queued');
    for (let i = 0; i < ids.length; i++) {
      const queries = parsed[i].queries?.length ?? 0;
      const shards = manifests.get(parsed[i].corpus)?.shards.length;
      this.#issued.set(ids[i], shards === undefined ? queries : { queries, shards });
    }
    sent.jobIds = ids;
    try {
      // one job: a plain add (one script call); more: one bulk round trip
      if (jobs.length === 1) await this.#queue(name).add(jobs[0].name, jobs[0].data, jobs[0].opts);
      else if (jobs.length) await this.#queue(name).addBulk(jobs);
      if (flows.length) {
        if (!this.#flows) {
          this.#flows = new (bullmq().FlowProducer)({ connection: this.#redis as unknown as ConnectionOptions, prefix: this.prefix });
          this.#flows.on('error', (err) => (this.#lastError = err));
        }
        await this.#flows.addBulk(flows);
      }
    } catch (err) {
      // Redis gone mid-add: the jobs may have been queued, and stay known as issued here
      if (!isConnectionError(err)) for (const id of ids) this.#issued.delete(id);
      throw err;
    }
    if (this.#issued.size > ISSUED_KEPT) {
      for (const id of this.#issued.keys()) {
        if (this.#issued.size <= ISSUED_KEPT) break;
        this.#issued.delete(id);
      }
    }
    return ids;
  }

  /**
   * Throws NoCapableWorkerError when no live worker consumes the queue this job needs. A
   * capability-named queue is registered and announced first: a live worker whose record
   * satisfies it joins it (at once, or at its next heartbeat), so one such worker is enough.
   */
  async #checkWorkers(routing: Routing, queue: string): Promise<void> {
    const require = routing.backend;
    if (this.#liveQueues && this.#liveQueues.until > Date.now() && this.#liveQueues.queues.has(queue)) return;
    if (isPinned(routing)) {
      await this.#redis.multi().sadd(routingKeys.queues(this.prefix), queue).publish(routingKeys.channel(this.prefix), queue).exec();
    }
    const live = await this.#workers();
    this.#liveQueues = { queues: new Set(live.flatMap((w) => w.queues)), until: Date.now() + 1_000 };
    if (live.some((w) => w.queues.includes(queue))) return;
    if (isPinned(routing)) {
      if (live.some((w) => missing(w, routing).length === 0)) return;
      const seen = live.map((w) => `${w.platform}-${w.arch} ${w.backend} kernel v${w.kernelVersion} (lacks ${missing(w, routing).join(', ')})`);
      throw new NoCapableWorkerError(
        `no live worker with ${describeRouting(routing)}` +
          (seen.length ? `; live: ${seen.join('; ')}` : '; start one with `strdist worker --redis URL`') +
          ` (prefix ${JSON.stringify(this.prefix)})`,
      );
    }
    const counts = new Map<string, number>();
    for (const w of live) {
      const label = w.backend === 'native' ? `the native kernel v${w.kernelVersion}` : `the js backend (kernel v${w.kernelVersion})`;
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    const seen = [...counts].map(([label, n]) => `${n} worker${n === 1 ? '' : 's'} with ${label}`).join(', ');
    const wanted = require === 'native' ? `with the native kernel v${KERNEL_VERSION}` : `at all for kernel v${KERNEL_VERSION}`;
    throw new NoCapableWorkerError(
      `no live worker ${wanted}` +
        (seen ? `; ${seen}` : '; start one with `strdist worker --redis URL`') +
        ` (prefix ${JSON.stringify(this.prefix)})`,
    );
  }

  /**
   * One look at a job (one round trip): settles the waiter when the job is finished, gone or
   * cancelled; leaves it waiting otherwise.
   */
  async #check(w: Waiter): Promise<void> {
    const q = this.#queue(w.queue);
    const jobKey = q.toKey(w.jobId);
    const [exists, done, failed, value, cancelled] = (await (this.#redis as Redis & { strdistJobState: JobStateCommand }).strdistJobState(
      jobKey,
      q.toKey('completed'),
      q.toKey('failed'),
      keys.cancelled(this.prefix, w.id),
      w.jobId,
    )) as [number, number, number, string | null, number];
    if (!exists) {
      if (cancelled) return this.#settle(w, new JobCancelledError(w.id), true, true);
      return this.#settle(w, this.#issued.has(w.id) ? new JobLostError(w.id) : new UnknownJobError(w.id), true);
    }
    if (done) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value as string);
      } catch {
        parsed = undefined;
      }
      return this.#settle(w, await this.#toMatches(parsed), false, true);
    }
    if (failed) {
      if (cancelled) return this.#settle(w, new JobCancelledError(w.id), true, true);
      return this.#settle(w, await this.#remoteError(w), true, true);
    }
  }

  async #remoteError(w: Waiter): Promise<RemoteJobError> {
    const q = this.#queue(w.queue);
    let failed = await bullmq().Job.fromId(q, w.jobId);
    if (!failed) return new RemoteJobError(`job ${w.id} failed`, w.id, undefined, undefined, 0);
    // A flow's parent fails when a child does: report the child's error and stack.
    const child = /^child (\S+) failed/.exec(failed.failedReason ?? '');
    if (child) failed = (await bullmq().Job.fromId(q, child[1].split(':').at(-1)!)) ?? failed;
    const progress = (failed.progress ?? {}) as Partial<JobProgress>;
    return new RemoteJobError(
      `job ${failed.name} ${w.id} failed on worker ${progress.worker ?? '(unknown)'}: ${failed.failedReason}`,
      w.id,
      progress.worker,
      failed.stacktrace?.at(-1) ?? undefined,
      failed.attemptsMade ?? 0,
    );
  }

  result<T extends ClientTask = MatchTask>(id: string, options: ResultOptions = {}): Promise<TaskResults[T]> {
    let timeoutMs: number;
    let where: { queue: string; jobId: string };
    try {
      timeoutMs = readTimeoutMs('result', options.timeoutMs);
      where = splitId(id);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.#closed) return Promise.reject(new Error('this dispatcher is closed'));
    return new Promise<TaskResults[T]>((resolve, reject) => {
      const early = this.#early.get(id);
      this.#dropEarly(id);
      // Issued here after this client's listener started: its end arrives as an event, or
      // arrived already (kept in `early`). One look later all the same, in case an event was
      // lost (the stream trimmed, the early store full); it costs nothing when none was.
      const byEvent = early === undefined && this.#issued.has(id) && this.#events.has(where.queue) && !this.#hung;
      const lookAt = byEvent ? Math.min(LOOK_AFTER_MS, timeoutMs / 2) : timeoutMs;
      const expire = () => this.#settle(w, new JobTimeoutError(id, timeoutMs), true);
      // Armed first: nothing below can make the caller wait longer than timeoutMs. One timer
      // serves both: it fires for the look, then again at the deadline (none for Infinity).
      let timer: NodeJS.Timeout | undefined;
      const arm = (ms: number, f: () => void) => {
        if (ms !== Infinity) timer = setTimeout(f, ms);
      };
      arm(lookAt, () => {
        if (lookAt >= timeoutMs) return expire();
        arm(timeoutMs - lookAt, expire);
        void look();
      });
      const w: Waiter = {
        id,
        ...where,
        onProgress: options.onProgress,
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as TaskResults[T]);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      const look = () => this.#check(w).catch((err) => this.#settle(w, this.#callError(err), true));
      let set = this.#waiters.get(id);
      if (!set) this.#waiters.set(id, (set = new Set()));
      set.add(w);
      this.#watch();
      if (early) return this.#deliver(w, early.value);
      if (byEvent) return;
      // Listening first, then one look at the job: a finish between the two is seen by one.
      const ready = this.#redis.status === 'ready' && !this.#hung;
      (ready ? this.#queueEvents(w.queue) : this.#ready().then(() => this.#queueEvents(w.queue)))
        .then(() => this.#check(w))
        .catch((err) => this.#settle(w, this.#callError(err), true));
    });
  }

  async join<T extends ClientTask = MatchTask>(ids: string[], options?: JoinOptions & { settled?: false }): Promise<TaskResults[T][]>;
  async join<T extends ClientTask = MatchTask>(ids: string[], options: JoinOptions & { settled: true }): Promise<Settled<TaskResults[T]>[]>;
  async join<T extends ClientTask = MatchTask>(ids: string[], options: JoinOptions = {}): Promise<unknown[]> {
    if (!Array.isArray(ids)) throw new TypeError('join: ids must be an array of job ids');
    // Every job is waited for to the end, even when one fails: no result is left pending.
    const all = await settleAll(ids, options, (id, o) => this.result<T>(id, o), (id) => this.#queriesOf(id));
    if (options.settled) return all.map((s) => (s.status === 'fulfilled' ? { status: 'fulfilled', value: s.value } : { status: 'rejected', reason: s.reason }));
    const failed = all.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    return all.map((s) => (s as PromiseFulfilledResult<unknown>).value);
  }

  each<T extends ClientTask = MatchTask>(ids: string[], options: JoinOptions = {}): AsyncIterable<Finished<TaskResults[T]>> {
    return inCompletionOrder<TaskResults[T]>(ids, options, (id, o) => this.result(id, o), (id) => this.#queriesOf(id));
  }

  status(id: string): Promise<JobStatus>;
  status(id: string, options: { progress: true }): Promise<JobState>;
  async status(id: string, options?: { progress?: boolean }): Promise<JobStatus | JobState> {
    const status = await this.#status(id);
    if (!options?.progress) return status;
    const { queue, jobId } = splitId(id);
    const raw = await this.#redis.hget(this.#queue(queue).toKey(jobId), 'progress');
    let progress: Progress | undefined;
    try {
      progress = readProgress(JSON.parse(raw ?? 'null'));
    } catch {
      progress = undefined; // not a report of ours
    }
    return progress ? { status, progress } : { status };
  }

  async #status(id: string): Promise<JobStatus> {
    const { queue, jobId } = splitId(id);
    const state = await this.#queue(queue).getJobState(jobId);
    if (state === 'completed') return 'completed';
    // status and result agree: a job marked cancelled is cancelled unless it completed.
    if (await this.#redis.exists(keys.cancelled(this.prefix, id))) return 'cancelled';
    switch (state) {
      case 'active':
        return 'active';
      case 'failed':
        return 'failed';
      case 'unknown':
        throw this.#issued.has(id) ? new JobLostError(id) : new UnknownJobError(id);
      default:
        return 'waiting'; // waiting, delayed, prioritized, waiting-children
    }
  }

  kill(id: string): Promise<boolean> {
    return this.cancel(id);
  }

  async cancel(id: string): Promise<boolean> {
    const { queue, jobId } = splitId(id);
    const q = this.#queue(queue);
    const job = await bullmq().Job.fromId(q, jobId);
    if (!job) return false;
    const state = await job.getState();
    if (state === 'completed' || state === 'failed' || state === 'unknown') return false;
    // The children of a flow's parent are cancelled with it.
    const deps = state === 'waiting-children' ? await job.getDependencies() : {};
    const children = [...Object.keys(deps.processed ?? {}), ...(deps.unprocessed ?? [])].map(
      (key) => `${queue}/${key.split(':').at(-1)}`,
    );
    const targets = [id, ...children];
    const m = this.#redis.multi();
    for (const t of targets) m.set(keys.cancelled(this.prefix, t), '1', 'EX', RETENTION.failed.age);
    for (const t of targets) m.publish(keys.killChannel(this.prefix), t);
    await m.exec();
    // A waiting job is removed (with its flow's waiting children); a running one is aborted by
    // its worker on the message, or fails as cancelled after its run when the message is lost.
    if (state !== 'active') await job.remove().catch(() => {});
    return true;
  }

  /** A fuzzy join run by the workers, streamed (src/dispatch/join.ts). */
  fuzzyJoin(corpus: CorpusRef | string, queries: Iterable<string> | Corpus, options: DispatchJoinOptions): AsyncIterableIterator<JoinRow> {
    return dispatchJoin(this, corpus, queries, options);
  }

  /** A self-join run by the workers, streamed (src/dispatch/join.ts). */
  selfJoin(corpus: CorpusRef | string | Corpus, options: DispatchSelfJoinOptions): AsyncIterableIterator<JoinPair> {
    return dispatchSelfJoin(this, corpus, options);
  }

  /** Clusters of near-duplicates over the workers' self-join (src/dispatch/join.ts). */
  dedupe(corpus: CorpusRef | string | Corpus, options: DispatchDedupeOptions): Promise<number[][]> {
    return dispatchDedupe(this, corpus, options);
  }

  async fetchCorpus(corpus: CorpusRef | string): Promise<{ corpus: Corpus; shards: number }> {
    const id = typeof corpus === 'string' ? corpus : corpus?.id;
    if (typeof id !== 'string') throw new TypeError(`fetchCorpus: give a CorpusRef or a corpus id, got ${typeof corpus}`);
    const manifest = await this.#lookup(id);
    return { corpus: await this.#corpus(id), shards: manifest ? manifest.shards.length : 1 };
  }

  async workers(): Promise<WorkerInfo[]> {
    return this.#workers();
  }

  async #workers(): Promise<WorkerInfo[]> {
    const [[, time], [, members], [, records]] = (await this.#redis
      .multi()
      .time()
      .zrange(keys.workerSet(this.prefix), '0', '-1', 'WITHSCORES')
      .hgetall(keys.workerRecords(this.prefix))
      .exec()) as [[unknown, [string, string]], [unknown, string[]], [unknown, Record<string, string>]];
    const now = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
    const out: WorkerInfo[] = [];
    for (let i = 0; i < members.length; i += 2) {
      if (Number(members[i + 1]) <= now) continue;
      const raw = records[members[i]];
      if (!raw) continue;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        continue; // not a record of ours
      }
      const parsed = workerRecord.safeParse(value);
      if (parsed.success) out.push(parsed.data as unknown as WorkerInfo);
    }
    return out.sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#watchdog);
    clearTimeout(this.#downTimer);
    const closed = new Error('this dispatcher is closed');
    for (const fail of [...this.#inflight]) fail(closed);
    for (const set of [...this.#waiters.values()]) for (const w of [...set]) this.#settle(w, closed, true);
    const bounded = (p: Promise<unknown> | undefined) => within(p ?? Promise.resolve(), UNAVAILABLE_MS);
    await Promise.all([
      ...this.#eventsMade.map((e) => bounded(e.close())),
      ...[...this.#queues.values()].map((q) => bounded(q.close())),
      bounded(this.#flows?.close()),
    ]);
    for (const e of this.#eventsMade) (e as unknown as { disconnect?: () => Promise<void> }).disconnect?.().catch(() => {});
    this.#redis.disconnect();
  }
}
