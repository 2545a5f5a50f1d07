// Choices into the addon: their UTF-16 units back to back in a Uint16Array, with each one's
// length. A charCodeAt loop here is the cheapest route measured into native memory (about 30 ns
// for a 10-letter word, against 150+ for reading each string through Node-API or for
// `join('')`; README, "Prepared choices").
import { ERROR_CODES, describe, typeError } from '../errors.js';

// The buffer of the last call, reused while it is small; a call in progress owns it (a getter
// on `choices` that calls back in gets a buffer of its own).
const KEEP_UNITS = 1 << 20;
let spare: Uint16Array | undefined;

/**
 * Calls `use(units, lengths)` with the choices packed: each string read once, so `lengths`
 * always adds up to `units.length` whatever the array does meanwhile.
 */
export function withPackedChoices(choices: readonly string[], use: (units: Uint16Array, lengths: Uint32Array) => void): void {
  const n = choices.length;
  const lengths = new Uint32Array(n);
  let buf = spare ?? new Uint16Array(4096);
  spare = undefined;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const s = choices[i];
    if (typeof s !== 'string') {
      // the wrapper checked every choice; only a getter or a proxy can get here
      throw typeError(ERROR_CODES.ARGUMENT, `strdist: choices[${i}] changed after it was checked: not a string now but ${describe(s)}`);
    }
    const len = s.length;
    if (k + len > buf.length) {
      const bigger = new Uint16Array(Math.max(k + len, 2 * buf.length));
      bigger.set(buf.subarray(0, k));
      buf = bigger;
    }
    for (let j = 0; j < len; j++) buf[k + j] = s.charCodeAt(j);
    k += len;
    lengths[i] = len;
  }
  try {
    use(buf.subarray(0, k), lengths);
  } finally {
    if (buf.length <= KEEP_UNITS) spare = buf;
  }
}
