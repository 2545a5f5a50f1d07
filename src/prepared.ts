// Prepared choices: strings packed once by a backend, then scored against any number of queries
// by scoreMany and scoreMatrix without crossing into native code again (see README, "Prepared
// choices").
import type { Kernel } from './kernel.js';
import { ERROR_CODES, describe, isArray, typeError } from './errors.js';

/**
 * Choices above this many UTF-16 units are kept as strings beside the packed form: only they can
 * make a pair over the 2^36-cell limit (a JS string has fewer than 2^29 units), and the size check
 * needs them to tell a too-large pair from the query itself.
 */
const LONG = 128;

interface Parts {
  kernel: Kernel;
  packed: unknown;
  /** UTF-16 length of the longest choice. */
  longest: number;
  /** The choices over LONG units, in index order. */
  long: [number, string][];
}

const parts = new WeakMap<PreparedChoices, Parts>();

/**
 * Strings packed once for repeated `scoreMany` / `scoreMatrix` calls (made by {@link prepare}).
 * On the native backend they live in native memory (code points plus SIMD lane batches), so a
 * call moves only the query across; on the TypeScript backend this holds a frozen copy of the
 * array. Scores are the same as for the plain array, to the bit. The prepared choices remember
 * the backend that made them and are always scored by it.
 */
export class PreparedChoices {
  /** How many choices. */
  readonly size: number;
  /** The backend that packed them (and scores them). */
  readonly backend: 'native' | 'js';

  /** @internal Use {@link prepare}. */
  constructor(kernel: Kernel, choices: readonly string[]) {
    let longest = 0;
    const long: [number, string][] = [];
    for (let i = 0; i < choices.length; i++) {
      const s = choices[i];
      if (s.length > longest) longest = s.length;
      if (s.length > LONG) long.push([i, s]);
    }
    parts.set(this, { kernel, packed: kernel.prepare(choices), longest, long });
    this.size = choices.length;
    this.backend = kernel.name;
    Object.freeze(this);
  }
}

/** The insides of prepared choices (for scoreMany and scoreMatrix). */
export function preparedParts(p: PreparedChoices): Parts {
  const got = parts.get(p);
  if (!got) throw typeError(ERROR_CODES.ARGUMENT, 'strdist: not prepared choices (make them with prepare())');
  return got;
}

/** No trap of a Proxy runs here (a revoked one included): identity only. */
export function isPrepared(value: unknown): value is PreparedChoices {
  return typeof value === 'object' && value !== null && parts.has(value as PreparedChoices);
}

/** Checks the argument of prepare() and packs it with `kernel`. */
export function prepareWith(kernel: Kernel, choices: unknown): PreparedChoices {
  if (!isArray(choices)) {
    throw typeError(ERROR_CODES.ARGUMENT, `prepare: choices must be an array of strings, got ${describe(choices)}`);
  }
  for (let i = 0; i < choices.length; i++) {
    const c: unknown = choices[i];
    if (typeof c !== 'string') {
      throw typeError(ERROR_CODES.ARGUMENT, `prepare: choices[${i}] must be a string, got ${describe(c)}`);
    }
  }
  return new PreparedChoices(kernel, choices as readonly string[]);
}
