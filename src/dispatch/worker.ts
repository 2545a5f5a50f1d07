// A strdist worker: loads the native binary, proves it with a self-test, publishes what it can
// do, and consumes only the queues it can serve.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { jsKernel, selectBackend, setBackendState, type Backend } from '../backend/index.js';
import { describeCapability } from '../capability.js';
import { selfTest } from '../selftest.js';
import { parseTask, TaskArgumentError } from '../tasks.js';
import { CorpusCache } from './cache.js';
import { decodeCorpus } from './corpus-store.js';
import type { JobData, JobProgress } from './queue.js';
import {
  DEFAULT_PREFIX,
  HEARTBEAT_MS,
  keys,
  queueFor,
  redisOptions,
  WORKER_TTL_MS,
  type RedisConnectOptions,
} from './redis.js';
import { JobCancelledError, UnknownCorpusError, type WorkerInfo } from './types.js';

export interface WorkerOptions extends RedisConnectOptions {
  /**
   * Jobs run at once. The native search already uses every core for one job.
   * @defaultValue 1
   */
  concurrency?: number;
  /** Refuse to start without the native kernel (exit non-zero from the CLI). @defaultValue false */
  requireNative?: boolean;
  /** Bytes of corpora kept in memory. @defaultValue 1 GiB */
  cacheBytes?: number;
  /**
   * Lock time of a running job: a worker that dies loses its jobs after this, and another
   * worker picks them up.
   * @defaultValue 5000
   */
  lockDurationMs?: number;
  /** One line per event (start, backend, shutdown); silent when omitted. */
  log?: (line: string) => void;
}

export interface RunningWorker {
  readonly id: string;
  readonly info: WorkerInfo;
  close(): Promise<void>;
}

/** Chooses the worker's backend: native if it loads and passes the self-test, else js. */
function chooseBackend(options: WorkerOptions, log: (l: string) => void): Backend {
  let state: Backend;
  try {
    state = selectBackend();
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0];
    if (options.requireNative) throw new Error(`strdist worker: the native kernel cannot load: ${reason}`);
    log(`strdist worker: native backend unavailable (${reason}); serving "any" jobs with the js backend`);
    return { kernel: jsKernel, reason };
  }
  const failures = selfTest(state.kernel);
  if (failures.length > 0) {
    const reason = `self-test failed: ${failures[0]}`;
    if (state.kernel.name === 'native' && !options.requireNative) {
      log(`strdist worker: native backend ${reason}; serving "any" jobs with the js backend`);
      return { kernel: jsKernel, reason };
    }
    throw new Error(`strdist worker: ${state.kernel.name} backend ${reason}`);
  }
  if (state.kernel.name !== 'native') {
    if (options.requireNative) throw new Error(`strdist worker: the native kernel is not in use: ${state.reason}`);
    log(`strdist worker: js backend (${state.reason}); serving "any" jobs only`);
  }
  return state;
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const log = options.log ?? (() => {});
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }
  const state = chooseBackend(options, log);
  setBackendState(state);
  const backend = state.kernel.name;

  const connection = redisOptions(options.redis, { maxRetriesPerRequest: null });
  const redis = new Redis(connection);
  const subscriber = new Redis(connection);
  redis.on('error', () => {});
  subscriber.on('error', () => {});

  const id = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const queues = backend === 'native' ? [queueFor('native', state.addon!.kernelVersion), queueFor('any')] : [queueFor('any')];
  const info: WorkerInfo = {
    ...describeCapability(state),
    id,
    hostname: hostname(),
    pid: process.pid,
    queues,
    concurrency,
    startedAt: Date.now(),
    heartbeatAt: Date.now(),
    selfTest: 'passed',
  };

  const cache = new CorpusCache(options.cacheBytes ?? 2 ** 30);
  const loadCorpus = (corpusId: string) =>
    cache.get(corpusId, async () => {
      const data = await redis.getBuffer(keys.corpus(prefix, corpusId));
      if (!data) throw new UnrecoverableError(new UnknownCorpusError(corpusId).message);
      return decodeCorpus(corpusId, data);
    });

  // Running jobs by client id, so a kill message can abort one.
  const running = new Map<string, AbortController>();
  await subscriber.subscribe(keys.killChannel(prefix));
  subscriber.on('message', (_channel: string, jobId: string) => running.get(jobId)?.abort(new JobCancelledError(jobId)));

  const processor = async (job: Job<JobData>) => {
    const clientId = `${job.queueName}/${job.id}`;
    const abort = new AbortController();
    running.set(clientId, abort);
    // Asked now, read when the task is done: a kill that raced the job's start still counts,
    // without a round trip before the work (a kill during the work arrives as a message).
    const cancelled = redis.exists(keys.cancelled(prefix, clientId)).catch(() => 0);
    try {
      let parsed;
      try {
        parsed = parseTask(job.data?.task, job.data?.args, true);
      } catch (err) {
        throw new UnrecoverableError((err as Error).message);
      }
      const result = await parsed.def.run(parsed.args, {
        corpus: loadCorpus,
        children: async () => Object.values(await job.getChildrenValues()),
        backend,
        signal: abort.signal,
      });
      if (await cancelled) throw new UnrecoverableError(`job ${clientId} was cancelled`);
      return result;
    } catch (err) {
      // The caller's RemoteJobError names the worker: it travels in the job's progress.
      await job.updateProgress({ worker: id } satisfies JobProgress).catch(() => {});
      if (abort.signal.aborted) throw new UnrecoverableError(`job ${clientId} was cancelled`);
      if (err instanceof TaskArgumentError) throw new UnrecoverableError(err.message);
      throw err;
    } finally {
      running.delete(clientId);
    }
  };

  const lockDuration = options.lockDurationMs ?? 5_000;
  const workers = queues.map((name) => {
    const w = new Worker<JobData>(name, processor, {
      connection: connection as ConnectionOptions,
      prefix,
      concurrency,
      lockDuration,
      stalledInterval: Math.max(1_000, Math.floor(lockDuration / 2)),
      maxStalledCount: 2,
    });
    w.on('error', (err) => log(`strdist worker: ${name}: ${err.message}`));
    return w;
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));

  const beat = async () => {
    info.heartbeatAt = Date.now();
    await redis.set(keys.worker(prefix, id), JSON.stringify(info), 'PX', WORKER_TTL_MS).catch(() => {});
  };
  await beat();
  const timer = setInterval(() => void beat(), HEARTBEAT_MS);
  timer.unref();
  log(`strdist worker ${id}: ${backend} backend, kernel v${info.kernelVersion}, queues ${queues.join(', ')}, prefix ${prefix}`);

  let closing: Promise<void> | undefined;
  return {
    id,
    info,
    close() {
      return (closing ??= (async () => {
        clearInterval(timer);
        await Promise.allSettled(workers.map((w) => w.close()));
        await redis.del(keys.worker(prefix, id)).catch(() => {});
        subscriber.disconnect();
        redis.disconnect();
        log(`strdist worker ${id}: stopped`);
      })());
    },
  };
}
