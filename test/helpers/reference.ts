// Naive references, written as plainly as the definitions in DESIGN.md.

export function codePoints(s: string): number[] {
  return Array.from(s, (c) => c.codePointAt(0)!);
}

/** Full dynamic-programming matrix, unit costs. */
export function refLevenshtein(a: string, b: string): number {
  const x = codePoints(a);
  const y = codePoints(b);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length];
}

export function refLevenshteinSimilarity(a: string, b: string): number {
  const la = codePoints(a).length;
  const lb = codePoints(b).length;
  if (la === 0 && lb === 0) return 1;
  return 1 - refLevenshtein(a, b) / Math.max(la, lb);
}

/** Jaro as in Winkler's strcmp95 / jellyfish: greedy earliest match inside the window. */
export function refJaro(a: string, b: string): number {
  const x = codePoints(a);
  const y = codePoints(b);
  if (x.length === 0 && y.length === 0) return 1;
  if (x.length === 0 || y.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(x.length, y.length) / 2) - 1);
  const fx = new Array<boolean>(x.length).fill(false);
  const fy = new Array<boolean>(y.length).fill(false);
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(i + window, y.length - 1);
    for (let j = lo; j <= hi; j++) {
      if (!fy[j] && y[j] === x[i]) {
        fx[i] = fy[j] = true;
        m++;
        break;
      }
    }
  }
  if (m === 0) return 0;
  let k = 0;
  let half = 0;
  for (let i = 0; i < x.length; i++) {
    if (!fx[i]) continue;
    while (!fy[k]) k++;
    if (x[i] !== y[k]) half++;
    k++;
  }
  const t = Math.floor(half / 2);
  return (m / x.length + m / y.length + (m - t) / m) / 3;
}

export function refJaroWinkler(a: string, b: string, p = 0.1): number {
  const sim = refJaro(a, b);
  if (!(sim > 0.7)) return sim;
  const x = codePoints(a);
  const y = codePoints(b);
  let l = 0;
  while (l < 4 && l < x.length && l < y.length && x[l] === y[l]) l++;
  return sim + l * p * (1 - sim);
}
