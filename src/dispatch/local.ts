// The embedded dispatcher: the same API as the BullMQ one, with the jobs run in this process
// through the same task code the workers run. The default when no Redis is configured.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { backendState } from '../backend/index.js';
import { describeCapability } from '../capability.js';
import { checkPlainCorpus, type Corpus } from '../corpus.js';
import { decodeResult, mergeClosest, parseTask, TASKS, withWorker, type ClosestArgs, type ClosestResult, type RawResult } from '../tasks.js';
import { decodePairs, TaskArgumentError } from '../tasks.js';
import { checkShardCount, splitShards, withWords, type ShardManifest } from './corpus-store.js';
import { inCompletionOrder, readTimeoutMs, settleAll } from './progress.js';
import { queueFor } from './redis.js';
import { dispatchJoin, dispatchDedupe, dispatchSelfJoin, type DispatchDedupeOptions, type DispatchJoinOptions, type DispatchSelfJoinOptions } from './join.js';
import type { JoinPair, JoinRow } from '../join.js';
import { describeRouting, missing, readRequirement } from './routing.js';
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
  type ResultOptions,
  type Settled,
  type ClientTask,
  type MatchTask,
  type PutCorpusOptions,
  type TaskArgs,
  type TaskResults,
  type WorkerInfo,
} from './types.js';

interface LocalJob {
  id: string;
  task: string;
  args: unknown;
  status: JobStatus;
  result?: unknown;
  error?: Error;
  abort: AbortController;
  done: Promise<void>;
  settle: () => void;
  progress?: Progress;
  /** Queries in the job. */
  total?: number;
  /** A sharded search: shards in all, and the one searched now. */
  shards?: number;
  shard?: number;
  listeners: Set<(p: Progress) => void>;
}

const RETAIN = 10_000;
const WORKER_ID = `embedded-${process.pid}`;

export class LocalDispatcher implements Dispatcher {
  readonly kind = 'embedded' as const;
  readonly #corpora = new Map<string, Corpus>();
  readonly #manifests = new Map<string, ShardManifest>();
  /** Sharded corpora whole, to put words back into results. */
  readonly #whole = new Map<string, Corpus>();
  readonly #jobs = new Map<string, LocalJob>();
  readonly #queue: LocalJob[] = [];
  #running = 0;
  #closed = false;
  readonly #startedAt = Date.now();

  constructor(readonly concurrency = 1) {}

  async putCorpus(corpus: Corpus, options: PutCorpusOptions = {}): Promise<CorpusRef> {
    this.#open();
    checkPlainCorpus('putCorpus', corpus);
    const count = checkShardCount(options.shards);
    if (count === 1) {
      this.#corpora.set(corpus.id, corpus);
      return { id: corpus.id, size: corpus.size, shards: 1 };
    }
    const { manifest, parts } = splitShards(corpus, count);
    for (const p of parts) this.#corpora.set(p.id, p);
    this.#manifests.set(corpus.id, manifest);
    this.#whole.set(corpus.id, corpus);
    return { id: corpus.id, size: corpus.size, shards: manifest.shards.length };
  }

  async deleteCorpus(ref: CorpusRef | string): Promise<void> {
    const id = typeof ref === 'string' ? ref : ref.id;
    for (const s of this.#manifests.get(id)?.shards ?? []) this.#corpora.delete(s.id);
    this.#manifests.delete(id);
    this.#whole.delete(id);
    this.#corpora.delete(id);
  }

  async call<T extends ClientTask>(task: T, args: TaskArgs[T], options: CallOptions = {}): Promise<string> {
    return (await this.map(task, [args], options))[0];
  }

  async map<T extends ClientTask>(task: T, argsList: TaskArgs[T][], options: CallOptions = {}): Promise<string[]> {
    this.#open();
    const parsed = argsList.map((a) => parseTask(task, a));
    for (const { def, args } of parsed) {
      for (const id of def.corpora(args)) {
        if (!this.#corpora.has(id) && !this.#manifests.has(id)) throw new UnknownCorpusError(id);
      }
    }
    const routing = readRequirement(options.require);
    if (routing.backend === 'native' && backendState().kernel.name !== 'native') {
      throw new NoCapableWorkerError(
        `no live worker with the native kernel: this process runs the js backend (${backendState().reason ?? ''})`,
      );
    }
    const lacks = missing(describeCapability(backendState()), routing);
    if (lacks.length) {
      const cap = describeCapability(backendState());
      throw new NoCapableWorkerError(
        `no live worker with ${describeRouting(routing)}: this process is ${cap.platform}-${cap.arch} (lacks ${lacks.join(', ')})`,
      );
    }
    return parsed.map(({ args }) => {
      let settle!: () => void;
      const done = new Promise<void>((r) => (settle = r));
      const job: LocalJob = { id: randomUUID(), task, args, total: (args as { queries?: unknown[] }).queries?.length, status: 'waiting', abort: new AbortController(), done, settle, listeners: new Set() };
      this.#jobs.set(job.id, job);
      this.#queue.push(job);
      this.#trim();
      queueMicrotask(() => this.#pump());
      return job.id;
    });
  }

  async result<T extends ClientTask = MatchTask>(id: string, options: ResultOptions = {}): Promise<TaskResults[T]> {
    const timeoutMs = readTimeoutMs('result', options.timeoutMs);
    const job = this.#job(id);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => {
      if (timeoutMs !== Infinity) timer = setTimeout(() => r('timeout'), timeoutMs);
    });
    const onProgress = options.onProgress;
    if (onProgress) job.listeners.add(onProgress);
    const outcome = await Promise.race([job.done.then(() => 'done' as const), timeout]);
    clearTimeout(timer);
    if (onProgress) job.listeners.delete(onProgress);
    if (outcome === 'timeout') throw new JobTimeoutError(id, timeoutMs);
    if (job.status === 'cancelled') throw new JobCancelledError(id);
    if (job.status === 'failed') {
      throw new RemoteJobError(`job ${job.task} ${id} failed on worker ${WORKER_ID}: ${job.error?.message}`, id, WORKER_ID, job.error?.stack, 1);
    }
    return job.result as TaskResults[T];
  }

  status(id: string): Promise<JobStatus>;
  status(id: string, options: { progress: true }): Promise<JobState>;
  async status(id: string, options?: { progress?: boolean }): Promise<JobStatus | JobState> {
    const job = this.#job(id);
    if (!options?.progress) return job.status;
    return job.progress ? { status: job.status, progress: { ...job.progress } } : { status: job.status };
  }

  each<T extends ClientTask = MatchTask>(ids: string[], options: JoinOptions = {}): AsyncIterable<Finished<TaskResults[T]>> {
    return inCompletionOrder<TaskResults[T]>(ids, options, (id, o) => this.result(id, o), (id) => this.#jobs.get(id)?.total);
  }

  async join<T extends ClientTask = MatchTask>(ids: string[], options?: JoinOptions & { settled?: false }): Promise<TaskResults[T][]>;
  async join<T extends ClientTask = MatchTask>(ids: string[], options: JoinOptions & { settled: true }): Promise<Settled<TaskResults[T]>[]>;
  async join<T extends ClientTask = MatchTask>(ids: string[], options: JoinOptions = {}): Promise<unknown[]> {
    const all = await settleAll(ids, options, (id, o) => this.result<T>(id, o), (id) => this.#jobs.get(id)?.total);
    if (options.settled) return all.map((s) => (s.status === 'fulfilled' ? { status: 'fulfilled', value: s.value } : { status: 'rejected', reason: s.reason }));
    const failed = all.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    return all.map((s) => (s as PromiseFulfilledResult<unknown>).value);
  }

  kill(id: string): Promise<boolean> {
    return this.cancel(id);
  }

  async cancel(id: string): Promise<boolean> {
    const job = this.#job(id);
    if (job.status === 'waiting') {
      this.#queue.splice(this.#queue.indexOf(job), 1);
      job.status = 'cancelled';
      job.settle();
      return true;
    }
    if (job.status === 'active') {
      job.abort.abort(new JobCancelledError(id));
      return true;
    }
    return false;
  }

  /** A self-join run in this process through the selfJoin task, streamed (src/dispatch/join.ts). */
  selfJoin(corpus: CorpusRef | string | Corpus, options: DispatchSelfJoinOptions): AsyncIterableIterator<JoinPair> {
    return dispatchSelfJoin(this, corpus, options);
  }

  dedupe(corpus: CorpusRef | string | Corpus, options: DispatchDedupeOptions): Promise<number[][]> {
    return dispatchDedupe(this, corpus, options);
  }

  async fetchCorpus(corpus: CorpusRef | string): Promise<{ corpus: Corpus; shards: number }> {
    const id = typeof corpus === 'string' ? corpus : corpus?.id;
    const whole = typeof id === 'string' ? (this.#whole.get(id) ?? this.#corpora.get(id)) : undefined;
    if (!whole) throw new UnknownCorpusError(String(id));
    return { corpus: whole, shards: this.#manifests.get(id!)?.shards.length ?? 1 };
  }

  /** A fuzzy join run by the workers, streamed (src/dispatch/join.ts). */
  fuzzyJoin(corpus: CorpusRef | string, queries: Iterable<string> | Corpus, options: DispatchJoinOptions): AsyncIterableIterator<JoinRow> {
    return dispatchJoin(this, corpus, queries, options);
  }

  async workers(): Promise<WorkerInfo[]> {
    const cap = describeCapability(backendState());
    const queues = cap.backend === 'native' ? [queueFor('native', cap.kernelVersion), queueFor('any', cap.kernelVersion)] : [queueFor('any', cap.kernelVersion)];
    return [
      {
        ...cap,
        id: WORKER_ID,
        hostname: hostname(),
        pid: process.pid,
        queues,
        concurrency: this.concurrency,
        startedAt: this.#startedAt,
        heartbeatAt: Date.now(),
        selfTest: 'passed',
      },
    ];
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) {
      job.status = 'cancelled';
      job.settle();
    }
    for (const job of this.#jobs.values()) if (job.status === 'active') job.abort.abort(new JobCancelledError(job.id));
  }

  #open(): void {
    if (this.#closed) throw new Error('this dispatcher is closed');
  }

  #job(id: string): LocalJob {
    const job = this.#jobs.get(id);
    if (!job) throw new UnknownJobError(id);
    return job;
  }

  /** Keeps at most RETAIN jobs, dropping the oldest finished ones. */
  #trim(): void {
    if (this.#jobs.size <= RETAIN) return;
    for (const [id, job] of this.#jobs) {
      if (this.#jobs.size <= RETAIN) break;
      if (job.status !== 'waiting' && job.status !== 'active') this.#jobs.delete(id);
    }
  }

  #progress(job: LocalJob, done: number, total: number): void {
    // a sharded search reports per shard: count the shards before this one as done
    const shards = job.shards ?? 1;
    const p: Progress = { done: (job.shard ?? 0) * total + done, total: shards * total, worker: WORKER_ID };
    job.progress = p;
    for (const listener of [...job.listeners]) {
      try {
        listener({ ...p });
      } catch {
        // a throwing callback must not fail the job
      }
    }
  }

  #pump(): void {
    while (this.#running < this.concurrency && this.#queue.length > 0) {
      const job = this.#queue.shift()!;
      this.#running++;
      job.status = 'active';
      void this.#run(job).finally(() => {
        this.#running--;
        job.settle();
        this.#pump();
      });
    }
  }

  async #run(job: LocalJob): Promise<void> {
    try {
      const { def, args } = parseTask(job.task, job.args);
      const ctx = {
        corpus: async (id: string) => {
          const c = this.#corpora.get(id);
          if (!c) throw new UnknownCorpusError(id);
          return c;
        },
        shard: async (_parent: string, shardId: string) => ctx.corpus(shardId),
        children: async () => [],
        backend: backendState().kernel.name,
        signal: job.abort.signal,
        progress: (done: number, total: number) => this.#progress(job, done, total),
      };
      const a = args as Required<Pick<ClosestArgs, 'n' | 'metric' | 'queries' | 'corpus'>> & ClosestArgs;
      if (def.name === 'selfJoin') {
        // rows of a self-join (issue 15): pairs in corpus indices, no words to put back
        if (this.#manifests.has(a.corpus)) {
          throw new TaskArgumentError('bad arguments for task selfJoin: corpus: stored in shards; selfJoin() joins a sharded corpus through join flows');
        }
        const cap = describeCapability(backendState());
        const worker = { id: WORKER_ID, arch: cap.arch, platform: cap.platform, backend: cap.backend };
        job.result = decodePairs({ ...((await def.run(args, ctx)) as object), worker });
        job.status = job.abort.signal.aborted ? 'cancelled' : 'completed';
        return;
      }
      const isJoin = def.name === 'join';
      const manifest = def.name === 'closest' || isJoin ? this.#manifests.get(a.corpus) : undefined;
      let raw: RawResult;
      if (manifest) {
        // The same steps as a flow on the queue: one search per shard, then the merge.
        const parts: RawResult[] = [];
        const shardTask = isJoin ? TASKS.joinShard : TASKS.closestShard;
        job.shards = manifest.shards.length;
        for (const [i, shard] of manifest.shards.entries()) {
          job.shard = i;
          const shardArgs = { ...a, shardId: shard.id };
          parts.push(decodeResult(await shardTask.run(shardArgs as never, ctx)));
        }
        raw = mergeClosest(parts, isJoin ? Infinity : a.n, a.metric);
      } else {
        raw = decodeResult(await def.run(args, ctx));
      }
      const corpus = this.#whole.get(a.corpus) ?? (await ctx.corpus(a.corpus));
      const cap = describeCapability(backendState());
      const worker = { id: WORKER_ID, arch: cap.arch, platform: cap.platform, backend: cap.backend };
      job.result = withWorker(withWords(corpus, raw), { worker }) satisfies ClosestResult;
      job.status = job.abort.signal.aborted ? 'cancelled' : 'completed';
    } catch (err) {
      job.status = job.abort.signal.aborted ? 'cancelled' : 'failed';
      job.error = err instanceof Error ? err : new Error(String(err));
    }
  }
}
