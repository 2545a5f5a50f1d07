// The registry of tasks that can run remotely. A job is data only: a task name from here and
// arguments checked by the task's schema, on the client before sending and on the worker again.
import { z } from 'zod';
import type { Corpus, Match } from './corpus.js';
import { METRICS } from './kernel.js';
import { CORPUS_ID_PATTERN } from './corpus.js';
import { closestTaskSchema } from './options.js';
import { TaskArgumentError } from './errors.js';
export { TaskArgumentError };

/** Limits that keep one job from exhausting a worker. */
export const LIMITS = Object.freeze({
  queriesPerJob: 10_000,
  queryLength: 1_000,
  n: 1_000,
});

const corpusId = z.string().regex(CORPUS_ID_PATTERN, 'must be a corpus id: "v2-sha256:" and 64 hex digits');

/** The closest task's arguments: the library's search options (one set of rules) plus the job's. */
const closestArgs = closestTaskSchema({
  corpus: corpusId,
  queries: z
    .array(z.string().max(LIMITS.queryLength, `a query may have at most ${LIMITS.queryLength} UTF-16 units`))
    .min(1, 'give at least one query')
    .max(LIMITS.queriesPerJob, `at most ${LIMITS.queriesPerJob} queries per job; split them with map()`),
  n: z.number().int().min(0).max(LIMITS.n).default(10),
});

export type ClosestArgs = z.input<typeof closestArgs>;

const mergeArgs = z
  .object({
    n: z.number().int().min(1).max(LIMITS.n),
    metric: z.enum(METRICS),
  })
  .strict();
export type ClosestResult = Pick<Match, 'word' | 'score' | 'index'>[][];

/** What a task may use while it runs. */
export interface TaskContext {
  /** The corpus with this id: fetched, hash-checked and cached by the runner. */
  corpus(id: string): Promise<Corpus>;
  /** The results of this job's child jobs (a flow's parent). */
  children(): Promise<unknown[]>;
  backend: 'native' | 'js';
  signal: AbortSignal;
}

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

export const TASKS = {
  closest: defineTask({
    name: 'closest',
    description: 'the n closest corpus words to each query',
    schema: closestArgs,
    corpora: (args) => [args.corpus],
    async run(args, ctx): Promise<ClosestResult> {
      const corpus = await ctx.corpus(args.corpus);
      const matches = await corpus.closestMany(args.queries, {
        n: args.n,
        metric: args.metric,
        minScore: args.minScore,
        maxDistance: args.maxDistance,
        prefixWeight: args.prefixWeight,
        signal: ctx.signal,
        backend: ctx.backend,
      });
      return matches.map((ms) => ms.map(({ word, score, index }) => ({ word, score, index })));
    },
  }),
  mergeClosest: defineTask({
    name: 'mergeClosest',
    description: "merges the shards' top-n of a sharded closest search",
    internal: true,
    schema: mergeArgs,
    corpora: () => [],
    async run(args, ctx): Promise<ClosestResult> {
      return mergeClosest((await ctx.children()) as ClosestResult[], args.n, args.metric);
    },
  }),
} as const;

/**
 * Merges per-shard results (each already in global indices) into the n best per query: by
 * score, then by the lower global index. Equal to searching the whole corpus at once.
 */
export function mergeClosest(parts: ClosestResult[], n: number, metric: (typeof METRICS)[number]): ClosestResult {
  const queries = parts.length === 0 ? 0 : parts[0].length;
  const lower = metric === 'levenshtein';
  const out: ClosestResult = [];
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
export function parseTask(task: unknown, args: unknown, internal = false): { def: TaskDef; args: unknown } {
  const def = typeof task === 'string' && Object.hasOwn(TASKS, task) ? (TASKS[task as TaskName] as unknown as TaskDef) : undefined;
  if (!def || (def.internal && !internal)) {
    const known = TASK_NAMES.filter((t) => !(TASKS[t] as TaskDef).internal);
    throw new TaskArgumentError(`unknown task ${JSON.stringify(task)}; known tasks: ${known.join(', ')}`);
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
