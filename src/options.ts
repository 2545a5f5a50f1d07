// One definition of every option's rules. The pairwise functions, scoreMany/scoreMatrix, the
// closest* searches, the dispatch task schema and the CLI all check options through this table,
// so they accept the same values and say the same thing about a bad one.
import { z } from 'zod';
import { ERROR_CODES, describe, rangeError, typeError } from './errors.js';
import { ALL_METRICS, isDistanceMetric, type AnyMetric, type Metric } from './kernel.js';
import { PROCESSORS, isProcessor } from './processors.js';

/**
 * `maxDistance` above this is no cutoff at all: no string reaches 2^32 code points, so no
 * distance can exceed it. Saturating here keeps every backend's arithmetic in range.
 */
export const NO_CUTOFF_ABOVE = 0xffffffff;

/** A checked option value, or `undefined` when it was left out. */
type Check<T> = (fn: string, name: string, value: unknown) => T;

interface Rule<T, Z extends z.ZodType = z.ZodType> {
  /** What a good value is, for messages and docs. */
  readonly expects: string;
  readonly check: Check<T>;
  /** The same rule for zod (the task schema). */
  readonly zod: () => Z;
}

function bad(fn: string, name: string, expects: string, value: unknown): RangeError {
  return rangeError(ERROR_CODES.OPTION, `${fn}: ${name} must be ${expects}, got ${describe(value)}`);
}

function rule<Z extends z.ZodType>(expects: string, ok: (value: unknown) => boolean, zod: () => Z): Rule<z.output<Z>, Z> {
  return {
    expects,
    check: (fn, name, value) => {
      if (!ok(value)) throw bad(fn, name, expects, value);
      return value as z.output<Z>;
    },
    zod,
  };
}

const isCount = (v: unknown) => v === Infinity || (typeof v === 'number' && Number.isInteger(v) && v >= 0);
const inRange = (max: number) => (v: unknown) => typeof v === 'number' && v >= 0 && v <= max;
const count = () => z.union([z.number().int().min(0), z.literal(Infinity)]);

// ---- issue 12: levenshtein's weights ----
/** The most a weight may be: every weighted distance then stays an exact double (below 2^53). */
export const MAX_WEIGHT = 2 ** 20;

export interface Weights {
  insert: number;
  delete: number;
  substitute: number;
}

const WEIGHT_KEYS = ['insert', 'delete', 'substitute'] as const;
const isWeight = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_WEIGHT;
const WEIGHT_EXPECTS = `an integer in [0, ${MAX_WEIGHT}]`;

/**
 * `weights: { insert, delete, substitute }`: each a non-negative integer up to MAX_WEIGHT, a
 * left-out key meaning 1. Read like an options object (own keys, each once, unknown keys
 * refused); returns all three.
 */
function weightsRule(): Rule<Weights> {
  const expects = `an object { insert, delete, substitute } of integers in [0, ${MAX_WEIGHT}]`;
  return {
    expects,
    check: (fn, name, value) => {
      if (typeof value !== 'object' || value === null || isArrayOrRevoked(value)) throw bad(fn, name, expects, value);
      const out: Weights = { insert: 1, delete: 1, substitute: 1 };
      for (const key of Reflect.ownKeys(value)) {
        if (typeof key === 'symbol' || !(WEIGHT_KEYS as readonly string[]).includes(key)) {
          const k = typeof key === 'symbol' ? key.toString() : JSON.stringify(key);
          throw rangeError(ERROR_CODES.OPTION, `${fn}: ${name} has an unknown key ${k}; known keys: ${WEIGHT_KEYS.join(', ')}`);
        }
        const v = (value as Record<string, unknown>)[key];
        if (v === undefined) continue;
        if (!isWeight(v)) throw bad(fn, `${name}.${key}`, WEIGHT_EXPECTS, v);
        out[key as keyof Weights] = v as number;
      }
      return out;
    },
    zod: () =>
      z
        .object({
          insert: z.number().int().min(0).max(MAX_WEIGHT).optional(),
          delete: z.number().int().min(0).max(MAX_WEIGHT).optional(),
          substitute: z.number().int().min(0).max(MAX_WEIGHT).optional(),
        })
        .strict()
        .transform((w) => ({ insert: w.insert ?? 1, delete: w.delete ?? 1, substitute: w.substitute ?? 1 })),
  };
}
// ---- end issue 12 ----

/** The rules, by option name. */
export const OPTION_RULES = {
  maxDistance: rule('a non-negative integer or Infinity', isCount, count),
  minSimilarity: rule('a number in [0, 1]', inRange(1), () => z.number().min(0).max(1)),
  minScore: rule('a number in [0, 1]', inRange(1), () => z.number().min(0).max(1)),
  prefixWeight: rule('a number in [0, 0.25]', inRange(0.25), () => z.number().min(0).max(0.25)),
  n: rule('a non-negative integer or Infinity', isCount, count),
  threads: rule('a positive integer', (v) => typeof v === 'number' && Number.isInteger(v) && v >= 1, () =>
    z.number().int().min(1),
  ),
  // scoreMatrix's element type (issue 11): Int32Array holds Levenshtein distances only.
  dtype: rule('"float64", "float32" or "int32"', (v) => v === 'float64' || v === 'float32' || v === 'int32', () =>
    z.enum(['float64', 'float32', 'int32']),
  ),
  // issue 12: every metric by name (scoreMatrix and the native corpus index take the core four).
  metric: rule(
    `one of ${ALL_METRICS.join(', ')}`,
    (v) => typeof v === 'string' && (ALL_METRICS as readonly string[]).includes(v),
    () => z.enum(ALL_METRICS as [AnyMetric, ...AnyMetric[]]),
  ),
  backend: rule('"native" or "js"', (v) => v === 'native' || v === 'js', () => z.enum(['native', 'js'])),
  dedupe: rule('a boolean', (v) => typeof v === 'boolean', () => z.boolean()),
  // ---- issue 12 ----
  pad: rule('a boolean', (v) => typeof v === 'boolean', () => z.boolean()),
  weights: weightsRule(),
  // ---- end issue 12 ----
  // issue 12: what is done to every string before it is compared (src/processors.ts). A
  // function cannot travel in a task, so the zod rule takes the names only.
  processor: rule(`one of ${PROCESSORS.join(', ')}, or a function (s) => string`, isProcessor, () => z.enum(PROCESSORS)),
  // joins (src/join.ts)
  singletons: rule('a boolean', (v) => typeof v === 'boolean', () => z.boolean()),
  onProgress: rule('a function', (v) => typeof v === 'function', () => z.function()),
} satisfies Record<string, Rule<unknown>>;

export type OptionName = keyof typeof OPTION_RULES;

/**
 * Reads an options argument strictly: `undefined` or `null` is "no options"; anything but a
 * plain object is a TypeError; a key the function does not take is a TypeError naming it. Each
 * own key is read once (a getter runs once; one that throws propagates). Returns the values.
 */
export function readOptions(
  fn: string,
  options: unknown,
  allowed: readonly string[],
): Record<string, unknown> {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || isArrayOrRevoked(options)) {
    throw typeError(ERROR_CODES.ARGUMENT, `${fn}: options must be an object, got ${describe(options)}`);
  }
  const out: Record<string, unknown> = {};
  for (const key of Reflect.ownKeys(options)) {
    if (typeof key === 'symbol' || !allowed.includes(key)) {
      const name = typeof key === 'symbol' ? key.toString() : JSON.stringify(key);
      throw typeError(
        ERROR_CODES.UNKNOWN_OPTION,
        `${fn}: unknown option ${name}; known options: ${allowed.length ? allowed.join(', ') : '(none)'}`,
      );
    }
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Checks one option by its rule; `fallback` when it is absent. */
export function option<K extends OptionName>(
  fn: string,
  o: Record<string, unknown>,
  name: K,
  fallback: ReturnType<(typeof OPTION_RULES)[K]['check']>,
): ReturnType<(typeof OPTION_RULES)[K]['check']> {
  const value = o[name];
  if (value === undefined) return fallback;
  return OPTION_RULES[name].check(fn, name, value) as ReturnType<(typeof OPTION_RULES)[K]['check']>;
}

/** `maxDistance` as the kernels take it: -1 for no cutoff, else the integer. */
export function kernelMaxDistance(value: number): number {
  return value > NO_CUTOFF_ABOVE ? -1 : value;
}

/**
 * The options that only some metrics take: the cutoff names differ by metric (a distance
 * takes `maxDistance`, a similarity `minSimilarity` or `minScore`), and only Jaro-Winkler takes
 * `prefixWeight`. One rule, used by scoreMany/scoreMatrix, closest* and the task schema.
 * Returns the message for a combination that cannot go together, else undefined.
 */
export function metricConflict(metric: AnyMetric, o: Record<string, unknown>, cutoff: 'minSimilarity' | 'minScore'): string | undefined {
  // issue 12: every distance takes maxDistance; longestCommonSubsequence (a count) takes no cutoff.
  if (metric === 'longestCommonSubsequence' && (o.maxDistance !== undefined || o[cutoff] !== undefined)) {
    return `longestCommonSubsequence scores are lengths and take neither maxDistance nor ${cutoff}`;
  }
  if (o.maxDistance !== undefined && !isDistanceMetric(metric)) {
    return `maxDistance is for distances; use ${cutoff} with ${metric}`;
  }
  if (o[cutoff] !== undefined && isDistanceMetric(metric)) {
    return `${cutoff} is for similarity metrics; use maxDistance with ${metric}`;
  }
  if (o.prefixWeight !== undefined && metric !== 'jaroWinkler') {
    return `prefixWeight is for jaroWinkler, not ${metric}`;
  }
  if (o.pad !== undefined && metric !== 'hamming' && metric !== 'hammingSimilarity') {
    return `pad is for hamming and hammingSimilarity, not ${metric}`;
  }
  return undefined;
}

export function checkMetricConflict(fn: string, metric: AnyMetric, o: Record<string, unknown>, cutoff: 'minSimilarity' | 'minScore'): void {
  const conflict = metricConflict(metric, o, cutoff);
  if (conflict) throw rangeError(ERROR_CODES.OPTION, `${fn}: ${conflict}`);
}

/** The search options as a search runs them. */
export interface SearchOptions {
  metric: AnyMetric;
  /** Any non-negative integer or Infinity; callers clamp it to the corpus size. */
  n: number;
  prefixWeight: number;
  minScore: number;
  /** -1 for no cutoff. */
  maxDistance: number;
  /** hamming: compare strings of other lengths, the extra code points counting as mismatches. */
  pad?: boolean;
}

export const SEARCH_OPTION_NAMES = ['n', 'metric', 'minScore', 'maxDistance', 'prefixWeight', 'pad'] as const;

/** Checks the search options of `closest*` (already read by readOptions). */
export function searchOptions(fn: string, o: Record<string, unknown>): SearchOptions {
  const metric = option(fn, o, 'metric', 'jaro');
  const n = option(fn, o, 'n', 10);
  const minScore = option(fn, o, 'minScore', 0);
  const maxDistance = option(fn, o, 'maxDistance', Infinity);
  const prefixWeight = option(fn, o, 'prefixWeight', 0.1);
  // `maxDistance: Infinity` is "no cutoff", allowed for every metric (as is a left-out option).
  const given = o.maxDistance === Infinity ? { ...o, maxDistance: undefined } : o;
  checkMetricConflict(fn, metric, given, 'minScore');
  const pad = option(fn, o, 'pad', false);
  return { metric, n, minScore, maxDistance: kernelMaxDistance(maxDistance), prefixWeight, ...(pad ? { pad } : {}) };
}

/**
 * The zod schema of a task's arguments: the search options with their rules and cross-field
 * rules, plus the task's own fields (`extra`, which may also narrow an option, e.g. cap `n`).
 */
export function closestTaskSchema<E extends z.ZodRawShape>(extra: E) {
  const shape = {
    n: OPTION_RULES.n.zod().default(10),
    metric: OPTION_RULES.metric.zod().default('jaro'),
    minScore: OPTION_RULES.minScore.zod().optional(),
    // Infinity is "no cutoff", and JSON cannot carry it: it travels as a left-out option.
    maxDistance: OPTION_RULES.maxDistance
      .zod()
      .optional()
      .transform((v) => (v === Infinity ? undefined : v)),
    prefixWeight: OPTION_RULES.prefixWeight.zod().optional(),
    pad: OPTION_RULES.pad.zod().optional(),
    // issue 12: a processor travels by name; a function cannot be sent.
    processor: z
      .enum(PROCESSORS, { message: `must be one of ${PROCESSORS.join(', ')} (a function processor cannot be sent to a worker)` })
      .optional(),
  };
  return z
    .object({ ...shape, ...extra })
    .strict()
    .superRefine((args, ctx) => {
      const o = args as Record<string, unknown>;
      const given = o.maxDistance === Infinity ? { ...o, maxDistance: undefined } : o;
      const conflict = metricConflict(o.metric as AnyMetric, given, 'minScore');
      if (conflict) ctx.addIssue({ code: 'custom', message: conflict });
    });
}

/** An AbortSignal option, or undefined. */
export function checkSignal(fn: string, value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  let ok = false;
  try {
    ok = value instanceof AbortSignal;
  } catch {
    // a revoked proxy: not a signal
  }
  if (!ok) {
    throw typeError(ERROR_CODES.ARGUMENT, `${fn}: signal must be an AbortSignal, got ${describe(value)}`);
  }
  return value as AbortSignal;
}

/** Array.isArray, with a revoked proxy (on which it throws) counted as not an options object. */
function isArrayOrRevoked(value: object): boolean {
  try {
    return Array.isArray(value);
  } catch {
    return true;
  }
}
