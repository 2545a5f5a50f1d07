// Processors: what is done to every string before it is compared (RapidFuzz's `processor`).
// One table of built-in processors, by name; a name travels to a remote worker, a function
// cannot. Every built-in runs in TypeScript on both backends: 'lowercase' and 'nfkc' are V8's
// own (ICU) calls already, and 'casefold'/'default' are one pass over the string; no native
// version was built, so none is claimed faster (bench/run.mjs --only edit-ops times them).
import { CASEFOLD_MULTI, CASEFOLD_RUNS } from './casefold-table.js';
import { ERROR_CODES, describe, rangeError, typeError } from './errors.js';

/** The built-in processors' names. */
export const PROCESSORS = ['none', 'lowercase', 'casefold', 'nfkc', 'nfkcCasefold', 'default'] as const;
export type ProcessorName = (typeof PROCESSORS)[number];

/** A built-in processor's name, or a function from a string to a string. */
export type Processor = ProcessorName | ((s: string) => string);

let foldTable: Map<number, string> | undefined;

/** The folding of every code point that folds to something else (built on first use). */
function folds(): Map<number, string> {
  if (foldTable) return foldTable;
  const map = new Map<number, string>();
  const runs = CASEFOLD_RUNS.split(',').map((x) => parseInt(x, 36));
  for (let i = 0; i < runs.length; i += 4) {
    const [start, count, stride, delta] = [runs[i], runs[i + 1], runs[i + 2], runs[i + 3]];
    for (let k = 0; k < count; k++) {
      const cp = start + k * stride;
      map.set(cp, String.fromCodePoint(cp + delta));
    }
  }
  for (const entry of CASEFOLD_MULTI.split(';')) {
    const [cp, ...to] = entry.split(' ').map((x) => parseInt(x, 36));
    map.set(cp, String.fromCodePoint(...to));
  }
  return (foldTable = map);
}

/**
 * Unicode full case folding (CaseFolding.txt, status C and F): Python's `str.casefold`. The
 * table is generated from Python's Unicode data (scripts/unicode/gen-casefold.py).
 */
export function casefold(s: string): string {
  // ASCII without upper-case letters folds to itself.
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80 || (c >= 0x41 && c <= 0x5a)) break;
  }
  if (i === s.length) return s;
  const map = folds();
  let out = s.slice(0, i);
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      out += c >= 0x41 && c <= 0x5a ? String.fromCharCode(c + 32) : s[i];
      continue;
    }
    const cp = s.codePointAt(i)!;
    const wide = cp > 0xffff;
    const f = map.get(cp);
    out += f ?? (wide ? s.slice(i, i + 2) : s[i]);
    if (wide) i++;
  }
  return out;
}

const NOT_ALNUM = /[^\p{L}\p{N}]/gu;

/**
 * RapidFuzz's `default_process`: every code point outside the Unicode categories L and N
 * becomes a space, each code point is lowercased on its own (its simple lowercase mapping, one
 * code point to one), and spaces are trimmed at both ends.
 */
export function defaultProcess(s: string): string {
  const spaced = s.replace(NOT_ALNUM, ' ');
  let out = '';
  for (const ch of spaced) {
    const lower = ch.toLowerCase();
    // The full mapping has more than one code point only for U+0130 (İ → i + U+0307); its
    // simple mapping is "i".
    out += lower.length > 2 || (lower.length === 2 && ch.length === 1) ? simpleLower(ch, lower) : lower;
  }
  let a = 0;
  let b = out.length;
  while (a < b && out.charCodeAt(a) === 0x20) a++;
  while (b > a && out.charCodeAt(b - 1) === 0x20) b--;
  return out.slice(a, b);
}

function simpleLower(ch: string, full: string): string {
  return ch === '\u0130' ? 'i' : full;
}

const BUILT_IN: Record<ProcessorName, ((s: string) => string) | undefined> = {
  none: undefined,
  lowercase: (s) => s.toLowerCase(),
  casefold,
  nfkc: (s) => s.normalize('NFKC'),
  nfkcCasefold: (s) => casefold(s.normalize('NFKC')),
  default: defaultProcess,
};

export function isProcessor(value: unknown): value is Processor {
  return typeof value === 'function' || (typeof value === 'string' && (PROCESSORS as readonly string[]).includes(value));
}

/**
 * The function a checked `processor` option stands for; undefined for `'none'` or a left-out
 * option. A caller's function is wrapped so that a result that is not a string is a TypeError.
 */
export function processorFunction(fn: string, processor: Processor | undefined): ((s: string) => string) | undefined {
  if (processor === undefined) return undefined;
  if (typeof processor === 'string') {
    if (!Object.hasOwn(BUILT_IN, processor)) {
      throw rangeError(ERROR_CODES.OPTION, `${fn}: processor must be one of ${PROCESSORS.join(', ')} or a function, got ${describe(processor)}`);
    }
    return BUILT_IN[processor];
  }
  return (s: string) => {
    const r: unknown = processor(s);
    if (typeof r !== 'string') {
      throw typeError(ERROR_CODES.ARGUMENT, `${fn}: the processor must return a string, got ${describe(r)}`);
    }
    return r;
  };
}

/** Applies a built-in processor by name (the functions the option names). */
export function applyProcessor(processor: Processor, s: string): string {
  const f = processorFunction('applyProcessor', processor);
  return f ? f(s) : s;
}
