/**
 * strdist: exact string distances (Levenshtein, Jaro, Jaro-Winkler) in a native Node-API
 * addon, with a pure-TypeScript fallback that returns the same results to the bit.
 */
import { backendState } from './backend/index.js';
import { describeCapability, type Capability } from './capability.js';
import { createMetrics } from './metrics.js';

export type { Metric } from './kernel.js';
export { KERNEL_VERSION, METRICS } from './kernel.js';
export type {
  JaroOptions,
  JaroWinklerOptions,
  LevenshteinOptions,
  Metrics,
  ScoreManyOptions,
} from './metrics.js';
export type { Capability } from './capability.js';

/**
 * Below these combined UTF-16 lengths a pairwise call is answered by the TypeScript kernel
 * even when the native one is loaded: the same result, without the ~50-70 ns boundary
 * crossing. Measured by `npm run bench` (the "crossover" table): on this machine the native
 * kernel wins from a combined length of 9 for both metric families.
 */
export const PAIRWISE_JS_BELOW = Object.freeze({ levenshtein: 9, jaro: 9 });

const state = backendState();
const api = createMetrics(state.kernel, { pairwiseJsBelow: PAIRWISE_JS_BELOW });

/** The backend in use: `'native'` (the addon) or `'js'` (the TypeScript fallback). */
export const backend: 'native' | 'js' = state.kernel.name;

/** Levenshtein distance over code points; `maxDistance + 1` when it exceeds `maxDistance`. */
export const levenshtein = api.levenshtein;
/** `1 - distance / max(|a|, |b|)` over code points; two empty strings give 1. */
export const levenshteinSimilarity = api.levenshteinSimilarity;
/** Jaro similarity (the standard definition); 0 below `minSimilarity`. */
export const jaro = api.jaro;
/** Jaro-Winkler similarity; 0 below `minSimilarity`. */
export const jaroWinkler = api.jaroWinkler;
/** Scores one query against many strings in one call; `Float64Array` aligned with `choices`. */
export const scoreMany = api.scoreMany;

/** What this process computes with: versions, backend, platform, binary path and hash. */
export function capability(): Capability {
  return describeCapability(state);
}

export { Corpus } from './corpus.js';
export {
  ERROR_CODES,
  CorpusFormatError,
  NoCapableWorkerError,
  RemoteJobError,
  JobCancelledError,
  JobTimeoutError,
  JobLostError,
  UnknownJobError,
  UnknownCorpusError,
  RedisUnavailableError,
  TaskArgumentError,
} from './errors.js';
export type { ErrorCode } from './errors.js';
export type { ClosestOptions, CorpusFileOptions, CorpusFormat, CorpusOptions, CorpusURLOptions, Match } from './corpus.js';
export type { DedupeOptions, FuzzyJoinOptions, JoinPair, JoinProgress, JoinRow } from './join.js';
export { scoreMatrix } from './matrix.js';
export type { ScoreMatrixOptions } from './matrix.js';
export {
  connect,
  startWorker,
  LIMITS,
  TASK_NAMES,
} from './dispatch/index.js';
export type {
  CallOptions,
  ClosestArgs,
  ClosestResult,
  ConnectOptions,
  CorpusRef,
  PutCorpusOptions,
  Dispatcher,
  JobStatus,
  JoinOptions,
  Requirement,
  ResultOptions,
  Settled,
  WorkerLogger,
  RunningWorker,
  TaskName,
  WorkerInfo,
  WorkerOptions,
  DispatchJoinOptions,
  JoinArgs,
} from './dispatch/index.js';
