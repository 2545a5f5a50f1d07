/**
 * Hamming distance over code points, the twin of native/hamming.hpp: the positions at which
 * the strings differ, plus (with padding) every code point past the shorter one's end.
 */
import { decodePair } from './lcs.js';

export function hammingOf(A: Int32Array, la: number, B: Int32Array, lb: number, max: number): number {
  const n = la < lb ? la : lb;
  let d = la > lb ? la - lb : lb - la;
  for (let i = 0; i < n; i++) if (A[i] !== B[i]) d++;
  return max >= 0 && d > max ? max + 1 : d;
}

/** The caller has checked the lengths (equal, or padding asked for). */
export function hamming(a: string, b: string, max: number): number {
  const [A, la, B, lb] = decodePair(a, b);
  return hammingOf(A, la, B, lb, max);
}
