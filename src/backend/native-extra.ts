// issue 12: the addon's kernels of the added metrics, behind the ExtraKernel interface.
import { ANY_METRIC_IDS, type AnyMetric, type ExtraKernel } from '../kernel.js';

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

let units = new Uint16Array(1 << 12);

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
      const n = choices.length;
      const lengths = new Uint32Array(n);
      let total = 0;
      for (let i = 0; i < n; i++) total += lengths[i] = choices[i].length;
      if (units.length < total) units = new Uint16Array(Math.max(total, units.length * 2));
      const buf = units;
      let k = 0;
      for (let i = 0; i < n; i++) {
        const s = choices[i];
        for (let j = 0; j < s.length; j++) buf[k++] = s.charCodeAt(j);
      }
      addon.scoreMany(ANY_METRIC_IDS[metric], query, buf.subarray(0, total), lengths, param, cutoff, out);
    },
  });
}
