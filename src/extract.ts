// issue 12: search a plain list (extract, extractOne), and the added metrics' closest-word
// search over a corpus's words.
//
// The four core metrics go through the pruned corpus search (src/corpus.ts: a Corpus over the
// choices, positions kept, its native index built for the call). The added metrics score every
// choice with their cached bit-parallel scorer in one crossing (scoreMany), where a distance's
// cutoff first rejects choices on their length alone (|len(q) - len(c)| > maxDistance), then
// keep the n best in a bounded heap. Ties go to the lower index, as everywhere.
import { CLOSEST_SYNC_OPTIONS, closestSyncAs, listCorpus, type ClosestOptions, type Match } from './corpus.js';
import { ERROR_CODES, describe, isArray, typeError } from './errors.js';
import { checkString } from './metrics.js';
import { readOptions } from './options.js';

export type ExtractOptions = Omit<ClosestOptions, 'signal'>;

function checkChoices(fn: string, choices: unknown): asserts choices is readonly string[] {
  if (!isArray(choices)) {
    throw typeError(ERROR_CODES.ARGUMENT, `${fn}: choices must be an array of strings, got ${describe(choices)}`);
  }
  for (let i = 0; i < choices.length; i++) {
    const c: unknown = choices[i];
    if (typeof c !== 'string') {
      throw typeError(ERROR_CODES.ARGUMENT, `${fn}: choices[${i}] must be a string, got ${describe(c)}`);
    }
  }
}

/**
 * The `n` best matches of `query` among `choices`, best first: `{ word, score, index }` with
 * `index` the position in `choices` (duplicates are kept, each at its own position). Exact:
 * equal to scoring every choice and sorting, ties to the lower index. Options as
 * `corpus.closestSync` takes them, for every metric.
 */
export function extract(query: string, choices: readonly string[], options?: ExtractOptions): Match[] {
  checkString('extract', 'query', query);
  checkChoices('extract', choices);
  return closestSyncAs('extract', listCorpus(choices), query, options);
}

/** The best match of `query` among `choices`, or undefined when none passes the cutoffs. */
export function extractOne(query: string, choices: readonly string[], options?: Omit<ExtractOptions, 'n'>): Match | undefined {
  checkString('extractOne', 'query', query);
  checkChoices('extractOne', choices);
  // extractOne's n is 1: an `n` option is refused like any unknown one.
  const o = readOptions('extractOne', options, CLOSEST_SYNC_OPTIONS.filter((k) => k !== 'n'));
  return closestSyncAs('extractOne', listCorpus(choices), query, { ...o, n: 1 })[0];
}

