/** The pure-TypeScript kernels: the same algorithms and results as the native addon. */
export { CachedLevenshtein, levenshtein, levenshteinSimilarity } from './levenshtein.js';
export { CachedJaro, CachedJaroWinkler, jaro, jaroWinkler } from './jaro.js';
export { codePointLength, codePointsInto, toCodePoints } from './text.js';
