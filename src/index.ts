/**
 * strdist: exact string distances (Levenshtein, Jaro, Jaro-Winkler) in a native Node-API
 * addon, with a pure-TypeScript fallback that returns the same results to the bit.
 */
import { backendState } from './backend/index.js';
import { describeCapability, type Capability } from './capability.js';
import { createMetrics } from './metrics.js';
import { createExtraMetrics } from './metrics-extra.js';
import { extraKernel } from './backend/extra.js';

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
 * crossing. Measured by `npm run bench` (the "crossover" table): with the fast path for calls
 * without options (src/metrics.ts) the TypeScript kernels win up to a combined length of 48
 * and the native ones from 49, for both metric families. (It was 25 before that fast path,
 * and 9 while loading ioredis slowed every string method call; see src/dispatch/deps.ts.)
 */
export const PAIRWISE_JS_BELOW = Object.freeze({ levenshtein: 49, jaro: 49 });
/**
 * The same for the metrics of issue 12 (indel, osa, weighted levenshtein...): the fast path
 * does not serve them, so they keep the threshold they had (PAIRWISE_JS_BELOW before it).
 */
const EXTRA_JS_BELOW = 25;

const state = backendState();
const api = createMetrics(state.kernel, { pairwiseJsBelow: PAIRWISE_JS_BELOW });

/** The backend in use: `'native'` (the addon) or `'js'` (the TypeScript fallback). */
export const backend: 'native' | 'js' = state.kernel.name;

/** `1 - distance / max(|a|, |b|)` over code points; two empty strings give 1. */
export const levenshteinSimilarity = api.levenshteinSimilarity;
/** Jaro similarity (the standard definition); 0 below `minSimilarity`. */
export const jaro = api.jaro;
/** Jaro-Winkler similarity; 0 below `minSimilarity`. */
export const jaroWinkler = api.jaroWinkler;
// ---- issue 12: more metrics, extract ----
const extraApi = createExtraMetrics(state.kernel, extraKernel(), api, EXTRA_JS_BELOW);

/** Scores one query against many strings in one call (any metric); `Float64Array` aligned with `choices`. */
export const scoreMany = extraApi.scoreMany;
/**
 * Levenshtein distance over code points; `maxDistance + 1` when it exceeds `maxDistance`. With
 * `weights: { insert, delete, substitute }` (non-negative integers, 1 when left out) each edit
 * costs its weight.
 */
export const levenshtein = extraApi.levenshtein;
/** Insertions and deletions only: `|a| + |b| - 2 * longestCommonSubsequence(a, b)`. */
export const indel = extraApi.indel;
/** `1 - indel / (|a| + |b|)`, 1 for two empty strings (python-Levenshtein's ratio). */
export const ratio = extraApi.ratio;
/** The length of a longest common subsequence. */
export const longestCommonSubsequence = extraApi.longestCommonSubsequence;
/** Positions that differ; different lengths need `pad: true` (the extra code points count). */
export const hamming = extraApi.hamming;
/** `1 - hamming / max(|a|, |b|)`, 1 for two empty strings. */
export const hammingSimilarity = extraApi.hammingSimilarity;
/** Optimal string alignment distance (adjacent transpositions, no substring edited twice). */
export const osa = extraApi.osa;
/** `1 - osa / max(|a|, |b|)`, 1 for two empty strings. */
export const osaSimilarity = extraApi.osaSimilarity;
/** Unrestricted Damerau-Levenshtein distance. */
export const damerauLevenshtein = extraApi.damerauLevenshtein;
/** `1 - damerauLevenshtein / max(|a|, |b|)`, 1 for two empty strings. */
export const damerauLevenshteinSimilarity = extraApi.damerauLevenshteinSimilarity;
export { extract, extractOne } from './extract.js';
export type { ExtractOptions } from './extract.js';
export type { AnyMetric, ExtraMetric } from './kernel.js';
export { ALL_METRICS, EXTRA_METRICS } from './kernel.js';
export type {
  DistanceOptions,
  ExtraMetrics,
  HammingOptions,
  HammingSimilarityOptions,
  ScoreManyAnyOptions,
  SimilarityOptions,
  WeightedLevenshteinOptions,
} from './metrics-extra.js';
export type { Weights } from './options.js';
// ---- end issue 12 ----
/** Packs choices once for repeated `scoreMany` / `scoreMatrix` calls (see README, "Prepared choices"). */
export const prepare = api.prepare;
export { PreparedChoices } from './prepared.js';

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
export type { MatrixDType, MatrixTypes, ScoreMatrixOptions } from './matrix.js';
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

// --- issue 12: processors, edit operations, medians ---
export { PROCESSORS, applyProcessor } from './processors.js';
export type { Processor, ProcessorName } from './processors.js';
export type { ProcessorOptions } from './metrics.js';
// --- end issue 12 ---

// --- issue 12: edit operations ---
export { editops, opcodes, matchingBlocks, applyEdit, inverse } from './editops.js';
export type { EditOp, EditOpName, EditMetric, EditopsOptions, MatchingBlock, Opcode, OpcodeTag } from './editops.js';
// --- end issue 12: edit operations ---

// --- issue 12: medians and sequence ratios ---
export { median, setMedian, seqRatio, setRatio } from './median.js';
export type { MedianOptions } from './median.js';
// --- end issue 12: medians and sequence ratios ---
// --- issue 15: the distributed self-join and dedupe ---
export type { DispatchSelfJoinOptions, DispatchDedupeOptions, SelfJoinArgs, SelfJoinResult } from './dispatch/index.js';
