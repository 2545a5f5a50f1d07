// The peers, each as a plain (a, b) => number function, under the name the tables print.
import { distance as fastestLevenshtein } from 'fastest-levenshtein';
import jsLevenshtein from 'js-levenshtein';
import jaroWinklerPackage from 'jaro-winkler';
import leven from 'leven';
import talismanJaro from 'talisman/metrics/jaro.js';
import talismanJaroWinkler from 'talisman/metrics/jaro-winkler.js';

export const levenshteinPeers = {
  'fastest-levenshtein': fastestLevenshtein,
  leven,
  'js-levenshtein': jsLevenshtein,
};

export const jaroPeers = {
  'talisman jaro': talismanJaro,
};

export const jaroWinklerPeers = {
  'talisman jaro-winkler': talismanJaroWinkler,
  // Case-sensitive by default; its transposition count is not rounded down and its window
  // differs for one-letter strings, so a few scores differ from the standard definition.
  'jaro-winkler': jaroWinklerPackage,
};
