/**
 * strdist for browsers (the `browser` export condition): the TypeScript backend only, the same
 * results to the bit as in Node. The metrics, scoreMany, and Corpus with closest/closestMany;
 * no dispatch, no files, no native addon. Built by scripts/build.mjs into dist/browser/index.mjs with
 * src/browser/ standing in for the Node-only modules.
 */
import { jsKernel } from './backend/js.js';
import { createMetrics } from './metrics.js';

export type { Metric } from './kernel.js';
export { KERNEL_VERSION, METRICS } from './kernel.js';
export type { JaroOptions, JaroWinklerOptions, LevenshteinOptions, Metrics, ScoreManyOptions } from './metrics.js';

const api = createMetrics(jsKernel);

/** Always `'js'` in the browser build. */
export const backend = 'js' as const;
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

export { Corpus } from './corpus.js';
export type { ClosestOptions, CorpusOptions, Match } from './corpus.js';
export { ERROR_CODES } from './errors.js';
export type { ErrorCode } from './errors.js';
