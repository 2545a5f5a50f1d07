// One definition of every option's rules. The pairwise functions, scoreMany/scoreMatrix, the
// closest* searches, the dispatch task schema and the CLI all check options through this table,
// so they accept the same values and say the same thing about a bad one.
import { z } from 'zod';
import { ERROR_CODES, describe, rangeError, typeError } from './errors.js';
import { METRICS, type Metric } from './kernel.js';

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
  metric: rule(
    `one of ${METRICS.join(', ')}`,
    (v) => typeof v === 'string' && (METRICS as readonly string[]).includes(v),
    () => z.enum(METRICS),
  ),
  backend: rule('"native" or "js"', (v) => v === 'native' || v === 'js', () => z.enum(['native', 'js'])),
  dedupe: rule('a boolean', (v) => typeof v === 'boolean', () => z.boolean()),
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
export function metricConflict(metric: Metric, o: Record<string, unknown>, cutoff: 'minSimilarity' | 'minScore'): string | undefined {
  if (o.maxDistance !== undefined && metric !== 'levenshtein') {
    return `maxDistance is for levenshtein; use ${cutoff} with ${metric}`;
  }
  if (o[cutoff] !== undefined && metric === 'levenshtein') {
    return `${cutoff} is for similarity metrics; use maxDistance with levenshtein`;
  }
  if (o.prefixWeight !== undefined && metric !== 'jaroWinkler') {
    return `prefixWeight is for jaroWinkler, not ${metric}`;
  }
  return undefined;
}

export function checkMetricConflict(fn: string, metric: Metric, o: Record<string, unknown>, cutoff: 'minSimilarity' | 'minScore'): void {
  const conflict = metricConflict(metric, o, cutoff);
  if (conflict) throw rangeError(ERROR_CODES.OPTION, `${fn}: ${conflict}`);
}

/** The search options as a search runs them. */
export interface SearchOptions {
  metric: Metric;
  /** Any non-negative integer or Infinity; callers clamp it to the corpus size. */
  n: number;
  prefixWeight: number;
  minScore: number;
  /** -1 for no cutoff. */
  maxDistance: number;
}

export const SEARCH_OPTION_NAMES = ['n', 'metric', 'minScore', 'maxDistance', 'prefixWeight'] as const;

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
  return { metric, n, minScore, maxDistance: kernelMaxDistance(maxDistance), prefixWeight };
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
  };
  return z
    .object({ ...shape, ...extra })
    .strict()
    .superRefine((args, ctx) => {
      const o = args as Record<string, unknown>;
      const given = o.maxDistance === Infinity ? { ...o, maxDistance: undefined } : o;
      const conflict = metricConflict(o.metric as Metric, given, 'minScore');
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
