// issue 12: naive dynamic-programming references for the added metrics, written from their
// definitions (full matrices, no tricks), for the parity tests.
const cps = (s: string) => Array.from(s, (c) => c.codePointAt(0)!);

export function refLcs(a: string, b: string): number {
  const A = cps(a);
  const B = cps(b);
  const prev = new Array(B.length + 1).fill(0);
  for (let i = 1; i <= A.length; i++) {
    let diag = 0;
    for (let j = 1; j <= B.length; j++) {
      const up = prev[j];
      prev[j] = A[i - 1] === B[j - 1] ? diag + 1 : Math.max(up, prev[j - 1]);
      diag = up;
    }
  }
  return prev[B.length];
}

export function refIndel(a: string, b: string): number {
  return cps(a).length + cps(b).length - 2 * refLcs(a, b);
}

export function refNormalized(d: number, maximum: number): number {
  return maximum === 0 ? 1 : 1 - d / maximum;
}

export function refRatio(a: string, b: string): number {
  return refNormalized(refIndel(a, b), cps(a).length + cps(b).length);
}

export function refHamming(a: string, b: string): number {
  const A = cps(a);
  const B = cps(b);
  let d = 0;
  for (let i = 0; i < Math.max(A.length, B.length); i++) if (i >= A.length || i >= B.length || A[i] !== B[i]) d++;
  return d;
}

/** Optimal string alignment: Levenshtein plus a transposition of adjacent characters. */
export function refOsa(a: string, b: string): number {
  const A = cps(a);
  const B = cps(b);
  const d: number[][] = [];
  for (let i = 0; i <= A.length; i++) {
    d.push(new Array(B.length + 1).fill(0));
    d[i][0] = i;
  }
  for (let j = 0; j <= B.length; j++) d[0][j] = j;
  for (let i = 1; i <= A.length; i++) {
    for (let j = 1; j <= B.length; j++) {
      const cost = A[i - 1] === B[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && A[i - 1] === B[j - 2] && A[i - 2] === B[j - 1]) v = Math.min(v, d[i - 2][j - 2] + 1);
      d[i][j] = v;
    }
  }
  return d[A.length][B.length];
}

/** Unrestricted Damerau-Levenshtein (Lowrance & Wagner), the textbook full-matrix form. */
export function refDamerau(a: string, b: string): number {
  const A = cps(a);
  const B = cps(b);
  const big = A.length + B.length;
  const da = new Map<number, number>();
  // d[i + 1][j + 1] is H[i][j], with row and column -1.
  const d: number[][] = [];
  for (let i = 0; i <= A.length + 1; i++) d.push(new Array(B.length + 2).fill(0));
  d[0][0] = big;
  for (let i = 0; i <= A.length; i++) {
    d[i + 1][0] = big;
    d[i + 1][1] = i;
  }
  for (let j = 0; j <= B.length; j++) {
    d[0][j + 1] = big;
    d[1][j + 1] = j;
  }
  for (let i = 1; i <= A.length; i++) {
    let db = 0;
    for (let j = 1; j <= B.length; j++) {
      const k = da.get(B[j - 1]) ?? 0;
      const l = db;
      let cost = 1;
      if (A[i - 1] === B[j - 1]) {
        cost = 0;
        db = j;
      }
      d[i + 1][j + 1] = Math.min(
        d[i][j] + cost,
        d[i + 1][j] + 1,
        d[i][j + 1] + 1,
        d[k][l] + (i - k - 1) + 1 + (j - l - 1),
      );
    }
    da.set(A[i - 1], i);
  }
  return d[A.length + 1][B.length + 1];
}

/** Levenshtein with weights: insert into a, delete from a, substitute. */
export function refWeighted(a: string, b: string, ins: number, del: number, sub: number): number {
  const A = cps(a);
  const B = cps(b);
  let prev = Array.from({ length: B.length + 1 }, (_, j) => j * ins);
  for (let i = 1; i <= A.length; i++) {
    const cur = [i * del];
    for (let j = 1; j <= B.length; j++) {
      cur[j] = Math.min(prev[j] + del, cur[j - 1] + ins, prev[j - 1] + (A[i - 1] === B[j - 1] ? 0 : sub));
    }
    prev = cur;
  }
  return prev[B.length];
}
