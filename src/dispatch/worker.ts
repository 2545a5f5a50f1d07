// A strdist worker: loads the native binary, proves it with a self-test, publishes what it can
// do, and consumes only the queues it can serve. On close it stops taking jobs and hands the
// running ones back to the queue (not a stall: no attempt is used up).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ConnectionOptions, Job, UnrecoverableError, Worker as BullWorker } from 'bullmq';
import { bullmq, ioredis } from './deps.js';
import { jsKernel, selectBackend, setBackendState, type Backend } from '../backend/index.js';
import { describeCapability } from '../capability.js';
import type { Corpus } from '../corpus.js';
import { ERROR_CODES } from '../errors.js';
import { KERNEL_VERSION } from '../kernel.js';
import { selfTest } from '../selftest.js';
import { parseTask, PROGRESS_CHUNK, PROTOCOL_VERSION } from '../tasks.js';
import { CorpusCache, sizeOf } from './cache.js';
import { MAX_ROUTING_QUEUES, missing, parseRoutingQueue, routingKeys } from './routing.js';
import { CorruptCorpusError, decodeCorpus } from './corpus-store.js';
import type { JobData, JobProgress } from './queue.js';
import {
  checkPrefix,
  CORPUS_MAX_INFLATED_BYTES,
  CORPUS_MAX_STORED_BYTES,
  CORPUS_TTL_SECONDS,
  describeTarget,
  EVENTS_MAX_LEN,
  HEARTBEAT_MS,
  keys,
  queueFor,
  redisOptions,
  WORKER_TTL_MS,
  within,
  type RedisConnectOptions,
} from './redis.js';
import { UnknownCorpusError, type WorkerInfo } from './types.js';

/** What the worker logs through: pino's shape (a pino logger fits). */
export interface WorkerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface WorkerOptions extends RedisConnectOptions {
  /**
   * Jobs run at once. The native search already uses every thread for one job.
   * @defaultValue 1
   */
  concurrency?: number;
  /** Refuse to start without the native kernel (exit non-zero from the CLI). @defaultValue false */
  requireNative?: boolean;
  /** Bytes of corpora kept in memory. @defaultValue 1 GiB */
  cacheBytes?: number;
  /** Threads for one search. @defaultValue the CPUs this process may use (cgroup quota included) */
  threads?: number;
  /**
   * Lock time of a running job (renewed every half of it while the job runs): a worker that
   * dies loses its jobs after this, and another worker picks them up. Keep it well above the
   * longest event-loop stall (measured: under 1 s for the 663k-word list).
   * @defaultValue 30000 (BullMQ's default)
   */
  lockDurationMs?: number;
  /**
   * A long job reports its progress at most this often (and at most once per PROGRESS_CHUNK
   * queries); 0 reports every chunk.
   * @defaultValue PROGRESS_MS (1000)
   */
  progressMs?: number;
  /** Structured log lines (start, backend, failures, shutdown); silent when omitted. */
  logger?: WorkerLogger;
}

export interface RunningWorker {
  readonly id: string;
  readonly info: WorkerInfo;
  /**
   * Stops taking jobs, hands the running ones back to the queue (and any received while it
   * stops), leaves the registry. Settles within about CLOSE_WAIT_MS even when Redis is away.
   */
  close(): Promise<void>;
}

const silent: WorkerLogger = { info() {}, warn() {}, error() {} };

/**
 * CPUs this process may use: the core count, capped by the CPU quota of its cgroup and of every
 * cgroup above it (cgroup v2 `cpu.max`, v1 `cpu.cfs_quota_us`), found from /proc/self/cgroup:
 * in a container (its own cgroup namespace) that is the container's quota; on a host, that of
 * the service's cgroup (a systemd `CPUQuota=`, say).
 */
export function availableThreads(): number {
  return Math.max(1, Math.min(availableParallelism(), cgroupCpuLimit()));
}

function cgroupCpuLimit(): number {
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8').trim();
    } catch {
      return undefined;
    }
  };
  /** quota / period, rounded up; Infinity for "max", -1 or a missing file */
  const cpus = (quota: string | undefined, period: string | undefined) => {
    const q = Number(quota);
    const p = Number(period);
    return Number.isFinite(q) && q > 0 && p > 0 ? Math.max(1, Math.ceil(q / p)) : Infinity;
  };
  /** the cgroup's directory under `root` and each one above it */
  const dirs = (root: string, path: string) => {
    const parts = path.split('/').filter(Boolean);
    return parts.map((_, i) => `${root}/${parts.slice(0, parts.length - i).join('/')}`).concat(root);
  };
  let limit = Infinity;
  for (const line of read('/proc/self/cgroup')?.split('\n') ?? []) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    const [, controllers, path] = m;
    if (controllers === '') {
      for (const root of ['/sys/fs/cgroup', '/sys/fs/cgroup/unified']) {
        for (const dir of dirs(root, path)) {
          const [quota, period] = read(`${dir}/cpu.max`)?.split(/\s+/) ?? []; // "max 100000" or "150000 100000"
          limit = Math.min(limit, cpus(quota, period));
        }
      }
    } else if (controllers.split(',').includes('cpu')) {
      for (const root of new Set([`/sys/fs/cgroup/${controllers}`, '/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpu,cpuacct'])) {
        for (const dir of dirs(root, path)) limit = Math.min(limit, cpus(read(`${dir}/cpu.cfs_quota_us`), read(`${dir}/cpu.cfs_period_us`)));
      }
    }
  }
  return limit;
}

/** Chooses the worker's backend: native if it loads and passes the self-test, else js. */
function chooseBackend(options: WorkerOptions, log: WorkerLogger): Backend {
  let state: Backend;
  try {
    state = selectBackend();
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0];
    if (options.requireNative) throw new Error(`strdist worker: the native kernel cannot load: ${reason}`);
    log.warn({ reason }, `native backend unavailable (${reason}); serving "any" jobs with the js backend`);
    return { kernel: jsKernel, reason };
  }
  const failures = selfTest(state.kernel);
  if (failures.length > 0) {
    const reason = `self-test failed: ${failures[0]}` + (state.binaryPath ? ` (binary ${state.binaryPath})` : '');
    if (state.kernel.name === 'native' && !options.requireNative) {
      log.warn({ reason }, `native backend ${reason}; serving "any" jobs with the js backend`);
      return { kernel: jsKernel, reason };
    }
    throw new Error(`strdist worker: ${state.kernel.name} backend ${reason}`);
  }
  if (state.kernel.name !== 'native') {
    if (options.requireNative) throw new Error(`strdist worker: the native kernel is not in use: ${state.reason}`);
    log.warn({ reason: state.reason }, `js backend (${state.reason}); serving "any" jobs only`);
  }
  return state;
}

function positiveInt(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/** Errors that no retry can cure: argument errors, a corrupt or missing corpus, a version mismatch. */
const NEVER_RETRIED = new Set<string>([
  ERROR_CODES.ARGUMENT,
  ERROR_CODES.UNKNOWN_OPTION,
  ERROR_CODES.OPTION,
  ERROR_CODES.TOO_LARGE,
  ERROR_CODES.TASK_ARGUMENT,
  ERROR_CODES.UNKNOWN_CORPUS,
]);

function unrecoverable(err: Error): UnrecoverableError {
  const u = new (bullmq().UnrecoverableError)(err.message);
  // keep where it happened: the caller's RemoteJobError carries this stack
  u.stack = `UnrecoverableError: ${err.message}\n${(err.stack ?? '').split('\n').slice(1).join('\n')}`;
  return u;
}

/**
 * A long job reports its progress when both this long and PROGRESS_CHUNK queries have passed
 * since its last report (or its start): a short job never spends a round trip on it.
 */
export const PROGRESS_MS = 1_000;

/** Runs at least this long read the cancel mark when they end. */
const RECHECK_AFTER_MS = 20;

/** After a reconnect, jobs locked by this worker and not in its hands are looked for twice, this far apart. */
const ORPHAN_LOOK_MS = 1_000;

/** The abort reason of the jobs close() stops (a cancelled job's is 'cancelled'). */
const SHUTDOWN = 'shutting down';

/**
 * close() waits this long for the running jobs to be handed back and the queues to close, then
 * drops its connections (Redis away: the jobs go back after their lock time); under the CLI's
 * 10 s.
 */
const CLOSE_WAIT_MS = 5_000;

/**
 * Refreshes this worker's registry entry and drops expired ones, on Redis's clock; keeps each
 * queue's event stream bounded (any other BullMQ Queue on it would reset the bound to 10,000).
 */
const BEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
for _, id in ipairs(dead) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
end
for i = 3, #KEYS do
  redis.call('HSET', KEYS[i], 'opts.maxLenEvents', ARGV[4])
end
return now`;

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const log = options.logger ?? silent;
  const prefix = checkPrefix(options.prefix);
  const concurrency = positiveInt('concurrency', options.concurrency, 1);
  const threads = positiveInt('threads', options.threads, availableThreads());
  const cacheBytes = positiveInt('cacheBytes', options.cacheBytes, 2 ** 30);
  const lockDuration = positiveInt('lockDurationMs', options.lockDurationMs, 30_000);
  const progressMs = options.progressMs === 0 ? 0 : positiveInt('progressMs', options.progressMs, PROGRESS_MS);
  const state = chooseBackend(options, log);
  setBackendState(state);
  const backend = state.kernel.name;
  const kernelVersion = state.addon?.kernelVersion ?? KERNEL_VERSION;

  const connection = redisOptions(options.redis, { maxRetriesPerRequest: null });
  const where = describeTarget(connection);
  const { Redis } = ioredis();
  const { Job, UnrecoverableError, WaitingError, Worker } = bullmq();
  const redis = new Redis(connection);
  const subscriber = new Redis(connection);
  let redisDown = false;
  const onError = (which: string) => (err: Error) => {
    if (!redisDown) log.error({ redis: where, connection: which, err: err.message }, `Redis connection error: ${err.message}`);
    redisDown = true;
  };
  redis.on('error', onError('commands'));
  subscriber.on('error', onError('kill messages'));
  redis.on('ready', () => {
    if (redisDown) log.info({ redis: where }, 'Redis connection back');
    redisDown = false;
  });

  // Refuse what this worker cannot serve correctly, and say what may lose data.
  const info = await redis.info();
  if (/^cluster_enabled:1/m.test(info)) {
    redis.disconnect();
    subscriber.disconnect();
    throw new Error('strdist worker: Redis Cluster is not supported; use a standalone Redis (with replicas and Sentinel if needed)');
  }
  const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
  if (policy && policy !== 'noeviction') {
    log.warn(
      { maxmemoryPolicy: policy },
      `Redis maxmemory-policy is ${policy}: under memory pressure Redis may evict jobs and worker records; set it to noeviction`,
    );
  }

  const id = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const queues = backend === 'native' ? [queueFor('native', kernelVersion), queueFor('any', kernelVersion)] : [queueFor('any', kernelVersion)];
  const info0: WorkerInfo = {
    ...describeCapability(state),
    threads,
    id,
    hostname: hostname(),
    pid: process.pid,
    queues,
    concurrency,
    startedAt: Date.now(),
    heartbeatAt: Date.now(),
    selfTest: 'passed',
    jobs: { completed: 0, failed: 0 },
    current: [],
  };
  const current = info0.current!;
  const counts = info0.jobs!;

  const ranBy = { id, arch: info0.arch, platform: info0.platform, backend };
  const cache = new CorpusCache(cacheBytes);
  // Over the stored or inflated limits a corpus is refused for good (no worker reads it); over
  // this worker's cache only, the job may be retried, by a worker with a larger cache.
  const overCache = (expectId: string, why: string) =>
    new Error(`corpus ${expectId} does not fit this worker's corpus cache (${cacheBytes} bytes, --cache-bytes): ${why}; a worker with a larger cache can run the job`);
  const maxInflated = Math.min(CORPUS_MAX_INFLATED_BYTES, cacheBytes);
  /** Reads a stored corpus: length checked before the read, inflated with a cap, hash-checked. */
  const fetchCorpus = async (key: string, expectId: string): Promise<Corpus> => {
    const [[, length]] = (await redis.multi().strlen(key).expire(key, CORPUS_TTL_SECONDS).exec()) as [[unknown, number]];
    if (!length) throw new UnknownCorpusError(expectId);
    if (length > CORPUS_MAX_STORED_BYTES) {
      throw new CorruptCorpusError(`corpus ${expectId} in Redis is ${length} bytes, over the limit of ${CORPUS_MAX_STORED_BYTES}`);
    }
    if (length > cacheBytes) throw overCache(expectId, `it is ${length} bytes stored`);
    const data = await redis.getBuffer(key);
    if (!data) throw new UnknownCorpusError(expectId);
    const corpus = await decodeCorpus(expectId, data, maxInflated, maxInflated < CORPUS_MAX_INFLATED_BYTES ? (why) => overCache(expectId, why) : undefined);
    // The cache counts a corpus by what it holds in memory (several times its JSON for short
    // words): one that fit as JSON may still not fit the cache, which would then hold it anyway.
    // Checked before its first search builds the native index.
    const bytes = sizeOf(corpus);
    if (bytes > cacheBytes) throw overCache(expectId, `it holds about ${bytes} bytes in memory`);
    return corpus;
  };

  const shuttingDown = { value: false };
  let handedBack = 0;
  /** The jobs in the processor, as `queue/id`. */
  const inHand = new Set<string>();

  /** Back to the waiting list, without using up an attempt; another worker runs it. */
  const handBack = async (job: Job<JobData>, token: string, why: string) => {
    await job.moveToWait(token);
    handedBack++;
    log.info({ job: `${job.queueName}/${job.id}` }, why);
    return new WaitingError();
  };

  const processor = async (job: Job<JobData>, token?: string, signal?: AbortSignal) => {
    const clientId = `${job.queueName}/${job.id}`;
    // Received while closing: its fetch was under way when close() stopped the running jobs
    // (the move of the job before to completed fetches the next one). Back, not run.
    if (shuttingDown.value && token) throw await handBack(job, token, 'job received while shutting down handed back to the queue');
    let running: (typeof current)[number] | undefined;
    inHand.add(clientId);
    try {
      const data = job.data ?? ({} as Partial<JobData>);
      if (data.v !== PROTOCOL_VERSION) {
        throw new UnrecoverableError(
          `job protocol version ${data.v ?? '(none: strdist before 0.2)'}, but this worker (strdist ${info0.version}) speaks protocol version ${PROTOCOL_VERSION}`,
        );
      }
      if (data.kernel !== kernelVersion) {
        throw new UnrecoverableError(`job queued for kernel version ${String(data.kernel)}, but this worker runs kernel version ${kernelVersion}`);
      }
      let parsed;
      try {
        parsed = parseTask(data.task, data.args, true);
      } catch (err) {
        throw unrecoverable(err as Error);
      }
      const startedAt = Date.now();
      const now: (typeof current)[number] = { id: clientId, task: String(data.task), startedAt };
      current.push((running = now));
      let last = { at: startedAt, done: 0 };
      const progress = (done: number, total: number) => {
        now.done = done;
        now.total = total;
        const at = Date.now();
        if (done >= total || done - last.done < PROGRESS_CHUNK || at - last.at < progressMs) return;
        last = { at, done };
        void job.updateProgress({ worker: id, done, total } satisfies JobProgress).catch(() => {});
      };
      const result = await parsed.def.run(parsed.args, {
        progress,
        corpus: (corpusId) => cache.get(corpusId, () => fetchCorpus(keys.corpus(prefix, corpusId), corpusId)),
        shard: (parent, shardId) => cache.get(shardId, () => fetchCorpus(keys.shard(prefix, parent, shardId), shardId)),
        children: async () => Object.values(await job.getChildrenValues()),
        backend,
        threads,
        signal: signal ?? new AbortController().signal,
      });
      // A run long enough to be cancelled while it ran reads the cancel mark when it ends, so a
      // cancel whose message was lost (or that raced the job's start) still counts. A shorter
      // one completes without the extra round trip: it then is, and reads as, completed.
      if (Date.now() - startedAt >= RECHECK_AFTER_MS && (await redis.exists(keys.cancelled(prefix, clientId)))) {
        throw new UnrecoverableError(`job ${clientId} was cancelled`);
      }
      counts.completed++;
      // who ran it: the client puts it on the result (result.worker)
      return result && typeof result === 'object' ? { ...result, worker: ranBy } : result;
    } catch (err) {
      // Stopped by close() (not cancelled: a cancelled job fails as cancelled, even when the
      // worker closes while it unwinds).
      if (shuttingDown.value && signal?.aborted && signal.reason === SHUTDOWN && token) {
        throw await handBack(job, token, 'running job handed back to the queue (shutting down)');
      }
      counts.failed++;
      // The caller's RemoteJobError names the worker: it travels in the job's progress.
      const at = running?.done !== undefined ? { done: running.done, total: running.total } : {};
      await job.updateProgress({ worker: id, ...at } satisfies JobProgress).catch(() => {});
      if (signal?.aborted) throw new UnrecoverableError(`job ${clientId} was cancelled`);
      const e = err as Error & { code?: string };
      log.warn({ job: clientId, task: job.data?.task, attempt: job.attemptsMade + 1, err: e.message }, `job failed: ${e.message}`);
      if (err instanceof UnrecoverableError) throw err;
      if (err instanceof CorruptCorpusError || (e.code && NEVER_RETRIED.has(e.code))) throw unrecoverable(e);
      throw err;
    } finally {
      inHand.delete(clientId);
      if (running) current.splice(current.indexOf(running), 1);
    }
  };

  // A job can be this worker's in Redis and not in its hands. BullMQ's move of a job to
  // completed also moves the next one to active under this worker's lock; when that reply is
  // lost with the connection (Redis killed just after it ran the command, or the link reset),
  // the job sat locked, running nowhere, until the lock expired and the stalled check found it
  // (30 s and more). After each reconnect, the jobs locked with one of this worker's tokens that
  // it is not running, at two looks ORPHAN_LOOK_MS apart (a job just received reaches the
  // processor in between), go back to the waiting list, the token checked by BullMQ's script.
  const notInHand = async () => {
    const found = new Map<string, { w: BullWorker; jobId: string; token: string }>();
    for (const w of workers) {
      const ids = await redis.lrange(w.keys.active, 0, -1);
      if (!ids.length) continue;
      const tokens = await redis.mget(ids.map((jobId) => `${w.toKey(jobId)}:lock`));
      ids.forEach((jobId, i) => {
        const token = tokens[i];
        const clientId = `${w.name}/${jobId}`;
        if (token?.startsWith(`${w.id}:`) && !inHand.has(clientId)) found.set(`${clientId} ${token}`, { w, jobId, token });
      });
    }
    return found;
  };
  let sweeping: Promise<void> | undefined;
  let sweepAgain = false;
  const sweep = async (): Promise<void> => {
    const pause = () => new Promise((r) => setTimeout(r, ORPHAN_LOOK_MS).unref());
    await pause();
    const first = await notInHand();
    if (!first.size) return;
    await pause();
    for (const [key, { w, jobId, token }] of await notInHand()) {
      if (!first.has(key) || shuttingDown.value) continue;
      const job = await Job.fromId(w, jobId);
      if (!job) continue;
      await job.moveToWait(token);
      log.warn({ job: `${w.name}/${jobId}` }, `job ${w.name}/${jobId}: locked by this worker, which never received it (the reply was lost with the connection); handed back to the queue`);
    }
  };
  const sweepSoon = () => {
    if (shuttingDown.value) return;
    if (sweeping) {
      sweepAgain = true;
      return;
    }
    sweeping = sweep()
      .catch((err: Error) => {
        if (!shuttingDown.value) log.warn({ err: err.message }, `looking for jobs locked by this worker failed: ${err.message}`);
      })
      .finally(() => {
        sweeping = undefined;
        if (sweepAgain) {
          sweepAgain = false;
          sweepSoon();
        }
      });
  };

  /** The queues take jobs once the worker is registered and hears cancel messages. */
  let taking = false;
  const take = (w: BullWorker) => {
    w.run().catch((err: Error) => log.error({ queue: w.name, err: err.message }, `queue ${w.name}: ${err.message}`));
  };
  const consume = (name: string) => {
    const w = new Worker<JobData>(name, processor, {
      connection: connection as ConnectionOptions,
      name: id, // recorded in the job as processedBy
      prefix,
      concurrency,
      lockDuration,
      stalledInterval: Math.max(1_000, Math.floor(lockDuration / 2)),
      maxStalledCount: 2,
      autorun: false,
    });
    w.on('error', (err) => log.error({ queue: name, err: err.message }, `queue ${name}: ${err.message}`));
    // every (re)connection of the connection BullMQ takes jobs on
    void w
      .getBackend()
      .client.then((client) => client.on('ready', sweepSoon))
      .catch(() => {});
    if (taking) take(w);
    return w;
  };
  const workers: BullWorker[] = [];

  // Capability-named queues (require: { arch, platform, cpuFeatures }): clients register them
  // in a set and announce them on a channel; this worker joins each one its record satisfies.
  let routingFull = false;
  let routingJoined = 0;
  const joinRouting = async (name: string) => {
    if (queues.includes(name) || shuttingDown.value) return;
    const wanted = parseRoutingQueue(name);
    if (!wanted || missing(info0, wanted, wanted.kernelVersion).length || wanted.kernelVersion !== kernelVersion) return;
    if (routingJoined >= MAX_ROUTING_QUEUES) {
      if (!routingFull) log.warn({ queue: name }, `not joining ${name}: this worker already serves ${MAX_ROUTING_QUEUES} capability-named queues`);
      routingFull = true;
      return;
    }
    routingJoined++;
    queues.push(name);
    const w = consume(name);
    workers.push(w);
    log.info({ queue: name }, `joined ${name}`);
    await w.waitUntilReady().catch(() => {});
    await beat();
  };
  const scanRouting = async () => {
    try {
      for (const name of await redis.smembers(routingKeys.queues(prefix))) await joinRouting(name);
    } catch (err) {
      log.warn({ err: (err as Error).message }, `reading the capability-named queues failed: ${(err as Error).message}`);
    }
  };

  // Cancel messages: BullMQ aborts the job's processor through its signal.
  subscriber.on('message', (channel: string, clientId: string) => {
    if (channel === routingKeys.channel(prefix)) {
      void joinRouting(clientId);
      return;
    }
    const at = clientId.indexOf('/');
    const queue = clientId.slice(0, at);
    const w = workers[queues.indexOf(queue)];
    if (w?.cancelJob(clientId.slice(at + 1), 'cancelled')) log.info({ job: clientId }, 'job cancelled');
  });

  let beatFailing = false;
  const beat = async () => {
    info0.heartbeatAt = Date.now();
    try {
      const metas = queues.map((name) => `${prefix}:${name}:meta`);
      await redis.eval(BEAT, 2 + metas.length, keys.workerSet(prefix), keys.workerRecords(prefix), ...metas, id, WORKER_TTL_MS, JSON.stringify(info0), EVENTS_MAX_LEN);
      if (beatFailing) log.info({}, 'heartbeat recovered');
      beatFailing = false;
    } catch (err) {
      if (!beatFailing) log.error({ err: (err as Error).message }, `heartbeat failed: ${(err as Error).message}`);
      beatFailing = true;
    }
  };

  // The lock is renewed on the event loop: say so when the loop stalls for a fair share of it.
  // Sampled once a second: a stall worth a warning lasts seconds, and a finer sampling timer
  // would wake an idle worker 50 times a second.
  const delay = monitorEventLoopDelay({ resolution: 1_000 });
  let timer: NodeJS.Timeout | undefined;

  /**
   * Stops taking jobs and hands the running ones back (each aborted, then moved to waiting by
   * its processor), within CLOSE_WAIT_MS; then drops this worker's connections.
   */
  const stop = async () => {
    shuttingDown.value = true;
    clearInterval(timer);
    delay.disable();
    const closed = Promise.allSettled(workers.map((w) => w.close()));
    for (const w of workers) w.cancelAllJobs(SHUTDOWN);
    if (!(await within(closed, CLOSE_WAIT_MS))) {
      log.warn(
        { worker: id, lockDurationMs: lockDuration },
        `worker ${id}: Redis did not answer while stopping; jobs not handed back go back to the queue after their lock (${lockDuration} ms)`,
      );
      await within(Promise.allSettled(workers.map((w) => w.disconnect())), 1_000);
    }
    await within(redis.multi().zrem(keys.workerSet(prefix), id).hdel(keys.workerRecords(prefix), id).exec(), 1_000);
    subscriber.disconnect();
    redis.disconnect();
  };

  try {
    workers.push(...queues.map(consume));
    await Promise.all(workers.map((w) => w.waitUntilReady()));
    await subscriber.subscribe(keys.killChannel(prefix), routingKeys.channel(prefix));
    await scanRouting();
    await beat();
  } catch (err) {
    // No job has been taken yet: nothing is left running, not even a connection.
    await stop();
    throw err;
  }
  for (const w of workers) take(w);
  taking = true;
  delay.enable();
  let beats = 0;
  timer = setInterval(() => {
    void scanRouting().then(beat);
    if (++beats % 5 !== 0) return;
    const stallMs = Math.round(delay.max / 1e6);
    delay.reset();
    if (stallMs > lockDuration / 4) {
      log.warn({ stallMs, lockDurationMs: lockDuration }, `event loop blocked for ${stallMs} ms; the job lock is ${lockDuration} ms`);
    }
  }, HEARTBEAT_MS);
  timer.unref();
  log.info(
    { worker: id, backend, kernelVersion, queues, prefix, threads, concurrency, lockDurationMs: lockDuration },
    `worker ${id}: ${backend} backend, kernel v${kernelVersion}, queues ${queues.join(', ')}, prefix ${prefix}`,
  );

  let closing: Promise<void> | undefined;
  return {
    id,
    info: info0,
    close() {
      return (closing ??= (async () => {
        await stop();
        log.info({ worker: id, handedBack }, `worker ${id}: stopped (${handedBack} running job${handedBack === 1 ? '' : 's'} handed back)`);
      })());
    },
  };
}
