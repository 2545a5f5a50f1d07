// Choices into the addon: their UTF-16 units back to back in a Uint16Array, with each one's
// length. A charCodeAt loop here is the cheapest route measured into native memory (about 30 ns
// for a 10-letter word, against 150+ for reading each string through Node-API or for
// `join('')`; README, "Prepared choices").
import { ERROR_CODES, describe, typeError } from '../errors.js';

// The buffers of the last call, reused while they are small (a large typed array is memory
// outside V8's heap, and allocating one per call brings the collector round sooner); a call in
// progress owns them, so a getter on `choices` that calls back in gets buffers of its own.
const KEEP = 1 << 20;
let spareUnits: Uint16Array | undefined;
let spareLengths: Uint32Array | undefined;

/**
 * Returns `use(units, lengths)` with the choices packed: each string read once, so `lengths`
 * always adds up to `units.length` whatever the array does meanwhile. `use` must be done with
 * them when it returns (the addon copies what it keeps).
 */
export function withPackedChoices<T>(choices: readonly string[], use: (units: Uint16Array, lengths: Uint32Array) => T): T {
  const n = choices.length;
  const lengths = spareLengths && spareLengths.length >= n ? spareLengths : new Uint32Array(Math.max(n, 1024));
  let units = spareUnits ?? new Uint16Array(4096);
  spareLengths = spareUnits = undefined;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const s = choices[i];
    if (typeof s !== 'string') {
      // the wrapper checked every choice; only a getter or a proxy can get here
      throw typeError(ERROR_CODES.ARGUMENT, `strdist: choices[${i}] changed after it was checked: not a string now but ${describe(s)}`);
    }
    const len = s.length;
    if (k + len > units.length) {
      const bigger = new Uint16Array(Math.max(k + len, 2 * units.length));
      bigger.set(units.subarray(0, k));
      units = bigger;
    }
    for (let j = 0; j < len; j++) units[k + j] = s.charCodeAt(j);
    k += len;
    lengths[i] = len;
  }
  try {
    return use(units.subarray(0, k), lengths.subarray(0, n));
  } finally {
    if (units.length <= KEEP) spareUnits = units;
    if (lengths.length <= KEEP) spareLengths = lengths;
  }
}
