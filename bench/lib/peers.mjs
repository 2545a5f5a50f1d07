// The peers, each as a plain (a, b) => number function, under the name the tables print.
import { distance as fastestLevenshtein } from 'fastest-levenshtein';
import jsLevenshtein from 'js-levenshtein';
import jaroWinklerPackage from 'jaro-winkler';
import leven from 'leven';
import talismanJaro from 'talisman/metrics/jaro.js';
import talismanJaroWinkler from 'talisman/metrics/jaro-winkler.js';
// natural's distance modules alone: its index pulls in much more (and prints on import).
import naturalLevenshtein from 'natural/lib/natural/distance/levenshtein_distance.js';
import naturalJaroWinkler from 'natural/lib/natural/distance/jaro-winkler_distance.js';

export const levenshteinPeers = {
  'fastest-levenshtein': fastestLevenshtein,
  leven,
  'js-levenshtein': jsLevenshtein,
  natural: (a, b) => naturalLevenshtein.LevenshteinDistance(a, b),
};

export const jaroPeers = {
  'talisman jaro': talismanJaro,
};

export const jaroWinklerPeers = {
  'talisman jaro-winkler': talismanJaroWinkler,
  // Case-sensitive by default; its transposition count is not rounded down and its window
  // differs for one-letter strings, so a few scores differ from the standard definition.
  'jaro-winkler': jaroWinklerPackage,
  'natural jaro-winkler': (a, b) => naturalJaroWinkler(a, b),
};
