// issue 12: the addon's kernels of the added metrics, behind the ExtraKernel interface.
import { ANY_METRIC_IDS, type AnyMetric, type ExtraKernel } from '../kernel.js';
import { withPackedChoices } from './pack.js';

/** The exports of native/binding.cc's issue 12 block. */
export interface ExtraAddon {
  indel(a: string, b: string, maxDistance?: number): number;
  ratio(a: string, b: string, minSimilarity?: number): number;
  longestCommonSubsequence(a: string, b: string): number;
  hamming(a: string, b: string, pad?: boolean, maxDistance?: number): number;
  hammingSimilarity(a: string, b: string, pad?: boolean, minSimilarity?: number): number;
  osa(a: string, b: string, maxDistance?: number): number;
  osaSimilarity(a: string, b: string, minSimilarity?: number): number;
  damerauLevenshtein(a: string, b: string, maxDistance?: number): number;
  damerauLevenshteinSimilarity(a: string, b: string, minSimilarity?: number): number;
  levenshteinWeighted(a: string, b: string, insert?: number, del?: number, substitute?: number, maxDistance?: number): number;
  scoreMany(metric: number, query: string, units: Uint16Array | string, lengths: Uint32Array, param: number, cutoff: number, out: Float64Array): void;
}

export function nativeExtraKernel(addon: ExtraAddon): ExtraKernel {
  return Object.freeze({
    indel: addon.indel,
    ratio: addon.ratio,
    longestCommonSubsequence: addon.longestCommonSubsequence,
    hamming: addon.hamming,
    hammingSimilarity: addon.hammingSimilarity,
    osa: addon.osa,
    osaSimilarity: addon.osaSimilarity,
    damerauLevenshtein: addon.damerauLevenshtein,
    damerauLevenshteinSimilarity: addon.damerauLevenshteinSimilarity,
    levenshteinWeighted: addon.levenshteinWeighted,
    scoreManyAny(metric: AnyMetric, query: string, choices: readonly string[], param: number, cutoff: number, out: Float64Array): void {
      withPackedChoices(choices, (units, lengths) =>
        addon.scoreMany(ANY_METRIC_IDS[metric], query, units, lengths, param, cutoff, out),
      );
    },
  });
}
