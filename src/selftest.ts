import type { Kernel } from './kernel.js';

/** Known answers (python-Levenshtein and jellyfish), checked exactly at worker start-up. */
const VECTORS: [a: string, b: string, levenshtein: number, jaro: number, jaroWinkler: number][] = [
  ['kitten', 'sitting', 3, 0.746031746031746, 0.746031746031746],
  ['MARTHA', 'MARHTA', 2, 0.9444444444444445, 0.9611111111111111],
  ['DIXON', 'DICKSONX', 4, 0.7666666666666666, 0.8133333333333332],
  ['DWAYNE', 'DUANE', 2, 0.8222222222222223, 0.8400000000000001],
  ['😀😀', '😀', 1, 0.8333333333333334, 0.8500000000000001],
  ['', '', 0, 1, 1],
  ['a'.repeat(64), 'a'.repeat(65), 1, 0.9948717948717949, 0.9969230769230769],
];

/** Runs the vectors through a kernel; returns the failures (empty when all pass). */
export function selfTest(kernel: Kernel): string[] {
  const failures: string[] = [];
  for (const [a, b, lev, jaro, jw] of VECTORS) {
    const got = [kernel.levenshtein(a, b, -1), kernel.jaro(a, b, 0), kernel.jaroWinkler(a, b, 0.1, 0)];
    const want = [lev, jaro, jw];
    for (let i = 0; i < 3; i++) {
      if (got[i] !== want[i]) {
        failures.push(`${['levenshtein', 'jaro', 'jaroWinkler'][i]}(${JSON.stringify(a)}, ${JSON.stringify(b)}) = ${got[i]}, expected ${want[i]}`);
      }
    }
  }
  return failures;
}
