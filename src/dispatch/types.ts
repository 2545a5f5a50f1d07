import type { Capability } from '../capability.js';
import type { ClosestArgs, ClosestResult, JoinArgs, SelfJoinArgs, SelfJoinResult } from '../tasks.js';
import type { DispatchDedupeOptions, DispatchSelfJoinOptions } from './join.js';
import type { JoinPair } from '../join.js';
import type { DispatchJoinOptions } from './join.js';
import type { JoinRow } from '../join.js';
import type { CapabilityRequirement } from './routing.js';
export type { CapabilityRequirement } from './routing.js';
export type { JobWorker } from '../tasks.js';
export { NoCapableWorkerError, RemoteJobError, JobCancelledError, JobTimeoutError, JobLostError, UnknownJobError, UnknownCorpusError } from '../errors.js';

export type JobStatus = 'waiting' | 'active' | 'completed' | 'failed' | 'cancelled';

/** What `require` asks of the worker that runs a job. */
export type Requirement = 'native' | 'any';

export interface CallOptions {
  /**
   * `native`: only a worker that loaded the native kernel of this package's kernel version may
   * run the job; `any`: the TypeScript fallback will do. An object pins more: `{ arch: 'arm64' }`,
   * `{ platform: 'linux', cpuFeatures: ['avx512bw'] }` (with `backend: 'native' | 'any'`,
   * default `'native'`); the job then runs only on a worker whose capability record has all of
   * it, and NoCapableWorkerError names what the live workers lack when none has.
   * @defaultValue 'native'
   */
  require?: Requirement | CapabilityRequirement;
  /**
   * Tries in all, when a worker dies or the task fails in a way that may pass on retry
   * (argument errors are never retried).
   * @defaultValue 3
   */
  attempts?: number;
  /**
   * For `result()` through `callAndWait`-style helpers: how long to wait. Not a limit on the job.
   * @defaultValue 60000
   */
  timeoutMs?: number;
}

/**
 * How far a running job is: `done` of its `total` queries searched (a flow: summed over the
 * shards that reported). Workers report it on jobs of more than PROGRESS_CHUNK queries, at
 * most once a second and once per chunk.
 */
export interface Progress {
  done: number;
  total: number;
  /** The worker that reported it. */
  worker?: string;
}

/** `status(id, { progress: true })`: the status and, while the job has reported any, its progress. */
export interface JobState {
  status: JobStatus;
  progress?: Progress;
}

/** How far a batch is (`join(ids, { onProgress })`). */
export interface BatchProgress {
  /** Queries searched so far over the batch (a finished job counts whole). */
  done: number;
  /** Queries in the batch, as far as known: jobs this client queued, or that reported progress. */
  total: number;
  /** Jobs finished (completed or failed) of `jobs`. */
  finished: number;
  jobs: number;
  /** The job whose report or end caused this call. */
  id: string;
}

/** One job's outcome from `each(ids)`, in the order the jobs finish. */
export type Finished<T> = ({ status: 'fulfilled'; value: T } | { status: 'rejected'; reason: unknown }) & { id: string; index: number };

export interface ResultOptions {
  /**
   * Give up waiting after this long (the job goes on): JobTimeoutError. Armed before anything
   * else, so no call waits longer. At most 2^31 - 1 (a timer's longest), or Infinity for no
   * limit. @defaultValue 60000
   */
  timeoutMs?: number;
  /** Called with the job's progress as its worker reports it (not for jobs that finish quickly). */
  onProgress?: (progress: Progress) => void;
}

export interface JoinOptions extends Omit<ResultOptions, 'onProgress'> {
  /** Called as the batch moves: on each job's progress report and on each job's end. */
  onProgress?: (progress: BatchProgress) => void;
  /**
   * Resolve with one `{ status, value | reason }` per job, like `Promise.allSettled`, instead of
   * rejecting with the first failure. Either way every job is waited for to its end.
   * @defaultValue false
   */
  settled?: boolean;
}

/** One job's outcome from `join(ids, { settled: true })`. */
export type Settled<T> = { status: 'fulfilled'; value: T } | { status: 'rejected'; reason: unknown };


/** A corpus stored once for the workers: refer to it by `id` in task arguments. */
export interface CorpusRef {
  id: string;
  size: number;
  /** How many contiguous shards it is stored in; a search then runs one job per shard. */
  shards: number;
}

export interface PutCorpusOptions {
  /**
   * Store the corpus as this many contiguous shards (each its own stored corpus). A search of
   * it becomes a flow: one child job per shard, merged by the parent. Lets a corpus larger
   * than one worker's memory be searched by many workers.
   * @defaultValue 1 (unsharded)
   */
  shards?: number;
}

/** A live worker: its capability record plus how it serves. */
export interface WorkerInfo extends Capability {
  id: string;
  hostname: string;
  pid: number;
  /** Queues it consumes. */
  queues: string[];
  concurrency: number;
  startedAt: number;
  heartbeatAt: number;
  selfTest: 'passed';
  /** Jobs this worker finished since it started (absent from workers before 0.3). */
  jobs?: { completed: number; failed: number };
  /** The jobs it runs now, with their progress as of the last heartbeat. */
  current?: { id: string; task: string; startedAt: number; done?: number; total?: number }[];
}

/** The tasks a client may call, with their arguments and results. */
export interface TaskArgs {
  closest: ClosestArgs;
  /** One chunk of a fuzzy join (`fuzzyJoin` queues these for you). */
  join: JoinArgs;
  /** Rows of a self-join (`selfJoin` and `dedupe` queue these for you). */
  selfJoin: SelfJoinArgs;
}
export interface TaskResults {
  closest: ClosestResult;
  /** Every match of each query of the chunk, in closest order (an empty list for none). */
  join: ClosestResult;
  /** The pairs of the rows, in corpus indices (not positions), sorted. */
  selfJoin: SelfJoinResult;
}
export type ClientTask = keyof TaskArgs;
/** The tasks whose results are matches per query: what `result()` and `join()` give unless told. */
export type MatchTask = 'closest' | 'join';

/** The client API, the same with Redis (BullMQ) and without (in-process). */
export interface Dispatcher {
  readonly kind: 'embedded' | 'redis';
  putCorpus(corpus: import('../corpus.js').Corpus, options?: PutCorpusOptions): Promise<CorpusRef>;
  deleteCorpus(ref: CorpusRef | string): Promise<void>;
  call<T extends ClientTask>(task: T, args: TaskArgs[T], options?: CallOptions): Promise<string>;
  map<T extends ClientTask>(task: T, argsList: TaskArgs[T][], options?: CallOptions): Promise<string[]>;
  result<T extends ClientTask = MatchTask>(id: string, options?: ResultOptions): Promise<TaskResults[T]>;
  status(id: string): Promise<JobStatus>;
  /** With `{ progress: true }`: the status and the job's last reported progress. */
  status(id: string, options: { progress: true }): Promise<JobState>;
  /**
   * Each job's outcome as it finishes (completion order, not `ids` order), for streaming
   * results; every job is waited for to its end, a failure is yielded, not thrown. Takes
   * `join`'s options (`timeoutMs` per job, `onProgress` over the batch).
   */
  each<T extends ClientTask = MatchTask>(ids: string[], options?: JoinOptions): AsyncIterable<Finished<TaskResults[T]>>;
  join<T extends ClientTask = MatchTask>(ids: string[], options?: JoinOptions & { settled?: false }): Promise<TaskResults[T][]>;
  join<T extends ClientTask = MatchTask>(ids: string[], options: JoinOptions & { settled: true }): Promise<Settled<TaskResults[T]>[]>;
  /**
   * Cancels a waiting or running job (a flow with its shard jobs); false when it had already
   * finished. A running job is aborted by its worker, or fails as cancelled when its run ends.
   */
  cancel(id: string): Promise<boolean>;
  /** The former name of `cancel`. */
  kill(id: string): Promise<boolean>;
  workers(): Promise<WorkerInfo[]>;
  close(): Promise<void>;
  /**
   * A fuzzy join run by the workers: `corpus.join(queries, options)` with the stored corpus.
   * The queries go out in chunks (`join` jobs; a flow per chunk when the corpus is sharded),
   * at most `inflight` at once, and the rows come back in the order the chunks finish. Not
   * called `join`: that name settles a list of job ids.
   */
  fuzzyJoin(corpus: CorpusRef | string, queries: Iterable<string> | import('../corpus.js').Corpus, options: DispatchJoinOptions): AsyncIterableIterator<JoinRow>;
  /**
   * A self-join run by the workers: the pairs of `corpus.selfJoin(options)`, `{ i, j, score }`
   * with i < j, in the order the chunks finish. The rows go out in chunks balanced by work
   * (`selfJoin` jobs); a Corpus is stored first (unsharded). A sharded corpus is joined with
   * itself through `join` flows (each pair is then scored from both sides).
   */
  selfJoin(corpus: CorpusRef | string | import('../corpus.js').Corpus, options: DispatchSelfJoinOptions): AsyncIterableIterator<JoinPair>;
  /** `corpus.dedupe(options)` over `selfJoin`: the clusters, by union-find here as the pairs stream in. */
  dedupe(corpus: CorpusRef | string | import('../corpus.js').Corpus, options: DispatchDedupeOptions): Promise<number[][]>;
  /** A stored corpus (reassembled when sharded, hash-checked), and how many shards it is stored in. */
  fetchCorpus(corpus: CorpusRef | string): Promise<{ corpus: import('../corpus.js').Corpus; shards: number }>;
}






