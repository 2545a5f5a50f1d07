// The native boundary never crashes and never lies (issue 9, part 1). Every call that could
// crash runs in a child process, so an abort or a segfault fails a test instead of ending the run.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Corpus } from '../src/corpus.js';
import { ERROR_CODES } from '../src/errors.js';
// @ts-expect-error: a plain-JS helper (it also runs as a child process)
import { calls, cases } from './helpers/hostile-addon.mjs';
import { addon, nativeOnly } from './helpers/backends.js';

// Every suite here is about the addon; an install without it has one test saying why instead.
const describeNative = nativeOnly('the native boundary (hostile addon calls, saturation, memory and thread limits, terminated workers)');
const root = resolve(import.meta.dirname, '..');
const CODES = new Set<string>(Object.values(ERROR_CODES));
const CLASSES = new Set(['TypeError', 'RangeError', 'Error']);

interface Outcome {
  i: number;
  outcome?: 'return' | 'throw' | 'crash';
  ctor?: string;
  code?: string;
  message?: string;
  problem?: string;
  exit?: string;
}
interface Case {
  fn: string;
  arg: number;
  value: string;
}

/** Runs node with `script` (a file) and arguments; returns the exit, stdout and stderr. */
function node(args: string[], options: { prefix?: string[]; timeout?: number; env?: NodeJS.ProcessEnv } = {}) {
  const [cmd, ...rest] = [...(options.prefix ?? []), process.execPath, ...args];
  const env = { ...process.env, ...options.env };
  const r = spawnSync(cmd, rest, { encoding: 'utf8', timeout: options.timeout ?? 120_000, maxBuffer: 64 << 20, env });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** A problem with one outcome, or undefined when it is a value or a coded error. */
function problemOf(o: Outcome | undefined): string | undefined {
  if (!o) return 'never ran';
  if (o.outcome === 'crash') return `the child died (${o.exit})`;
  if (o.problem) return o.problem;
  if (o.outcome === 'throw') {
    if (!CLASSES.has(o.ctor ?? '')) return `threw a ${o.ctor}: ${o.message}`;
    if (!CODES.has(o.code ?? '')) return `threw a ${o.ctor} without a strdist code: ${o.message}`;
  }
  return undefined;
}

describeNative('hostile arguments to every addon export (each call in a child process)', (loaded) => {
  const all = cases() as Case[];
  const outcomes = new Map<number, Outcome>();

  beforeAll(() => {
    // One child runs the cases in order; when one kills it, it is recorded as a crash and a new
    // child goes on from the next case.
    let next = 0;
    while (next < all.length) {
      const r = node([join(root, 'test/helpers/hostile-addon.mjs'), loaded.path, String(next)]);
      let last = next - 1;
      for (const line of r.stdout.split('\n')) {
        if (!line) continue;
        const o = JSON.parse(line) as Outcome & { start?: boolean };
        last = o.i;
        if (!o.start) outcomes.set(o.i, o);
      }
      if (r.status === 0 && last === all.length - 1 && outcomes.has(last)) break;
      const crashed = outcomes.has(last) ? last + 1 : last;
      outcomes.set(crashed, { i: crashed, outcome: 'crash', exit: r.signal ?? `exit code ${r.status}: ${r.stderr.slice(-300)}` });
      next = crashed + 1;
    }
  }, 600_000);

  const groups = new Map<string, number[]>();
  all.forEach((c, i) => {
    const key = c.arg < 0 ? `${c.fn}()` : `${c.fn} argument ${c.arg}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });

  it.each([...groups.keys()])('%s: every hostile value returns or throws a coded TypeError/RangeError/Error', (key) => {
    const bad = groups
      .get(key)!
      .map((i) => [all[i].value, problemOf(outcomes.get(i))] as const)
      .filter(([, p]) => p !== undefined)
      .map(([value, p]) => `${value}: ${p}`);
    expect(bad).toEqual([]);
  });

  it('covers every function the addon exports', () => {
    const exported = Object.entries(loaded.addon)
      .filter(([, v]) => typeof v === 'function')
      .map(([k]) => k)
      .sort();
    expect(Object.keys(calls).sort()).toEqual(exported);
  });

  // The reproductions of the issue, among the cases above, with the exact error expected.
  const outcomeOf = (fn: string, arg: number, value: string) =>
    outcomes.get(all.findIndex((c) => c.fn === fn && c.arg === arg && c.value === value));

  it('cancel(corpus handle) is a TypeError (it segfaulted)', () => {
    expect(outcomeOf('cancel', 0, 'a corpus handle')).toMatchObject({ outcome: 'throw', ctor: 'TypeError', code: 'ERR_STRDIST_ARGUMENT' });
    expect(outcomeOf('corpusInfo', 0, 'a cancel token')).toMatchObject({ outcome: 'throw', ctor: 'TypeError', code: 'ERR_STRDIST_ARGUMENT' });
    expect(outcomeOf('corpusSearch', 9, 'a corpus handle')).toMatchObject({ outcome: 'throw', ctor: 'TypeError' });
  });

  it('a Uint8Array where the Float64Array out belongs is a TypeError, nothing written (it was written 8x past its end)', () => {
    expect(outcomeOf('scoreMany', 6, 'a Uint8Array')).toMatchObject({ outcome: 'throw', ctor: 'TypeError', code: 'ERR_STRDIST_ARGUMENT' });
    expect(outcomeOf('scoreMany', 6, 'an empty Float64Array')).toMatchObject({ outcome: 'throw', ctor: 'TypeError' });
    expect(outcomeOf('scoreMany', 3, 'an Int32Array')).toMatchObject({ outcome: 'throw', ctor: 'TypeError' });
  });

  it('corpusSearchInto: arrays too short for the matches are a RangeError, nothing written; the wrong kind a TypeError', () => {
    expect(outcomeOf('corpusSearchInto', 9, 'an empty Uint32Array')).toMatchObject({ outcome: 'throw', ctor: 'RangeError', code: 'ERR_STRDIST_OPTION' });
    expect(outcomeOf('corpusSearchInto', 10, 'an empty Float64Array')).toMatchObject({ outcome: 'throw', ctor: 'RangeError', code: 'ERR_STRDIST_OPTION' });
    expect(outcomeOf('corpusSearchInto', 9, 'a Uint8Array')).toMatchObject({ outcome: 'throw', ctor: 'TypeError', code: 'ERR_STRDIST_ARGUMENT' });
    expect(outcomeOf('corpusSearchInto', 10, 'a Float32Array')).toMatchObject({ outcome: 'throw', ctor: 'TypeError', code: 'ERR_STRDIST_ARGUMENT' });
    const a = loaded.addon as unknown as Record<string, (...args: unknown[]) => unknown>;
    const h = a.corpusCreate('bagelsbargebag', Uint32Array.of(6, 5, 3));
    // room for the count and two matches, not three: refused before anything is written
    const out = new Uint32Array(3).fill(7);
    const scores = new Float64Array(2).fill(7);
    expect(() => a.corpusSearchInto(h, 'bagel', Uint32Array.of(5), 2, 10, 0.1, 0, -1, 1, out, scores)).toThrow(
      expect.objectContaining({ name: 'RangeError', message: expect.stringMatching(/out must be arrays with room for/) }),
    );
    expect([...out, ...scores]).toEqual([7, 7, 7, 7, 7]);
  });

  it('corpusSearchInto writes what corpusSearchSync returns: counts, then indices; scores', () => {
    const a = loaded.addon as unknown as Record<string, (...args: unknown[]) => unknown>;
    const words = ['helo', 'hello', 'help', 'halo', 'hero', 'held', 'helot', 'hotel', 'yellow', 'below', '𝒽𝑒𝓁𝓁𝑜', 'h', ''];
    const h = a.corpusCreate(words.join(''), Uint32Array.from(words, (w) => w.length));
    const queries = ['helo', '𝒽𝑒𝓁𝑜', '', 'xyz'];
    const joined = queries.join('');
    const lengths = Uint32Array.from(queries, (q) => q.length);
    for (const metric of [0, 1, 2, 3]) {
      for (const n of [1, 3, 100]) {
        const want = a.corpusSearchSync(h, joined, lengths, metric, n, 0.1, 0, -1, 2) as { counts: Uint32Array; indices: Uint32Array; scores: Float64Array };
        const out = new Uint32Array(4 + 4 * words.length + 5).fill(0xdead);
        const scores = new Float64Array(4 * words.length + 5).fill(-7);
        const total = a.corpusSearchInto(h, joined, lengths, metric, n, 0.1, 0, -1, 2, out, scores) as number;
        expect(total).toBe(want.indices.length);
        expect([...out.subarray(0, 4)]).toEqual([...want.counts]);
        expect([...out.subarray(4, 4 + total)]).toEqual([...want.indices]);
        expect([...scores.subarray(0, total)]).toEqual([...want.scores]);
        expect(out[4 + total]).toBe(0xdead); // nothing past the matches
        expect(scores[total]).toBe(-7);
      }
    }
  });

  it("scoreMatrix's dtype is 0, 1 or (Levenshtein) 2; anything else is a RangeError naming it", () => {
    for (const v of ['0.5', '-1', '1e20', 'NaN']) {
      expect(outcomeOf('scoreMatrix', 9, v)).toMatchObject({ outcome: 'throw', ctor: 'RangeError', code: 'ERR_STRDIST_OPTION' });
      expect(outcomeOf('scoreMatrix', 9, v)?.message).toMatch(/^scoreMatrix: dtype must be /);
    }
    expect(outcomeOf('scoreMatrix', 9, '0')).toMatchObject({ outcome: 'return' });
    expect(outcomeOf('scoreMatrix', 9, 'undefined')).toMatchObject({ outcome: 'return' });
    // Int32Array holds distances: jaro (metric 2) cannot have it
    const a = loaded.addon as unknown as Record<string, (...args: unknown[]) => unknown>;
    expect(() => a.scoreMatrix(2, 'a', Uint32Array.of(1), 'b', Uint32Array.of(1), 0.1, -1, 1, undefined, 2)).toThrow(
      expect.objectContaining({ name: 'RangeError', code: 'ERR_STRDIST_OPTION', message: expect.stringMatching(/dtype must be .*2 \(Int32Array\), got number 2/) }),
    );
  });

  it('NaN for a count is a RangeError naming it; 1e20, Infinity and 2**53 are "no limit"', () => {
    expect(outcomeOf('corpusSearchSync', 4, 'NaN')).toMatchObject({ outcome: 'throw', ctor: 'RangeError', code: 'ERR_STRDIST_OPTION' });
    expect(outcomeOf('corpusSearchSync', 4, 'NaN')?.message).toMatch(/\bn must be/);
    expect(outcomeOf('corpusSearchSync', 8, '0')).toMatchObject({ outcome: 'throw', ctor: 'RangeError', code: 'ERR_STRDIST_OPTION' });
    for (const v of ['1e20', 'Infinity', '2**53']) {
      expect(outcomeOf('corpusSearchSync', 4, v)).toMatchObject({ outcome: 'return' });
      expect(outcomeOf('corpusSearchSync', 7, v)).toMatchObject({ outcome: 'return' });
      expect(outcomeOf('levenshtein', 2, v)).toMatchObject({ outcome: 'return' });
    }
  });
});

describeNative('huge counts and cutoffs give the TypeScript answer on the native backend', (loaded) => {
  // Words at distances 0..4 from "helo"
  const words = ['helo', 'hello', 'help', 'halo', 'hero', 'held', 'helot', 'hotel', 'yellow', 'below', 'xylophone', 'h'];
  const corpus = Corpus.from(words);

  it.each([
    ['maxDistance: 1e20', { maxDistance: 1e20 }],
    ['maxDistance: 2**53', { maxDistance: 2 ** 53 }],
    ['n: 1e20', { n: 1e20 }],
    ['n: 2**53', { n: 2 ** 53 }],
    ['n: 2**32 + 1', { n: 2 ** 32 + 1 }],
  ])('closestSync with %s', (_, options) => {
    const o = { metric: 'levenshtein' as const, ...options };
    const js = corpus.closestSync('helo', { ...o, backend: 'js' });
    expect(js.length).toBeGreaterThan(5);
    expect(corpus.closestSync('helo', { ...o, backend: 'native' })).toEqual(js);
  });

  it('addon: n and maxDistance saturate instead of wrapping', () => {
    const a = loaded.addon as unknown as Record<string, (...args: unknown[]) => { counts: Uint32Array }>;
    const h = a.corpusCreate(words.join(''), Uint32Array.from(words, (w) => w.length));
    const count = (n: number, max: number) => a.corpusSearchSync(h, 'helo', Uint32Array.of(4), 0, n, 0.1, 0, max, 1).counts[0];
    expect(count(1e20, -1)).toBe(words.length);
    expect(count(10, 1e20)).toBe(10);
    expect(count(Infinity, Infinity)).toBe(words.length);
    expect(count(10, 0)).toBe(1);
  });
});

// A script for the child processes below: a small CommonJS file in a temporary directory that
// any user can read, next to a copy of the addon (the thread-limit child runs as `nobody`).
let dir = '';
if (addon) {
  const binary = addon.path;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'strdist-boundary-'));
    chmodSync(dir, 0o755);
    copyFileSync(binary, join(dir, 'strdist.node'));
    chmodSync(join(dir, 'strdist.node'), 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
}

function script(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, body);
  chmodSync(file, 0o644);
  return file;
}

const childHelpers = `
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const status = (key) => Number(new RegExp(key + ':\\\\s+(\\\\d+)').exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]);
const outcome = (f) => { try { const v = f(); return { value: typeof v === 'number' ? v : typeof v }; } catch (e) { return { ctor: e.constructor.name, code: e.code, message: e.message }; } };
`;

describeNative('under a memory limit (child process limited with prlimit --as)', () => {
  it("levenshtein('x'.repeat(3e8), 'y') throws a RangeError with a code, addon and public API, and the child exits normally (it aborted)", () => {
    const file = script(
      'memory.cjs',
      `${childHelpers}
const a = require('./strdist.node');
const huge = 'x'.repeat(3e8);
huge.charCodeAt(1e8); // flat before the limit: the engine's own copy is not what is measured
const api = process.argv[2] ? require(process.argv[2]) : undefined;
// Room for small allocations, not for a copy of the string (600 MB as UTF-16).
const limit = status('VmSize') * 1024 + 256 * 1024 * 1024;
execFileSync('prlimit', ['--pid', String(process.pid), '--as=' + limit]);
const results = {
  addon: outcome(() => a.levenshtein(huge, 'y', -1)),
  addonJaro: outcome(() => a.jaro(huge, 'y', 0)),
  api: api && outcome(() => api.levenshtein(huge, 'y')),
};
console.log(JSON.stringify(results));
`,
    );
    // The public API on the native backend, whatever this run's backend is.
    const r = node([file, join(root, 'dist/index.cjs')], { env: { STRDIST_BACKEND: 'native' } });
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    const results = JSON.parse(r.stdout);
    for (const k of ['addon', 'addonJaro', 'api']) {
      // Either it computed the answer within the limit, or it says it could not.
      if ('value' in results[k]) expect(results[k].value).toBe(k === 'addonJaro' ? 0 : 3e8);
      else expect(results[k]).toMatchObject({ ctor: 'RangeError', code: 'ERR_STRDIST_OUT_OF_MEMORY' });
    }
  });
});

describeNative('under a thread limit (child process as nobody, RLIMIT_NPROC at its own thread count)', () => {
  // Root ignores RLIMIT_NPROC: the child drops to nobody, and then no new thread can start.
  const asNobody = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];

  it('searches and matrices on 8 and 256 threads return the exact single-thread answers (they aborted)', () => {
    const file = script(
      'threads.cjs',
      `${childHelpers}
const a = require('./strdist.node');
const words = [];
for (let i = 0; i < 30000; i++) words.push((i * 2654435761 % 1000003).toString(36) + 'abcdefg'[i % 7]);
const h = a.corpusCreate(words.join(''), Uint32Array.from(words, (w) => w.length));
const queries = ['abc', 'xyzq', 'k2j3a', 'zzzz', 'q1', 'hello'];
const qJoined = queries.join(''), qLengths = Uint32Array.from(queries, (q) => q.length);
const search = (threads, metric) => Array.from(a.corpusSearchSync(h, qJoined, qLengths, metric, 7, 0.1, 0, -1, threads).indices).join();
const one = search(1, 2) + '|' + search(1, 0);
const choices = words.slice(0, 3000);
const matrix = (threads) => a.scoreMatrix(2, qJoined, qLengths, choices.join(''), Uint32Array.from(choices, (w) => w.length), 0.1, -1, threads);
// The matrix row by row on this thread (no async call before the limit: the addon's task
// threads must be refused too, not started beforehand).
const units = Uint16Array.from(choices.join(''), (c) => c.charCodeAt(0));
const matrixOne = queries.map((q) => {
  const row = new Float64Array(choices.length);
  a.scoreMany(2, q, units, Uint32Array.from(choices, (w) => w.length), 0.1, -1, row);
  return Array.from(row).join();
}).join();
(async () => {
  const threadsNow = status('Threads');
  execFileSync('prlimit', ['--pid', String(process.pid), '--nproc=' + threadsNow]);
  const spawned = spawnSync('true');
  const out = {
    limitBites: spawned.error?.code === 'EAGAIN',
    same: [8, 256].map((t) => search(t, 2) + '|' + search(t, 0) === one),
    async: (await Promise.all([8, 256].map((t) => a.corpusSearch(h, qJoined, qLengths, 2, 7, 0.1, 0, -1, t)))).map((r) => Array.from(r.indices).join() === search(1, 2)),
    matrix: await Promise.all([8, 256].map(async (t) => Array.from(await matrix(t)).join() === matrixOne)),
  };
  console.log(JSON.stringify(out));
})();
`,
    );
    const r = node([file], { prefix: asNobody });
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ limitBites: true, same: [true, true], async: [true, true], matrix: [true, true] });
  });
});

describeNative('a worker_thread terminated mid-search', () => {
  // The search would run for minutes: the environment's cleanup hook must cancel it, or the
  // termination (and this test) waits it out.
  it('the search is cancelled, the process stays alive and a new search works (it aborted)', () => {
    const file = script(
      'worker.cjs',
      `
const { Worker } = require('node:worker_threads');
const path = require('node:path');
const addon = path.join(__dirname, 'strdist.node');
const worker = new Worker(\`
  const a = require(\${JSON.stringify(addon)});
  const { parentPort } = require('node:worker_threads');
  const words = [];
  for (let i = 0; i < 200000; i++) words.push((i * 2654435761 % 1000003).toString(36) + 'abcdefgh'.slice(i % 8));
  const h = a.corpusCreate(words.join(''), Uint32Array.from(words, (w) => w.length));
  const queries = [...words, ...words, ...words];
  a.corpusSearch(h, queries.join(''), Uint32Array.from(queries, (q) => q.length), 2, 10, 0.1, 0, -1, 2).then(() => parentPort.postMessage('finished'));
  parentPort.postMessage('started');
\`, { eval: true });
const events = [];
worker.on('message', (m) => {
  events.push(m);
  if (m === 'started') setTimeout(() => worker.terminate().then(() => {
    events.push('terminated');
    const a = require(addon);
    const h = a.corpusCreate('helohello', Uint32Array.of(4, 5));
    const r = a.corpusSearchSync(h, 'helo', Uint32Array.of(4), 0, 2, 0.1, 0, -1, 2);
    console.log(JSON.stringify({ events, indices: Array.from(r.indices) }));
  }), 100);
});
`,
    );
    const r = node([file], { timeout: 100_000 });
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.events).toEqual(['started', 'terminated']);
    expect(out.indices).toEqual([0, 1]);
  });
});

describeNative('typed arrays that share memory with each other or with another thread (each case in a child process)', () => {
  it("scoreMany's out over the same buffer as lengths or units gets the scores of the arguments as they were (it wrote past a heap buffer)", () => {
    const file = script(
      'alias.cjs',
      `
const a = require('./strdist.node');
// out over lengths: [1, 1] read as lengths, then overwritten by the scores
const buf = new ArrayBuffer(16);
const lengths = new Uint32Array(buf, 0, 2);
lengths.set([1, 1]);
const out = new Float64Array(buf, 0, 2);
a.scoreMany(2, 'a', 'aa', lengths, 0, 0, out);
// out over units: 'abab' as two choices 'ab', 'ab'
const ubuf = new ArrayBuffer(16);
const units = new Uint16Array(ubuf, 0, 4);
units.set([97, 98, 97, 98]);
const out2 = new Float64Array(ubuf, 0, 2);
a.scoreMany(2, 'ab', units, Uint32Array.of(2, 2), 0, 0, out2);
console.log(JSON.stringify({ overLengths: Array.from(out), overUnits: Array.from(out2) }));
`,
    );
    const r = node([file]);
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ overLengths: [1, 1], overUnits: [1, 1] });
  });

  it('scoreMany with lengths longer than its units (empty, detached-like, a string) is a RangeError before any unit is read (it read past them)', () => {
    const file = script(
      'units-short.cjs',
      `${childHelpers}
const a = require('./strdist.node');
const q = 'x'.repeat(300000);
const call = (units) => outcome(() => a.scoreMany(0, q, units, Uint32Array.of(300000), 0, -1, new Float64Array(1)));
console.log(JSON.stringify([call(new Uint16Array(0)), call(''), call(new Uint16Array(new ArrayBuffer(8), 2, 1))]));
`,
    );
    const r = node([file]);
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    for (const o of JSON.parse(r.stdout)) {
      expect(o).toMatchObject({ ctor: 'RangeError', code: 'ERR_STRDIST_OPTION' });
      expect(o.message).toMatch(/^scoreMany: lengths must be UTF-16 lengths adding up to the units' length/);
    }
  });

  // scoreMatrix reads its lengths as corpusSearch does (SplitCodePoints).
  it.each([
    ['corpusCreate', 300_000],
    ['scoreMatrix', 50_000],
    ['scoreMany', 300_000],
  ])(
    '%s with lengths in a SharedArrayBuffer another thread rewrites (%i calls): values or coded RangeErrors, never a crash (it segfaulted)',
    (fn, calls) => {
      const r = node([join(root, 'test/helpers/shared-lengths.cjs'), join(dir, 'strdist.node'), fn, String(calls)]);
      expect(r.signal, r.stderr).toBeNull();
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.other).toEqual([]);
      expect(out.ok + out.refused).toBe(calls);
    },
  );
});

describeNative('cancelled matrices and results over the typed-array limit', () => {
  it('a matrix job whose token was raised before it ran never allocates its result (it zero-filled 160 MB each)', () => {
    const file = script(
      'cancelled.cjs',
      `${childHelpers}
const a = require('./strdist.node');
// 2000 x 10000 empty strings: nothing to compute, 160 MB of result.
const queries = new Uint32Array(2000), choices = new Uint32Array(10000);
const t = a.cancelToken();
a.cancel(t);
const before = status('VmHWM');
Promise.allSettled([0, 1, 2, 3].map(() => a.scoreMatrix(0, '', queries, '', choices, 0, -1, 1, t))).then((results) => {
  console.log(JSON.stringify({ grewMB: (status('VmHWM') - before) / 1024, results: results.map((r) => r.status + ' ' + r.reason?.message) }));
});
`,
    );
    const r = node([file]);
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.results).toEqual(Array(4).fill('rejected aborted'));
    expect(out.grewMB).toBeLessThan(64);
  });

  it('a matrix of more than 2^32 - 1 cells is a RangeError ERR_STRDIST_TOO_LARGE before any work (V8 would abort on the typed array)', () => {
    const file = script(
      'too-large.cjs',
      `${childHelpers}
const a = require('./strdist.node');
const queries = new Uint32Array(65536), choices = new Uint32Array(65537);
// Room for small allocations only: a 32 GB result is refused, not attempted.
execFileSync('prlimit', ['--pid', String(process.pid), '--as=' + (status('VmSize') * 1024 + 256 * 1024 * 1024)]);
try {
  a.scoreMatrix(2, '', queries, '', choices, 0.1, -1, 1).then(() => console.log(JSON.stringify({ resolved: true })), (e) => console.log(JSON.stringify({ rejected: { ctor: e.constructor.name, code: e.code, message: e.message } })));
} catch (e) {
  console.log(JSON.stringify({ threw: { ctor: e.constructor.name, code: e.code, message: e.message } }));
}
`,
    );
    const r = node([file]);
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.threw).toMatchObject({ ctor: 'RangeError', code: 'ERR_STRDIST_TOO_LARGE' });
    expect(out.threw.message).toBe('scoreMatrix: the matrix (queries x choices) must have at most 2^32 - 1 elements, got 4295032832');
  });
});

describeNative('matrices orphaned by a terminated worker_thread', () => {
  // The worker's matrices wait in the process-wide task queue behind four long searches of the
  // main thread; the worker is terminated, then the searches cancelled. The orphans must then
  // be dropped, not run for an environment that is gone (each allocated and zero-filled its
  // 160 MB result, and the jobs queued behind waited for them).
  it('are dropped without allocating their results (they ran)', () => {
    const file = script(
      'orphans.cjs',
      `${childHelpers}
const { Worker } = require('node:worker_threads');
const path = require('node:path');
const addon = path.join(__dirname, 'strdist.node');
const a = require(addon);
const words = [];
for (let i = 0; i < 50000; i++) words.push((i * 2654435761 % 1000003).toString(36) + 'abcdefgh'.slice(i % 8));
const h = a.corpusCreate(words.join(''), Uint32Array.from(words, (w) => w.length));
const lengths = Uint32Array.from(words, (w) => w.length);
const t = a.cancelToken();
// Minutes of work each, on all four threads of the task queue.
const blockers = [0, 1, 2, 3].map(() => a.corpusSearch(h, words.join(''), lengths, 2, 10, 0.1, 0, -1, 1, t).catch((e) => e.message));
const worker = new Worker(\`
  const a = require(\${JSON.stringify(addon)});
  // 2000 x 10000 empty strings: nothing to compute, 160 MB of result each.
  for (let i = 0; i < 4; i++) a.scoreMatrix(0, '', new Uint32Array(2000), '', new Uint32Array(10000), 0, -1, 1).catch(() => {});
  require('node:worker_threads').parentPort.postMessage('queued');
\`, { eval: true });
worker.once('message', async () => {
  await worker.terminate();
  const before = status('VmHWM');
  a.cancel(t);
  const aborted = await Promise.all(blockers);
  // Jobs queued after the orphans: done once the orphans have been taken off the queue.
  const tiny = a.corpusCreate('helohello', Uint32Array.of(4, 5));
  await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(() => a.corpusSearch(tiny, 'helo', Uint32Array.of(4), 0, 2, 0.1, 0, -1, 1)));
  // An orphan that runs fills its result page by page: give it time to show.
  let grew = 0;
  for (let i = 0; i < 20 && grew < 64; i++) {
    await new Promise((r) => setTimeout(r, 50));
    grew = (status('VmHWM') - before) / 1024;
  }
  console.log(JSON.stringify({ aborted, grewMB: grew }));
});
`,
    );
    const r = node([file], { timeout: 100_000 });
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.aborted).toEqual(Array(4).fill('aborted'));
    expect(out.grewMB).toBeLessThan(64);
  });
});
