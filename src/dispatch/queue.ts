// The BullMQ dispatcher (client side): jobs are queued on Redis for `strdist worker` processes.
import { randomUUID } from 'node:crypto';
import { FlowProducer, Job, Queue, QueueEvents, type ConnectionOptions, type FlowJob } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { Corpus } from '../corpus.js';
import { KERNEL_VERSION } from '../kernel.js';
import { parseTask, type ClosestArgs } from '../tasks.js';
import { checkShardCount, encodeCorpus, splitShards, type ShardManifest } from './corpus-store.js';
import { DEFAULT_PREFIX, keys, queueFor, redisOptions, RETENTION, type RedisConnectOptions } from './redis.js';
import { RedisUnavailableError } from '../errors.js';
export { RedisUnavailableError };
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
  type JobStatus,
  type Requirement,
  type ResultOptions,
  type ClientTask,
  type PutCorpusOptions,
  type TaskArgs,
  type TaskResults,
  type WorkerInfo,
} from './types.js';

/** The job data on the queue: a task name and its arguments, nothing else. */
export interface JobData {
  task: string;
  args: unknown;
  require: Requirement;
}

/** What a worker reports in the job's progress while it runs it. */
export interface JobProgress {
  worker: string;
}


function isConnectionError(err: unknown): boolean {
  const e = err as { name?: string; code?: string; message?: string };
  return (
    e?.name === 'MaxRetriesPerRequestError' ||
    e?.code === 'ECONNREFUSED' ||
    e?.code === 'ECONNRESET' ||
    /max retries per request|Connection is closed|ECONNREFUSED|connect ETIMEDOUT/i.test(e?.message ?? '')
  );
}

function splitId(id: string): { queue: string; jobId: string } {
  const at = typeof id === 'string' ? id.indexOf('/') : -1;
  if (at <= 0) throw new UnknownJobError(String(id));
  return { queue: id.slice(0, at), jobId: id.slice(at + 1) };
}

export class QueueDispatcher implements Dispatcher {
  readonly kind = 'redis' as const;
  readonly prefix: string;
  readonly #connection: RedisOptions;
  readonly #redis: Redis;
  readonly #queues = new Map<string, Queue>();
  readonly #events = new Map<string, Promise<QueueEvents>>();
  #flows: FlowProducer | undefined;
  /** Corpus ids known to be stored, with their shard manifest (null: stored whole). */
  readonly #corpora = new Map<string, { manifest: ShardManifest | null; until: number }>();
  /** Queues a live worker consumed at the last look, for a moment (heartbeats are seconds apart). */
  #liveQueues: { queues: Set<string>; until: number } | undefined;

  readonly #where: string;

  constructor(options: RedisConnectOptions) {
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    // The client fails fast while Redis is away, rather than queueing commands for ever.
    this.#connection = redisOptions(options.redis, { maxRetriesPerRequest: 1, connectTimeout: 5_000 });
    this.#redis = new Redis({ ...this.#connection, lazyConnect: false });
    this.#redis.on('error', () => {}); // reported through the failing calls
    this.#where = `${this.#connection.host ?? '127.0.0.1'}:${this.#connection.port ?? 6379}`;
    // Every public call turns "Redis is away" into one clear, fast error.
    for (const method of ['putCorpus', 'deleteCorpus', 'map', 'result', 'status', 'kill', 'workers'] as const) {
      const inner = this[method].bind(this) as (...args: unknown[]) => Promise<unknown>;
      (this as Record<string, unknown>)[method] = async (...args: unknown[]) => {
        try {
          return await inner(...args);
        } catch (err) {
          throw isConnectionError(err) ? new RedisUnavailableError(this.#where, err) : err;
        }
      };
    }
  }

  #queue(name: string): Queue {
    let q = this.#queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.#connection as ConnectionOptions, prefix: this.prefix });
      q.on('error', () => {});
      q.setMaxListeners(0); // every waiting result() listens for the queue closing
      this.#queues.set(name, q);
    }
    return q;
  }

  #queueEvents(name: string): Promise<QueueEvents> {
    let e = this.#events.get(name);
    if (!e) {
      const events = new QueueEvents(name, {
        connection: { ...this.#connection, maxRetriesPerRequest: null } as ConnectionOptions,
        prefix: this.prefix,
      });
      events.on('error', () => {});
      events.setMaxListeners(0);
      e = events.waitUntilReady().then(() => events);
      this.#events.set(name, e);
    }
    return e;
  }

  async #store(corpus: Corpus): Promise<void> {
    const key = keys.corpus(this.prefix, corpus.id);
    // Stored once: an id names its content, so a second put has nothing to add.
    if (!(await this.#redis.exists(key))) await this.#redis.set(key, encodeCorpus(corpus), 'NX');
  }

  async putCorpus(corpus: Corpus, options: PutCorpusOptions = {}): Promise<CorpusRef> {
    const count = checkShardCount(options.shards);
    if (count === 1) {
      await this.#store(corpus);
      return { id: corpus.id, size: corpus.size, shards: 1 };
    }
    const { manifest, parts } = splitShards(corpus, count);
    for (const p of parts) await this.#store(p);
    await this.#redis.set(keys.shards(this.prefix, corpus.id), JSON.stringify(manifest));
    this.#corpora.delete(corpus.id);
    return { id: corpus.id, size: corpus.size, shards: manifest.shards.length };
  }

  async deleteCorpus(ref: CorpusRef | string): Promise<void> {
    const id = typeof ref === 'string' ? ref : ref.id;
    const manifest = await this.#manifest(id);
    const shardKeys = manifest?.shards.map((s) => keys.corpus(this.prefix, s.id)) ?? [];
    await this.#redis.del(keys.corpus(this.prefix, id), keys.shards(this.prefix, id), ...shardKeys);
    this.#corpora.delete(id);
  }

  async #manifest(id: string): Promise<ShardManifest | undefined> {
    this.#corpora.delete(id);
    const raw = await this.#redis.get(keys.shards(this.prefix, id));
    return raw ? (JSON.parse(raw) as ShardManifest) : undefined;
  }

  async call<T extends ClientTask>(task: T, args: TaskArgs[T], options: CallOptions = {}): Promise<string> {
    return (await this.map(task, [args], options))[0];
  }

  async map<T extends ClientTask>(task: T, argsList: TaskArgs[T][], options: CallOptions = {}): Promise<string[]> {
    if (!Array.isArray(argsList)) throw new TypeError('map: argsList must be an array of task arguments');
    const require: Requirement = options.require ?? 'native';
    if (require !== 'native' && require !== 'any') {
      throw new RangeError(`require must be "native" or "any", got ${JSON.stringify(require)}`);
    }
    const attempts = options.attempts ?? 3;
    if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`attempts must be a positive integer, got ${attempts}`);
    const parsed = argsList.map((a) => parseTask(task, a).args as ClosestArgs & { n: number; metric: string });
    // A corpus stored in shards is searched by a flow; one stored whole, by a plain job.
    const manifests = new Map<string, ShardManifest | undefined>();
    for (const id of new Set(parsed.map((a) => a.corpus))) manifests.set(id, (await this.#lookup(id)) ?? undefined);
    await this.#checkWorkers(require);
    const name = queueFor(require);
    const opts = () => ({
      jobId: randomUUID(),
      attempts,
      backoff: { type: 'exponential' as const, delay: 250 },
      removeOnComplete: RETENTION.completed,
      removeOnFail: RETENTION.failed,
    });
    await this.#queueEvents(name); // listening before the first job can finish
    const plain = parsed.filter((a) => !manifests.get(a.corpus));
    const flows: FlowJob[] = parsed
      .filter((a) => manifests.get(a.corpus))
      .map((a) => ({
        name: 'mergeClosest',
        queueName: name,
        data: { task: 'mergeClosest', args: { n: a.n, metric: a.metric }, require } satisfies JobData,
        opts: opts(),
        children: manifests.get(a.corpus)!.shards.map((shard) => ({
          name: task,
          queueName: name,
          data: { task, args: { ...a, corpus: shard.id }, require } satisfies JobData,
          opts: { ...opts(), failParentOnFailure: true },
        })),
      }));
    const jobs = plain.map((args) => ({ name: task, data: { task, args, require } satisfies JobData, opts: opts() }));
    // one job: a plain add (one script call); more: one bulk round trip
    const addedPlain =
      jobs.length === 1
        ? [await this.#queue(name).add(jobs[0].name, jobs[0].data, jobs[0].opts)]
        : jobs.length
          ? await this.#queue(name).addBulk(jobs)
          : [];
    let addedFlows: { job: Job }[] = [];
    if (flows.length) {
      this.#flows ??= new FlowProducer({ connection: this.#connection as ConnectionOptions, prefix: this.prefix });
      addedFlows = await this.#flows.addBulk(flows);
    }
    // ids in the caller's order
    let p = 0;
    let f = 0;
    return parsed.map((a) => `${name}/${manifests.get(a.corpus) ? addedFlows[f++].job.id : addedPlain[p++].id}`);
  }

  /**
   * The corpus's shard manifest, or null when it is stored whole; throws UnknownCorpusError.
   * Both facts are remembered for a few seconds, so a stream of calls costs no extra trips.
   */
  async #lookup(id: string): Promise<ShardManifest | null> {
    const now = Date.now();
    const hit = this.#corpora.get(id);
    if (hit && hit.until > now) return hit.manifest;
    const [[, raw], [, exists]] = (await this.#redis
      .multi()
      .get(keys.shards(this.prefix, id))
      .exists(keys.corpus(this.prefix, id))
      .exec()) as [[unknown, string | null], [unknown, number]];
    const manifest = raw ? (JSON.parse(raw) as ShardManifest) : null;
    if (!manifest && !exists) throw new UnknownCorpusError(id);
    this.#corpora.set(id, { manifest, until: now + 5_000 });
    return manifest;
  }

  /** Throws NoCapableWorkerError when no live worker consumes the queue this job needs. */
  async #checkWorkers(require: Requirement): Promise<void> {
    const queue = queueFor(require);
    if (this.#liveQueues && this.#liveQueues.until > Date.now() && this.#liveQueues.queues.has(queue)) return;
    const live = await this.workers();
    this.#liveQueues = { queues: new Set(live.flatMap((w) => w.queues)), until: Date.now() + 1_000 };
    if (live.some((w) => w.queues.includes(queue))) return;
    const counts = new Map<string, number>();
    for (const w of live) {
      const label = w.backend === 'native' ? `the native kernel v${w.kernelVersion}` : 'the js backend';
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    const seen = [...counts].map(([label, n]) => `${n} worker${n === 1 ? '' : 's'} with ${label}`).join(', ');
    const wanted = require === 'native' ? `with the native kernel v${KERNEL_VERSION}` : 'at all';
    throw new NoCapableWorkerError(
      `no live worker ${wanted}` +
        (seen ? `; ${seen}` : '; start one with `strdist worker --redis URL`') +
        ` (prefix ${JSON.stringify(this.prefix)})`,
    );
  }

  async #job(id: string): Promise<{ job: Job | undefined; queue: string; jobId: string }> {
    const { queue, jobId } = splitId(id);
    const job = await Job.fromId(this.#queue(queue), jobId);
    return { job, queue, jobId };
  }

  async #cancelled(id: string): Promise<boolean> {
    return (await this.#redis.exists(keys.cancelled(this.prefix, id))) === 1;
  }

  async result<T extends ClientTask = ClientTask>(id: string, options: ResultOptions = {}): Promise<TaskResults[T]> {
    const timeoutMs = options.timeoutMs ?? 60_000;
    const { queue, jobId } = splitId(id);
    const events = await this.#queueEvents(queue);
    // A handle on the job by id (no fetch): waiting checks its state once, then listens.
    const handle = new Job(this.#queue(queue), 'closest', {}, {}, jobId);
    try {
      return (await handle.waitUntilFinished(events, timeoutMs)) as TaskResults[T];
    } catch (err) {
      if (/timed out before finishing/.test((err as Error).message)) throw new JobTimeoutError(id, timeoutMs);
      if (await this.#cancelled(id)) throw new JobCancelledError(id);
      let failed = await Job.fromId(this.#queue(queue), jobId);
      if (!failed) throw isConnectionError(err) ? err : new UnknownJobError(id);
      // A flow's parent fails when a child does: report the child's error and stack.
      const child = /^child (\S+) failed/.exec(failed.failedReason ?? '');
      if (child) {
        const childId = child[1].split(':').at(-1)!;
        failed = (await Job.fromId(this.#queue(queue), childId)) ?? failed;
      }
      const progress = (failed.progress ?? {}) as Partial<JobProgress>;
      const reason = failed.failedReason ?? (err as Error).message;
      throw new RemoteJobError(
        `job ${failed.name} ${id} failed on worker ${progress.worker ?? '(unknown)'}: ${reason}`,
        id,
        progress.worker,
        failed.stacktrace?.at(-1) ?? undefined,
        failed.attemptsMade ?? 0,
      );
    }
  }

  async status(id: string): Promise<JobStatus> {
    if (await this.#cancelled(id)) return 'cancelled';
    const { job } = await this.#job(id);
    if (!job) throw new UnknownJobError(id);
    const state = await job.getState();
    switch (state) {
      case 'active':
        return 'active';
      case 'completed':
        return 'completed';
      case 'failed':
        return 'failed';
      case 'unknown':
        throw new UnknownJobError(id);
      default:
        return 'waiting'; // waiting, delayed, prioritized, waiting-children
    }
  }

  async join<T extends ClientTask = ClientTask>(ids: string[], options?: ResultOptions): Promise<TaskResults[T][]> {
    return Promise.all(ids.map((id) => this.result<T>(id, options)));
  }

  async kill(id: string): Promise<boolean> {
    const { job } = await this.#job(id);
    if (!job) return false;
    const state = await job.getState();
    if (state === 'completed' || state === 'failed' || state === 'unknown') return false;
    await this.#redis.set(keys.cancelled(this.prefix, id), '1', 'EX', RETENTION.failed.age);
    if (state === 'active') {
      // The worker running it aborts it; it then fails without a retry.
      await this.#redis.publish(keys.killChannel(this.prefix), id);
      return true;
    }
    try {
      await job.remove();
    } catch {
      // it became active meanwhile: have its worker stop it
      await this.#redis.publish(keys.killChannel(this.prefix), id);
    }
    return true;
  }

  async workers(): Promise<WorkerInfo[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.#redis.scan(cursor, 'MATCH', keys.workerPattern(this.prefix), 'COUNT', 500);
      cursor = next;
      found.push(...batch);
    } while (cursor !== '0');
    if (found.length === 0) return [];
    const values = await this.#redis.mget(found);
    const out: WorkerInfo[] = [];
    for (const v of values) {
      if (!v) continue;
      try {
        out.push(JSON.parse(v) as WorkerInfo);
      } catch {
        // a record that is not ours: ignore it
      }
    }
    return out.sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
  }

  async close(): Promise<void> {
    const events = await Promise.allSettled([...this.#events.values()]);
    await Promise.allSettled([
      ...events.map((e) => (e.status === 'fulfilled' ? e.value.close() : undefined)),
      ...[...this.#queues.values()].map((q) => q.close()),
      this.#flows?.close(),
    ]);
    this.#redis.disconnect();
  }
}
