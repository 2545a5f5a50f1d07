import { availableParallelism } from 'node:os';
import { backendState, nativeAddon } from './backend/index.js';
import { withPackedChoices } from './backend/pack.js';
import { checkQueries, withCancel } from './corpus.js';
import { METRIC_IDS, type Kernel, type Metric } from './kernel.js';
import { MAX_CELLS, checkSize, scoreManyArgs, type ScoreManyOptions } from './metrics.js';
import { checkSignal, option } from './options.js';
import { ERROR_CODES, rangeError } from './errors.js';
import { isPrepared, preparedParts, type PreparedChoices } from './prepared.js';

/** scoreMatrix's result types, by its `dtype` option. */
export interface MatrixTypes {
  float64: Float64Array;
  float32: Float32Array;
  int32: Int32Array;
}
export type MatrixDType = keyof MatrixTypes;

export interface ScoreMatrixOptions<D extends MatrixDType = MatrixDType> extends ScoreManyOptions {
  /** @defaultValue all cores */
  threads?: number;
  signal?: AbortSignal;
  /**
   * The result's element type: `'float64'` (a Float64Array), `'float32'` (each score rounded
   * to the nearest float32, as a Float32Array store rounds) or, for `'levenshtein'` only,
   * `'int32'` (the distances, exactly). Half the memory of float64 is half the garbage a
   * large matrix hands the collector; RapidFuzz's `cdist` gives int32 and float32 by default.
   * @defaultValue 'float64'
   */
  dtype?: D;
}

const DTYPE_IDS: Record<MatrixDType, number> = { float64: 0, float32: 1, int32: 2 };
const ARRAYS = { float64: Float64Array, float32: Float32Array, int32: Int32Array } as const;

interface MatrixAddon {
  scoreMatrix(
    metric: number, queries: string, qLengths: Uint32Array, choices: unknown, cLengths: Uint32Array | undefined,
    param: number, cutoff: number, threads: number, token: unknown, dtype: number,
  ): Promise<Float64Array | Float32Array | Int32Array>;
}

const lengths = (s: readonly string[]) => Uint32Array.from(s, (x) => x.length);

/**
 * Every query against every choice: a row-major `Float64Array` of `queries.length` rows and
 * `choices.length` columns. On the native backend it is computed off the main thread on
 * `threads` threads; on the TypeScript backend on the main thread, in slices of a few
 * milliseconds that yield to the event loop between them (see scoreMatrixInSlices).
 * `choices` may be {@link PreparedChoices} (from `prepare`), scored by the backend that
 * prepared them; on the native one nothing but the queries crosses the boundary.
 */
export async function scoreMatrix<D extends MatrixDType = 'float64'>(
  metric: Metric,
  queries: readonly string[],
  choices: readonly string[] | PreparedChoices,
  options?: ScoreMatrixOptions<D>,
): Promise<MatrixTypes[D]> {
  checkQueries('scoreMatrix', queries);
  // Checks the choices and the options, and applies the processor (issue 12) to the choices;
  // then to the queries, and the longest query against every choice checks the size limit.
  // Prepared choices (issue 11) stay packed; they take no processor.
  const args = scoreManyArgs('scoreMatrix', metric, '', choices, options, ['threads', 'signal', 'dtype']);
  const { weight, cutoff, rest } = args;
  if (args.process) queries = queries.map(args.process);
  const longest = queries.reduce((a, b) => (b.length > a.length ? b : a), '');
  if (isPrepared(choices)) {
    const { longest: widest, long } = preparedParts(choices);
    if (longest.length * widest > MAX_CELLS) for (const [, c] of long) checkSize('scoreMatrix', longest, c);
  } else {
    choices = args.choices;
    // checkSize only past the longest choice the longest query allows (as scoreManyArgs does)
    const widest = longest.length === 0 ? Infinity : MAX_CELLS / longest.length;
    for (const c of choices) if (c.length > widest) checkSize('scoreMatrix', longest, c);
  }
  const threads = option('scoreMatrix', rest, 'threads', availableParallelism());
  const signal = checkSignal('scoreMatrix', rest.signal);
  const dtype = option('scoreMatrix', rest, 'dtype', 'float64') as D;
  if (dtype === 'int32' && metric !== 'levenshtein') {
    throw rangeError(
      ERROR_CODES.OPTION,
      `scoreMatrix: dtype "int32" holds distances, for metric levenshtein only; ${metric} gives fractions: use "float32" or "float64"`,
    );
  }
  // Typed arrays hold at most 2^32 - 1 elements here: refused up front, on both backends alike.
  const prepared = isPrepared(choices) ? preparedParts(choices) : undefined;
  const columns = isPrepared(choices) ? choices.size : choices.length;
  const cells = queries.length * columns;
  if (cells > 0xffffffff) {
    throw rangeError(
      ERROR_CODES.TOO_LARGE,
      `scoreMatrix: the matrix (queries x choices) must have at most 2^32 - 1 elements, got ${cells}`,
    );
  }
  const state = backendState();
  // Prepared choices are scored by the backend that prepared them; plain ones by the process's.
  const kernel = prepared ? prepared.kernel : state.kernel;
  if (kernel.name === 'js' || (!prepared && !state.addon)) {
    const list = (prepared ? prepared.packed : choices) as readonly string[];
    return scoreMatrixInSlices(kernel, metric, queries, list, weight, cutoff, signal, dtype);
  }
  const addon = (prepared ? nativeAddon() : state.addon) as unknown as MatrixAddon;
  const call = (token: unknown) => {
    const run = (units: unknown, unitLengths?: Uint32Array) =>
      addon.scoreMatrix(
        METRIC_IDS[metric], queries.join(''), lengths(queries), units, unitLengths, weight, cutoff, threads, token, DTYPE_IDS[dtype],
      );
    // plain choices are packed by the addon before the call returns
    return prepared ? run(prepared.packed) : withPackedChoices(choices as readonly string[], run);
  };
  return withCancel(signal, call) as Promise<MatrixTypes[D]>;
}

/**
 * The work in one slice of scoreMatrixInSlices, in the bit-parallel kernels' cost units: a cell
 * costs (choice length + 8) times the query's 32-unit words. 2^18 units take 2-5 ms on the
 * TypeScript kernels here, for short words and for 1000-character strings alike.
 */
export const SLICE_WORK = 1 << 18;

/**
 * scoreMatrix on a kernel that runs on the calling thread (the TypeScript one): the cells are
 * computed in slices of about SLICE_WORK, row by row, and the event loop turns between two
 * slices (setImmediate), so timers, I/O and other requests keep being served; `signal` is
 * checked there too. A worker_threads pool would move the work off the main thread, but needs
 * a worker file beside the code, which an application bundle does not keep.
 */
export async function scoreMatrixInSlices<D extends MatrixDType = 'float64'>(
  kernel: Kernel,
  metric: Metric,
  queries: readonly string[],
  choices: readonly string[],
  weight: number,
  cutoff: number,
  signal?: AbortSignal,
  dtype: D = 'float64' as D,
): Promise<MatrixTypes[D]> {
  const cols = choices.length;
  const result = new ARRAYS[dtype](queries.length * cols) as MatrixTypes[D];
  // Another element type: each slice is scored into doubles, then stored (converted) at once.
  const out = result instanceof Float64Array ? result : new Float64Array(Math.min(cols, SLICE_WORK / 8 + 1));
  let work = 0;
  for (let i = 0; i < queries.length; i++) {
    const query = queries[i];
    const words = 1 + (query.length >> 5);
    for (let start = 0; start < cols; ) {
      if (work >= SLICE_WORK) {
        work = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (signal?.aborted) throw signal.reason;
      let end = start;
      while (end < cols && work < SLICE_WORK) work += (choices[end++].length + 8) * words;
      const part = start === 0 && end === cols ? choices : choices.slice(start, end);
      if (out === result) {
        kernel.scoreMany(metric, query, part, weight, cutoff, out.subarray(i * cols + start, i * cols + end));
      } else {
        kernel.scoreMany(metric, query, part, weight, cutoff, out.subarray(0, end - start));
        result.set(out.subarray(0, end - start), i * cols + start);
      }
      start = end;
    }
  }
  if (signal?.aborted) throw signal.reason;
  return result;
}
