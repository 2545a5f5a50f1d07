// Timing: competitors run alternately in one process, each with its own compiled loop.

let loopId = 0;

/**
 * `fn` called once per pair, results summed (the sum is the checksum that keeps the calls
 * alive). Each competitor gets freshly compiled loop code: one loop shared by all of them would
 * see several callees at its call site, turn megamorphic and slow every JavaScript peer down.
 */
export function pairLoop(fn, label = 'fn') {
  const id = ++loopId;
  return new Function(
    'fn',
    `// ${JSON.stringify(label)} #${id}
    return function pairLoop(as, bs) {
      let sum = 0;
      for (let i = 0; i < as.length; i++) sum += fn(as[i], bs[i]);
      return sum;
    };`,
  )(fn);
}

/** `fn(query, choice)` over every choice into a new Float64Array, like `scoreMany` returns. */
export function oneToManyLoop(fn, label = 'fn') {
  const id = ++loopId;
  return new Function(
    'fn',
    `// ${JSON.stringify(label)} #${id}
    return function oneToManyLoop(query, choices) {
      const out = new Float64Array(choices.length);
      for (let i = 0; i < choices.length; i++) out[i] = fn(query, choices[i]);
      return out;
    };`,
  )(fn);
}

export function sumOf(array) {
  let sum = 0;
  for (let i = 0; i < array.length; i++) sum += array[i];
  return sum;
}

export function summary(values) {
  const sorted = [...values].sort((x, y) => x - y);
  const n = sorted.length;
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return { median, min: sorted[0], max: sorted[n - 1] };
}

const collect = typeof globalThis.gc === 'function' ? globalThis.gc : () => {};

/**
 * Runs every entry `warmup` times untimed, then `rounds` rounds in which each entry runs once,
 * the starting entry moving one place per round (A B C, B C A, C A B, ...), so every side
 * meets the same machine state and nobody always goes first. The heap is collected before
 * each timed run so no one pays for another's garbage.
 *
 * entries: [{ name, run: () => checksum }]; `ops` is the number of operations in one run.
 * Returns, per entry, its ns/op per round (`samples`) and their median, min and max.
 */
export function alternate(entries, { rounds, warmup = 1, ops }) {
  const checksums = entries.map(() => undefined);
  for (let w = 0; w < warmup; w++) {
    entries.forEach((e, i) => {
      checksums[i] = e.run();
    });
  }
  const samples = entries.map(() => new Array(rounds));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < entries.length; k++) {
      const i = (r + k) % entries.length;
      collect();
      const t0 = process.hrtime.bigint();
      const sum = entries[i].run();
      const t1 = process.hrtime.bigint();
      if (checksums[i] !== undefined && !Object.is(sum, checksums[i])) {
        throw new Error(`${entries[i].name}: checksum changed between runs (${checksums[i]} then ${sum})`);
      }
      checksums[i] = sum;
      samples[i][r] = Number(t1 - t0) / (entries[i].ops ?? ops); // an entry may run more operations than the group's
    }
  }
  return entries.map((e, i) => ({
    name: e.name,
    checksum: checksums[i],
    samples: samples[i],
    nsPerOp: summary(samples[i]),
  }));
}

/**
 * How many times faster `subject` is than `peer` (> 1: the subject is faster). The ratio is
 * taken round by round (peer time / subject time within the same round, where both ran under
 * the same conditions), and the median of those per-round ratios is the figure reported.
 */
export function ratio(subject, peer) {
  const perRound = subject.samples.map((s, r) => peer.samples[r] / s);
  return { ...summary(perRound), ofMedians: peer.nsPerOp.median / subject.nsPerOp.median };
}

/**
 * Compares two functions pair by pair on up to `limit` pairs; either side may instead be an
 * array of results already computed for those pairs. Counts results that are not identical
 * (Object.is) and reports the largest absolute difference.
 */
export function agreement(f, g, as, bs, limit = as.length) {
  const at = (h, i) => (typeof h === 'function' ? h(as[i], bs[i]) : h[i]);
  const n = Math.min(limit, as.length);
  let mismatches = 0;
  let maxAbsDiff = 0;
  let first;
  for (let i = 0; i < n; i++) {
    const x = at(f, i);
    const y = at(g, i);
    if (!Object.is(x, y)) {
      mismatches++;
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(x - y));
      first ??= { a: as[i], b: bs[i], subject: x, peer: y };
    }
  }
  return { checked: n, mismatches, maxAbsDiff, first };
}

/**
 * After the collection before a timed run, V8 sweeps the collected pages on its helper threads
 * for a few tens of milliseconds more: an async entry (the ones that run native code on
 * threads) would share the cores with that sweep, which its own calls did not cause. It waits
 * this long first (the synchronous entries cannot wait; they run on the one JS thread).
 */
const SETTLE_MS = 50;

/**
 * `alternate()` for entries whose `run` is async (returns a promise of the checksum): same
 * order, warm-up, collection before each timed run (and SETTLE_MS after it), and checksum test.
 */
export async function alternateAsync(entries, { rounds, warmup = 1, ops }) {
  const checksums = entries.map(() => undefined);
  for (let w = 0; w < warmup; w++) {
    for (let i = 0; i < entries.length; i++) checksums[i] = await entries[i].run();
  }
  const samples = entries.map(() => new Array(rounds));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < entries.length; k++) {
      const i = (r + k) % entries.length;
      collect();
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const t0 = process.hrtime.bigint();
      const sum = await entries[i].run();
      const t1 = process.hrtime.bigint();
      if (checksums[i] !== undefined && !Object.is(sum, checksums[i])) {
        throw new Error(`${entries[i].name}: checksum changed between runs (${checksums[i]} then ${sum})`);
      }
      checksums[i] = sum;
      samples[i][r] = Number(t1 - t0) / (entries[i].ops ?? ops); // an entry may run more operations than the group's
    }
  }
  return entries.map((e, i) => ({
    name: e.name,
    checksum: checksums[i],
    samples: samples[i],
    nsPerOp: summary(samples[i]),
  }));
}
