// The registry of tasks that can run remotely. A job is data only: a task name from here and
// arguments checked by the task's schema, on the client before sending and on the worker again.
import { z } from 'zod';
import { closestRaw, type Corpus, type Match, type RawMatchLists } from './corpus.js';
import { ALL_METRICS, METRICS, isDistanceMetric, type AnyMetric } from './kernel.js';
import { CORPUS_ID_PATTERN } from './corpus.js';
import { closestTaskSchema, metricConflict, OPTION_RULES } from './options.js';
import { ERROR_CODES, rangeError, TaskArgumentError } from './errors.js';
import type { Metric } from './kernel.js';
import { resolveJoinOptions, selfJoinChunks, type RawPairs } from './join.js';
export { TaskArgumentError };

/**
 * The version of the job format (the job data and the result encoding). A worker refuses a
 * job of another version at once, naming both.
 */
export const PROTOCOL_VERSION = 2;

/** Limits that keep one job from exhausting a worker, Redis, or the client. */
export const LIMITS = Object.freeze({
  queriesPerJob: 10_000,
  queryLength: 1_000,
  n: 1_000,
  /** queries x n per job: bounds the result (12 bytes a match, base64: about 1.6 MB). */
  matchesPerJob: 100_000,
  /** The job's data as JSON, in bytes (checked on the client; BullMQ's `sizeLimit` too). */
  jobDataBytes: 4 * 2 ** 20,
});

const corpusId = z.string().regex(CORPUS_ID_PATTERN, 'must be a corpus id: "v2-sha256:" and 64 hex digits');

const queriesField = z
  .array(z.string().max(LIMITS.queryLength, `a query may have at most ${LIMITS.queryLength} UTF-16 units`))
  .min(1, 'give at least one query')
  .max(LIMITS.queriesPerJob, `at most ${LIMITS.queriesPerJob} queries per job; split them with map()`);

/** A result is bounded: queries x n per job. */
function boundedResult(a: { queries: string[]; n: number }, ctx: z.RefinementCtx): void {
  if (a.queries.length * a.n > LIMITS.matchesPerJob) {
    ctx.addIssue({
      code: 'custom',
      path: ['queries'],
      message: `queries x n may be at most ${LIMITS.matchesPerJob} per job, got ${a.queries.length} x ${a.n}; split them with map()`,
    });
  }
}

/** The closest task's arguments: the library's search options (one set of rules) plus the job's. */
const closestArgs = closestTaskSchema({
  corpus: corpusId,
  queries: queriesField,
  n: z.number().int().min(0).max(LIMITS.n).default(10),
}).superRefine(boundedResult);

export type ClosestArgs = z.input<typeof closestArgs>;

/** One shard of a sharded corpus (internal: queued by the dispatcher as a flow's child). */
const closestShardArgs = closestTaskSchema({
  /** The sharded corpus; the shard is stored under it. */
  corpus: corpusId,
  /** The shard's own content id (its hash check); its words carry their positions in the whole. */
  shardId: corpusId,
  queries: queriesField,
  n: z.number().int().min(0).max(LIMITS.n).default(10),
}).superRefine(boundedResult);

const mergeArgs = z
  .object({
    corpus: corpusId,
    n: z.number().int().min(0).max(LIMITS.n),
    metric: z.enum(ALL_METRICS as [AnyMetric, ...AnyMetric[]]), // issue 12: every metric
  })
  .strict();

/** The matches of each query, as the client returns them. */
export type ClosestResult = Pick<Match, 'word' | 'score' | 'index'>[][] & {
  /**
   * The worker that ran the job (for a search of a sharded corpus, the one that merged the
   * shards). Not enumerable: JSON output and deep equality see the matches only.
   */
  readonly worker?: JobWorker;
};

/** Who ran a job: the worker's id (as `strdist workers` lists it), where it ran, and on what. */
export interface JobWorker {
  id: string;
  arch: string;
  platform: string;
  backend: 'native' | 'js';
}

/** Puts the worker recorded in a wire result onto the result, as a non-enumerable property. */
export function withWorker<T extends object>(result: T, wire: unknown): T & { readonly worker?: JobWorker } {
  const w = (wire as { worker?: Partial<JobWorker> } | null)?.worker;
  if (w && typeof w.id === 'string' && typeof w.arch === 'string' && typeof w.platform === 'string' && (w.backend === 'native' || w.backend === 'js')) {
    const worker: JobWorker = Object.freeze({ id: w.id, arch: w.arch, platform: w.platform, backend: w.backend });
    Object.defineProperty(result, 'worker', { value: worker, enumerable: false });
  }
  return result;
}

/**
 * A closest result on the wire: the corpus positions and scores of the matches, little-endian
 * and base64 (the words stay out: the client has the corpus). `counts[q]` matches per query.
 */
export interface ClosestWire {
  v: typeof PROTOCOL_VERSION;
  corpus: string;
  counts: string;
  indices: string;
  scores: string;
  /** Set by the worker that ran the job. */
  worker?: JobWorker;
}

/** Raw matches of each query: scores and corpus positions. */
export type RawResult = { score: number; index: number }[][];

/** The wire is little-endian: the typed arrays' bytes go out as they are (read once, not per job). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function encodeResult(corpus: string, result: RawResult | RawMatchLists): ClosestWire {
  const lists = Array.isArray(result) ? flatten(result) : result;
  if (!LITTLE_ENDIAN) throw new Error('encodeResult: a big-endian machine');
  const base64 = (a: Uint32Array | Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
  return { v: PROTOCOL_VERSION, corpus, counts: base64(lists.counts), indices: base64(lists.indices), scores: base64(lists.scores) };
}

/** Per-query match lists, flattened. */
function flatten(result: RawResult): RawMatchLists {
  let total = 0;
  for (const ms of result) total += ms.length;
  const out = { counts: new Uint32Array(result.length), indices: new Uint32Array(total), scores: new Float64Array(total) };
  let at = 0;
  for (let q = 0; q < result.length; q++) {
    out.counts[q] = result[q].length;
    for (const m of result[q]) {
      out.indices[at] = m.index;
      out.scores[at++] = m.score;
    }
  }
  return out;
}

/** Flattened lists one after the other (the chunks of one job). */
function concatLists(parts: RawMatchLists[]): RawMatchLists {
  const join = <T extends Uint32Array | Float64Array>(arrays: T[], make: (n: number) => T): T => {
    const out = make(arrays.reduce((n, a) => n + a.length, 0));
    let at = 0;
    for (const a of arrays) {
      out.set(a, at);
      at += a.length;
    }
    return out;
  };
  return {
    counts: join(parts.map((p) => p.counts), (n) => new Uint32Array(n)),
    indices: join(parts.map((p) => p.indices), (n) => new Uint32Array(n)),
    scores: join(parts.map((p) => p.scores), (n) => new Float64Array(n)),
  };
}

function isWire(value: unknown): value is ClosestWire {
  const w = value as ClosestWire;
  return (
    typeof w === 'object' && w !== null && w.v === PROTOCOL_VERSION && typeof w.corpus === 'string' &&
    typeof w.counts === 'string' && typeof w.indices === 'string' && typeof w.scores === 'string'
  );
}

/** The raw matches of an encoded result; throws on anything that is not one. */
export function decodeResult(value: unknown): RawResult {
  if (!isWire(value)) throw new Error(`not a closest result of protocol version ${PROTOCOL_VERSION}`);
  const counts = Buffer.from(value.counts, 'base64');
  const indices = Buffer.from(value.indices, 'base64');
  const scores = Buffer.from(value.scores, 'base64');
  const out: RawResult = [];
  let at = 0;
  for (let q = 0; q < counts.length / 4; q++) {
    const k = counts.readUInt32LE(4 * q);
    const ms: { score: number; index: number }[] = new Array(k);
    for (let i = 0; i < k; i++, at++) ms[i] = { score: scores.readDoubleLE(8 * at), index: indices.readUInt32LE(4 * at) };
    out.push(ms);
  }
  if (at * 4 !== indices.length || at * 8 !== scores.length) throw new Error('a closest result with inconsistent lengths');
  return out;
}

/** The corpus an encoded result refers to. */
export function resultCorpus(value: unknown): string | undefined {
  return isWire(value) ? value.corpus : undefined;
}

/** What a task may use while it runs. */
export interface TaskContext {
  /** The corpus with this id: fetched, hash-checked and cached by the runner. */
  corpus(id: string): Promise<Corpus>;
  /** The shard `shardId` of the sharded corpus `parent` (stored under it), hash-checked. */
  shard(parent: string, shardId: string): Promise<Corpus>;
  /** The results of this job's child jobs (a flow's parent). */
  children(): Promise<unknown[]>;
  backend: 'native' | 'js';
  /** Threads for one search (the worker's `--threads`); default all cores. */
  threads?: number;
  signal: AbortSignal;
  /**
   * Told how many of the job's queries are searched so far (called between chunks of
   * PROGRESS_CHUNK queries, only for jobs larger than one chunk); the runner throttles it.
   */
  progress?(done: number, total: number): void;
}

/** A job with more queries than this is searched in chunks of this many, reporting between them. */
export const PROGRESS_CHUNK = 256;

export interface TaskDef<S extends z.ZodType = z.ZodType, R = unknown> {
  name: string;
  description: string;
  /** Only the dispatcher itself queues it (a flow's merge step); clients cannot call it. */
  internal?: boolean;
  schema: S;
  /** Corpus ids the arguments refer to (checked to exist before a job is queued). */
  corpora(args: z.output<S>): string[];
  run(args: z.output<S>, ctx: TaskContext): Promise<R>;
}

function defineTask<S extends z.ZodType, R>(def: TaskDef<S, R>): TaskDef<S, R> {
  return def;
}

/** Matches as scores and positions in the caller's list (a shard's words carry theirs). */
async function search(corpus: Corpus, args: z.output<typeof closestArgs>, ctx: TaskContext): Promise<RawMatchLists> {
  const total = args.queries.length;
  if (ctx.progress && total > PROGRESS_CHUNK) {
    const out: RawMatchLists[] = [];
    for (let at = 0; at < total; at += PROGRESS_CHUNK) {
      out.push(await search(corpus, { ...args, queries: args.queries.slice(at, at + PROGRESS_CHUNK) }, { ...ctx, progress: undefined }));
      ctx.progress(Math.min(total, at + PROGRESS_CHUNK), total);
    }
    return concatLists(out);
  }
  return closestRaw(corpus, args.queries, {
    n: args.n,
    metric: args.metric,
    minScore: args.minScore,
    maxDistance: args.maxDistance,
    prefixWeight: args.prefixWeight,
    pad: args.pad, // issue 12
    processor: args.processor,
    signal: ctx.signal,
    backend: ctx.backend,
    threads: ctx.threads,
  });
}

// ---- join (issue 15): every corpus word within a threshold of each query -------------------

/** The most matches one join job may return (12 bytes each on the wire, before base64). */
export const JOIN_MATCHES_PER_JOB = 2_000_000;

const joinShape = {
  corpus: corpusId,
  queries: queriesField,
  // joins run on the core four metrics' index (issue 15)
  metric: z.enum(METRICS as [Metric, ...Metric[]]).default('jaro'),
  minScore: OPTION_RULES.minScore.zod().optional(),
  /** A join needs a threshold: a finite distance (JSON cannot carry Infinity anyway). */
  maxDistance: z.number().int().min(0).optional(),
  prefixWeight: OPTION_RULES.prefixWeight.zod().optional(),
};

/** A join's threshold rules, shared by the task schemas: the metric's cutoff, and one is required. */
function joinThreshold(a: { metric: Metric; minScore?: number; maxDistance?: number }, ctx: z.RefinementCtx): void {
  const conflict = metricConflict(a.metric, a, 'minScore');
  if (conflict) ctx.addIssue({ code: 'custom', message: conflict });
  else if (a.metric === 'levenshtein' ? a.maxDistance === undefined : a.minScore === undefined) {
    ctx.addIssue({ code: 'custom', message: `a threshold is required: ${a.metric === 'levenshtein' ? 'maxDistance' : 'minScore'}` });
  }
}

const joinArgs = z.object(joinShape).strict().superRefine(joinThreshold);
export type JoinArgs = z.input<typeof joinArgs>;

const joinShardArgs = z
  .object({ ...joinShape, shardId: corpusId })
  .strict()
  .superRefine(joinThreshold);

const mergeJoinArgs = z.object({ corpus: corpusId, metric: z.enum(METRICS) }).strict();

/** A join on one corpus (or shard): every match of each query, in closest order, as raw matches. */
async function joinRaw(corpus: Corpus, args: z.output<typeof joinArgs>, ctx: TaskContext): Promise<RawResult> {
  const out: RawResult = args.queries.map(() => []);
  let total = 0;
  const rows = corpus.join(args.queries, {
    metric: args.metric,
    minScore: args.minScore,
    maxDistance: args.maxDistance,
    prefixWeight: args.prefixWeight,
    signal: ctx.signal,
    backend: ctx.backend,
    threads: ctx.threads,
  });
  for await (const row of rows) {
    total += row.matches.length;
    if (total > JOIN_MATCHES_PER_JOB) {
      throw rangeError(
        ERROR_CODES.TOO_LARGE,
        `join: more than ${JOIN_MATCHES_PER_JOB} matches in one job; raise the threshold or send fewer queries per job`,
      );
    }
    out[row.queryIndex] = row.matches.map(({ score, index }) => ({ score, index }));
  }
  return out;
}

// ---- selfJoin (issue 15): a range of rows of a distributed self-join ------------------------

/** The most pairs one selfJoin job may return (16 bytes each on the wire, before base64). */
export const SELF_JOIN_PAIRS_PER_JOB = 2_000_000;

const selfJoinArgs = z
  .object({
    corpus: corpusId,
    /** The rows: slots [from, to) of the corpus index's order (by length, then corpus order). */
    from: z.number().int().min(0),
    to: z.number().int().min(0),
    metric: joinShape.metric,
    minScore: joinShape.minScore,
    maxDistance: joinShape.maxDistance,
    prefixWeight: joinShape.prefixWeight,
  })
  .strict()
  .superRefine((a, ctx) => {
    joinThreshold(a, ctx);
    if (a.to < a.from) ctx.addIssue({ code: 'custom', path: ['to'], message: `must be at least from (${a.from}), got ${a.to}` });
  });
export type SelfJoinArgs = z.input<typeof selfJoinArgs>;

/**
 * A selfJoin job's pairs on the wire: corpus indices (not positions: the client has the corpus)
 * and scores, little-endian, base64, sorted by (left, right).
 */
export interface PairsWire {
  v: typeof PROTOCOL_VERSION;
  corpus: string;
  kind: 'pairs';
  left: string;
  right: string;
  scores: string;
  worker?: JobWorker;
}

/** A selfJoin job's result: its pairs in corpus indices (left < right), sorted. */
export interface SelfJoinResult {
  left: Uint32Array;
  right: Uint32Array;
  scores: Float64Array;
  /** Not enumerable, as on a closest result. */
  readonly worker?: JobWorker;
}

export function encodePairs(corpus: string, left: Uint32Array, right: Uint32Array, scores: Float64Array): PairsWire {
  const b64 = (a: Uint32Array | Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
  // typed arrays are in the machine's byte order: little-endian on every platform strdist builds for
  if (!LITTLE_ENDIAN) throw new Error('encodePairs: a big-endian machine');
  return { v: PROTOCOL_VERSION, corpus, kind: 'pairs', left: b64(left), right: b64(right), scores: b64(scores) };
}

export function isPairsWire(value: unknown): value is PairsWire {
  const w = value as PairsWire;
  return (
    typeof w === 'object' && w !== null && w.v === PROTOCOL_VERSION && w.kind === 'pairs' && typeof w.corpus === 'string' &&
    typeof w.left === 'string' && typeof w.right === 'string' && typeof w.scores === 'string'
  );
}

/** The pairs of an encoded selfJoin result; throws on anything that is not one. */
export function decodePairs(value: unknown): SelfJoinResult {
  if (!isPairsWire(value)) throw new Error(`not a selfJoin result of protocol version ${PROTOCOL_VERSION}`);
  const copy = (text: string, bytes: number) => {
    const b = Buffer.from(text, 'base64');
    if (b.length % bytes !== 0) throw new Error('a selfJoin result with inconsistent lengths');
    const out = new ArrayBuffer(b.length); // aligned, whatever Buffer's pool offset
    new Uint8Array(out).set(b);
    return out;
  };
  const left = new Uint32Array(copy(value.left, 4));
  const right = new Uint32Array(copy(value.right, 4));
  const scores = new Float64Array(copy(value.scores, 8));
  if (right.length !== left.length || scores.length !== left.length) throw new Error('a selfJoin result with inconsistent lengths');
  return withWorker({ left, right, scores }, value);
}

/** The pairs of rows [from, to) of a self-join, in corpus indices, capped per job. */
async function selfJoinRaw(corpus: Corpus, args: z.output<typeof selfJoinArgs>, ctx: TaskContext): Promise<PairsWire> {
  if (args.to > corpus.size) {
    throw new TaskArgumentError(`bad arguments for task selfJoin: to: at most the corpus size (${corpus.size}), got ${args.to}`);
  }
  const r = resolveJoinOptions('selfJoin', {
    metric: args.metric,
    minScore: args.minScore,
    maxDistance: args.maxDistance,
    prefixWeight: args.prefixWeight,
    signal: ctx.signal,
    backend: ctx.backend,
    threads: ctx.threads,
    onProgress: ctx.progress ? (p: { done: number; total: number | undefined }) => ctx.progress!(p.done, p.total ?? 0) : undefined,
  });
  const parts: RawPairs[] = [];
  let total = 0;
  for await (const c of selfJoinChunks(corpus, r, args.from, args.to)) {
    total += c.left.length;
    if (total > SELF_JOIN_PAIRS_PER_JOB) {
      throw rangeError(
        ERROR_CODES.TOO_LARGE,
        `selfJoin: more than ${SELF_JOIN_PAIRS_PER_JOB} pairs in one job; raise the threshold or split the rows into more chunks`,
      );
    }
    parts.push(c);
  }
  const left = new Uint32Array(total);
  const right = new Uint32Array(total);
  const scores = new Float64Array(total);
  let at = 0;
  for (const c of parts) {
    left.set(c.left, at);
    right.set(c.right, at);
    scores.set(c.scores, at);
    at += c.left.length;
  }
  return encodePairs(args.corpus, left, right, scores);
}

const JOIN_TASKS = {
  join: defineTask({
    name: 'join',
    description: 'every corpus word within a threshold of each query (a chunk of a fuzzy join)',
    schema: joinArgs,
    corpora: (args) => [args.corpus],
    async run(args, ctx): Promise<ClosestWire> {
      return encodeResult(args.corpus, await joinRaw(await ctx.corpus(args.corpus), args, ctx));
    },
  }),
  selfJoin: defineTask({
    name: 'selfJoin',
    description: 'the pairs of a range of rows of a self-join (a chunk of a distributed self-join or dedupe)',
    schema: selfJoinArgs,
    corpora: (args) => [args.corpus],
    async run(args, ctx): Promise<PairsWire> {
      return selfJoinRaw(await ctx.corpus(args.corpus), args, ctx);
    },
  }),
  joinShard: defineTask({
    name: 'joinShard',
    description: 'join on one shard of a sharded corpus, in positions of the whole corpus',
    internal: true,
    schema: joinShardArgs,
    corpora: () => [],
    async run(args, ctx): Promise<ClosestWire> {
      const shard = await ctx.shard(args.corpus, args.shardId);
      return encodeResult(args.corpus, await joinRaw(shard, args, ctx));
    },
  }),
  mergeJoin: defineTask({
    name: 'mergeJoin',
    description: "merges the shards' matches of a sharded join (closest order)",
    internal: true,
    schema: mergeJoinArgs,
    corpora: () => [],
    async run(args, ctx): Promise<ClosestWire> {
      const parts = (await ctx.children()).map(decodeResult);
      return encodeResult(args.corpus, mergeClosest(parts, Infinity, args.metric));
    },
  }),
} as const;

export const TASKS = {
  closest: defineTask({
    name: 'closest',
    description: 'the n closest corpus words to each query',
    schema: closestArgs,
    corpora: (args) => [args.corpus],
    async run(args, ctx): Promise<ClosestWire> {
      return encodeResult(args.corpus, await search(await ctx.corpus(args.corpus), args, ctx));
    },
  }),
  closestShard: defineTask({
    name: 'closestShard',
    description: 'closest on one shard of a sharded corpus, in positions of the whole corpus',
    internal: true,
    schema: closestShardArgs,
    corpora: () => [],
    async run(args, ctx): Promise<ClosestWire> {
      const shard = await ctx.shard(args.corpus, args.shardId);
      return encodeResult(args.corpus, await search(shard, { ...args, corpus: args.shardId }, ctx));
    },
  }),
  mergeClosest: defineTask({
    name: 'mergeClosest',
    description: "merges the shards' top-n of a sharded closest search",
    internal: true,
    schema: mergeArgs,
    corpora: () => [],
    async run(args, ctx): Promise<ClosestWire> {
      const parts = (await ctx.children()).map(decodeResult);
      return encodeResult(args.corpus, mergeClosest(parts, args.n, args.metric));
    },
  }),
  ...JOIN_TASKS,
} as const;

/**
 * Merges per-shard results (each already in global indices) into the n best per query: by
 * score, then by the lower global index. Equal to searching the whole corpus at once.
 */
export function mergeClosest(parts: RawResult[], n: number, metric: AnyMetric): RawResult {
  const queries = parts.length === 0 ? 0 : parts[0].length;
  const lower = isDistanceMetric(metric); // issue 12: every distance metric
  const out: RawResult = [];
  for (let q = 0; q < queries; q++) {
    const all = parts.flatMap((p) => p[q]);
    all.sort((a, b) => (a.score === b.score ? a.index - b.index : lower ? a.score - b.score : b.score - a.score));
    out.push(all.slice(0, n));
  }
  return out;
}

export type TaskName = keyof typeof TASKS;
export const TASK_NAMES = Object.keys(TASKS) as TaskName[];


/**
 * Checks a task name and its arguments; returns the task and the parsed arguments. Clients
 * may not name internal tasks; workers may (`internal: true`).
 */
const PLAIN_CLOSEST_KEYS = new Set(['corpus', 'queries', 'n', 'metric']);

/**
 * The closest task's schema on its commonest arguments, `{ corpus, queries, n?, metric? }`, as
 * plain data: the parsed arguments when they certainly pass it (the same output), otherwise
 * undefined and the schema decides. Every job is checked on the client and again on the worker,
 * and zod's generic walk costs tens of microseconds a time on code the caches no longer hold;
 * this is a few comparisons. test/tasks-parse.test.ts holds it to the schema.
 */
export function plainClosestArgs(args: unknown): z.output<typeof closestArgs> | undefined {
  try {
    if (typeof args !== 'object' || args === null || Object.getPrototypeOf(args) !== Object.prototype) return undefined;
    for (const key of Object.keys(args)) if (!PLAIN_CLOSEST_KEYS.has(key)) return undefined;
    if (Object.getOwnPropertySymbols(args).length) return undefined;
    const { corpus, queries, n = 10, metric = 'jaro' } = args as Record<string, unknown>;
    if (typeof corpus !== 'string' || !CORPUS_ID_PATTERN.test(corpus)) return undefined;
    if (!Number.isInteger(n) || (n as number) < 0 || (n as number) > LIMITS.n) return undefined;
    if (typeof metric !== 'string' || !(ALL_METRICS as readonly string[]).includes(metric)) return undefined;
    if (!Array.isArray(queries) || queries.length < 1 || queries.length > LIMITS.queriesPerJob) return undefined;
    if (queries.length * (n as number) > LIMITS.matchesPerJob) return undefined;
    const copy: string[] = new Array(queries.length);
    for (let i = 0; i < queries.length; i++) {
      const q: unknown = queries[i];
      if (typeof q !== 'string' || q.length > LIMITS.queryLength) return undefined;
      copy[i] = q;
    }
    return { corpus, queries: copy, n: n as number, metric: metric as AnyMetric } as z.output<typeof closestArgs>;
  } catch {
    return undefined; // a proxy or a getter that throws: the schema reports it
  }
}

export function parseTask(task: unknown, args: unknown, internal = false): { def: TaskDef; args: unknown } {
  const def = typeof task === 'string' && Object.hasOwn(TASKS, task) ? (TASKS[task as TaskName] as unknown as TaskDef) : undefined;
  if (!def || (def.internal && !internal)) {
    const known = TASK_NAMES.filter((t) => !(TASKS[t] as TaskDef).internal);
    throw new TaskArgumentError(`unknown task ${JSON.stringify(task)}; known tasks: ${known.join(', ')}`);
  }
  if (def === TASKS.closest) {
    const quick = plainClosestArgs(args);
    if (quick) return { def, args: quick };
  }
  let parsed: ReturnType<typeof def.schema.safeParse>;
  try {
    parsed = def.schema.safeParse(args);
  } catch (err) {
    // zod throws on what it cannot inspect (a revoked proxy)
    throw new TaskArgumentError(`bad arguments for task ${task}: ${(err as Error).message}`);
  }
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((i) => `${i.path.length ? i.path.join('.') : 'arguments'}: ${i.message}`)
      .join('; ');
    throw new TaskArgumentError(`bad arguments for task ${task}: ${detail}`);
  }
  return { def, args: parsed.data };
}
