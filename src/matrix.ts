import { availableParallelism } from 'node:os';
import { backendState } from './backend/index.js';
import { checkQueries, withCancel } from './corpus.js';
import { METRIC_IDS, type Metric } from './kernel.js';
import { scoreManyArgs, type ScoreManyOptions } from './metrics.js';
import { checkSignal, option } from './options.js';

export interface ScoreMatrixOptions extends ScoreManyOptions {
  /** @defaultValue all cores */
  threads?: number;
  signal?: AbortSignal;
}

interface MatrixAddon {
  scoreMatrix(
    metric: number, queries: string, qLengths: Uint32Array, choices: string, cLengths: Uint32Array,
    param: number, cutoff: number, threads: number, token: unknown,
  ): Promise<Float64Array>;
}

const lengths = (s: readonly string[]) => Uint32Array.from(s, (x) => x.length);

/**
 * Every query against every choice: a row-major `Float64Array` of `queries.length` rows and
 * `choices.length` columns, computed off the main thread on `threads` threads.
 */
export async function scoreMatrix(
  metric: Metric,
  queries: readonly string[],
  choices: readonly string[],
  options?: ScoreMatrixOptions,
): Promise<Float64Array> {
  checkQueries('scoreMatrix', queries);
  // The longest query against every choice: checks the choices, the options and the size limit.
  const longest = queries.reduce((a, b) => (b.length > a.length ? b : a), '');
  const { weight, cutoff, rest } = scoreManyArgs('scoreMatrix', metric, longest, choices, options, ['threads', 'signal']);
  const threads = option('scoreMatrix', rest, 'threads', availableParallelism());
  const signal = checkSignal('scoreMatrix', rest.signal);
  const state = backendState();
  if (!state.addon) {
    const out = new Float64Array(queries.length * choices.length);
    const row = new Float64Array(choices.length);
    for (let i = 0; i < queries.length; i++) {
      if (signal?.aborted) throw signal.reason;
      if (choices.length > 0) state.kernel.scoreMany(metric, queries[i], choices, weight, cutoff, row);
      out.set(row, i * choices.length);
      if (i % 64 === 63) await new Promise<void>((r) => setImmediate(r));
    }
    if (signal?.aborted) throw signal.reason;
    return out;
  }
  const addon = state.addon as unknown as MatrixAddon;
  return withCancel(signal, (token) =>
    addon.scoreMatrix(METRIC_IDS[metric], queries.join(''), lengths(queries), choices.join(''), lengths(choices), weight, cutoff, threads, token),
  );
}
