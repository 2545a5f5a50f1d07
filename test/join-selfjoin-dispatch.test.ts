// The distributed self-join and dedupe (issue 15): real redis-server, real `strdist worker`
// processes on each backend. d.selfJoin / d.dedupe equal corpus.selfJoin / corpus.dedupe and
// brute force for every metric, whole and sharded; an abort stops the jobs and drains the queue.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Corpus, corpusInternals } from '../src/corpus.js';
import { connect, type Dispatcher } from '../src/dispatch/index.js';
import { METRICS, type Metric } from '../src/kernel.js';
import { resolveJoinOptions, selfJoinChunks, selfJoinPlan, type JoinPair, type JoinProgress } from '../src/join.js';
import { refScore } from './helpers/brute.js';
import { addon } from './helpers/backends.js';
import { CLI, NATIVE, spawnWorker, startRedis, uniquePrefix, until, type TestRedis, type WorkerProcess } from './helpers/redis.js';

/** Seeded words: a small alphabet (ties), astral characters, and repeated words. */
function words(n: number, seed: number, alphabet: string): string[] {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    if (out.length > 0 && rnd() < 0.08) {
      out.push(out[Math.floor(rnd() * out.length)]); // a duplicate
      continue;
    }
    let w = '';
    const len = 1 + Math.floor(rnd() * 7);
    for (let k = 0; k < len; k++) w += rnd() < 0.06 ? '\u{1F600}\u{1F601}'[2 * Math.floor(rnd() * 2)] + '\u{1F600}\u{1F601}'[2 * Math.floor(rnd() * 2) + 1] : alphabet[Math.floor(rnd() * alphabet.length)];
    out.push(w);
  }
  return out;
}

const LIST = words(420, 11, 'abc');
/** Duplicates kept (a pair at distance 0) and dropped (positions with gaps). */
const CORPORA = { 'duplicates kept': Corpus.from(LIST, { dedupe: false }), 'duplicates dropped': Corpus.from(LIST) };

const THRESHOLDS: Record<Metric, { minScore?: number; maxDistance?: number }> = {
  levenshtein: { maxDistance: 1 },
  levenshteinSimilarity: { minScore: 0.75 },
  jaro: { minScore: 0.8 },
  jaroWinkler: { minScore: 0.85 },
};

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
const sorted = (pairs: JoinPair[]) => [...pairs].sort((a, b) => a.i - b.i || a.j - b.j);

/** Every pair of the corpus scored with the naive reference, kept when within the threshold. */
function brute(corpus: Corpus, metric: Metric, o: { minScore?: number; maxDistance?: number }): JoinPair[] {
  const { positions } = corpusInternals(corpus);
  const es = corpus.words.map((word, k) => ({ word, index: positions ? positions[k] : k }));
  const out: JoinPair[] = [];
  for (let a = 0; a < es.length; a++) {
    for (let b = a + 1; b < es.length; b++) {
      const score = refScore(metric, es[a].word, es[b].word);
      if (metric === 'levenshtein' ? score <= o.maxDistance! : score >= o.minScore!) out.push({ i: es[a].index, j: es[b].index, score });
    }
  }
  return out;
}

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

// Each backend's workers on a prefix of their own (a native worker also serves the "any" queue).
const BACKENDS = [
  ...(addon ? [{ backend: 'native', env: NATIVE, require: 'native' as const }] : []),
  { backend: 'js', env: { STRDIST_BACKEND: 'js' }, require: 'any' as const },
];

describe.each(BACKENDS)('selfJoin and dedupe through Redis on two $backend workers', ({ backend, env, require }) => {
  const prefix = uniquePrefix(`selfjoin-${backend}`);
  let d: Dispatcher;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    workers.push(spawnWorker(redis.url, prefix, env), spawnWorker(redis.url, prefix, env));
    d = connect({ redis: redis.url, prefix });
    await until('2 live workers', async () => ((await d.workers()).filter((w) => w.backend === backend).length >= 2 ? true : undefined));
  }, 30_000);
  afterAll(async () => {
    await d?.close();
    const codes = await Promise.all(workers.map((w) => w.stop()));
    expect(codes, workers.map((w) => w.stderr()).join('\n')).toEqual([0, 0]);
  });

  for (const [label, corpus] of Object.entries(CORPORA)) {
    it.each(METRICS)(`${label}: %s equals the local self-join, brute force and dedupe`, { timeout: 60_000 }, async (metric) => {
      const o = { metric, ...THRESHOLDS[metric] };
      const want = brute(corpus, metric, o);
      expect(want.length).toBeGreaterThan(50);
      expect(sorted(await collect(corpus.selfJoin({ ...o, backend: backend as 'native' | 'js' })))).toEqual(want);
      const progress: JoinProgress[] = [];
      const remote = await collect(d.selfJoin(corpus, { ...o, chunks: 5, require, onProgress: (p) => progress.push(p) }));
      expect(sorted(remote)).toEqual(want);
      expect(remote.every((p) => p.i < p.j)).toBe(true);
      // one report per job, ending at every word and every pair
      expect(progress).toHaveLength(5);
      expect(progress.at(-1)).toEqual({ done: corpus.size, total: corpus.size, found: want.length });
      const ref = await d.putCorpus(corpus);
      expect(await d.dedupe(ref, { ...o, chunks: 3, require })).toEqual(await corpus.dedupe(o));
      expect(await d.dedupe(ref.id, { ...o, require, singletons: true })).toEqual(await corpus.dedupe({ ...o, singletons: true }));
    });
  }

  it('a sharded corpus: joined with itself through join flows, the same pairs and clusters', { timeout: 60_000 }, async () => {
    const corpus = Corpus.from([...LIST, 'cab\u{1F600}']);
    const ref = await d.putCorpus(corpus, { shards: 3 });
    expect(ref.shards).toBe(3);
    for (const metric of ['levenshtein', 'jaroWinkler'] as const) {
      const o = { metric, ...THRESHOLDS[metric] };
      expect(sorted(await collect(d.selfJoin(ref, { ...o, chunks: 4, require })))).toEqual(brute(corpus, metric, o));
      expect(await d.dedupe(ref, { ...o, require })).toEqual(await corpus.dedupe(o));
    }
    // a selfJoin job names slots of one index: refused for a sharded corpus, before it is queued
    await expect(d.map('selfJoin', [{ corpus: ref.id, from: 0, to: 1, metric: 'jaro', minScore: 0.9 }])).rejects.toThrow(/stored in shards/);
  });

  it('bad arguments are refused on the client; a job reaching the worker with them fails once, unretried', { timeout: 30_000 }, async () => {
    const corpus = CORPORA['duplicates kept'];
    expect(() => d.selfJoin(corpus, { metric: 'levenshtein' })).toThrow(/a threshold is required: maxDistance/);
    expect(() => d.selfJoin(corpus, { metric: 'jaro', minScore: 0.9, chunks: 0 })).toThrow(/chunks must be an integer/);
    expect(() => d.selfJoin([] as never, { metric: 'jaro', minScore: 0.9 })).toThrow(/corpus must be a Corpus, a CorpusRef or a corpus id/);
    const ref = await d.putCorpus(corpus);
    // rows past the corpus end: only the worker knows the size
    const [id] = await d.map('selfJoin', [{ corpus: ref.id, from: 0, to: corpus.size + 1, metric: 'jaro', minScore: 0.9 }], { require, attempts: 3 });
    const err = await d.result(id).catch((e: Error & { attempts?: number }) => e);
    expect(String((err as Error).message)).toMatch(/to: at most the corpus size/);
    expect((err as { attempts?: number }).attempts).toBe(1);
  });

  it('an abort mid-self-join cancels the jobs in flight, and the queue drains', { timeout: 60_000 }, async () => {
    // long words: few pairs a job, but each job takes a while
    let seed = 5;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const long = Array.from({ length: 30_000 }, () => Array.from({ length: 8 + Math.floor(rnd() * 5) }, () => 'abcdefgh'[Math.floor(rnd() * 8)]).join(''));
    const big = Corpus.from(long, { dedupe: false });
    const ref = await d.putCorpus(big);
    const ac = new AbortController();
    let got = 0;
    const run = (async () => {
      for await (const _ of d.selfJoin(ref, { metric: 'jaroWinkler', minScore: 0.85, chunks: 40, inflight: 6, require, signal: ac.signal })) {
        if (++got === 1) ac.abort(new Error('enough'));
      }
    })();
    await expect(run).rejects.toThrow('enough');
    const queue = new Queue(`${require}-v1`, { connection: { host: '127.0.0.1', port: redis.port }, prefix });
    try {
      await until('no job waiting or running', async () => {
        const c = await queue.getJobCounts('active', 'waiting', 'prioritized', 'waiting-children');
        return c.active + c.waiting + c.prioritized + c['waiting-children'] === 0 ? true : undefined;
      }, 30_000);
      const done = (await queue.getJobs(['completed'], 0, 1000)).filter((j) => j.name === 'selfJoin' && j.data.args.corpus === ref.id);
      // of the 7 jobs queued (6, and one after the first finished), the rest were cancelled; none of the other 33 went out
      expect(done.length).toBeLessThan(7);
      const all = (await queue.getJobs(['completed', 'failed'], 0, 1000)).filter((j) => j.name === 'selfJoin' && j.data.args.corpus === ref.id);
      expect(all.length).toBeLessThanOrEqual(7);
    } finally {
      await queue.close();
    }
  });
});

describe('strdist dedupe --redis', () => {
  const prefix = uniquePrefix('dedupe-cli');
  const workers: WorkerProcess[] = [];
  const env = addon ? NATIVE : { STRDIST_BACKEND: 'js' };
  const require = addon ? 'native' : 'any';
  beforeAll(async () => {
    workers.push(spawnWorker(redis.url, prefix, env));
    const d = connect({ redis: redis.url, prefix });
    try {
      await until('a live worker', async () => ((await d.workers()).length >= 1 ? true : undefined));
    } finally {
      await d.close();
    }
  }, 30_000);
  afterAll(async () => {
    expect(await Promise.all(workers.map((w) => w.stop()))).toEqual([0]);
  });

  it('prints the same clusters as without Redis (--redis and STRDIST_REDIS_URL, whole and sharded)', { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strdist-dedupe-'));
    try {
      const file = join(dir, 'list.txt');
      writeFileSync(file, LIST.join('\n') + '\n');
      const args = [CLI, 'dedupe', file, '--metric', 'levenshtein', '--max-distance', '1', '--jsonl'];
      const run = (extra: string[], env: NodeJS.ProcessEnv = {}) => promisify(execFile)(process.execPath, [...args, ...extra], { env: { ...process.env, ...env }, maxBuffer: 1 << 24 });
      const local = (await run([])).stdout;
      expect(local.split('\n').length).toBeGreaterThan(10);
      expect((await run(['--redis', redis.url, '--prefix', prefix, '--require', require])).stdout).toBe(local);
      expect((await run(['--prefix', prefix, '--require', require, '--shards', '2'], { STRDIST_REDIS_URL: redis.url })).stdout).toBe(local);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('selfJoin and dedupe in process (the embedded dispatcher)', () => {
  it('whole and sharded equal the local ones', async () => {
    const d = connect();
    try {
      const corpus = CORPORA['duplicates dropped'];
      for (const metric of METRICS) {
        const o = { metric, ...THRESHOLDS[metric] };
        const want = sorted(await collect(corpus.selfJoin(o)));
        expect(sorted(await collect(d.selfJoin(corpus, { ...o, chunks: 4, require: 'any' })))).toEqual(want);
        expect(await d.dedupe(corpus, { ...o, require: 'any' })).toEqual(await corpus.dedupe(o));
      }
      const other = Corpus.from([...LIST, 'q']);
      const sharded = await d.putCorpus(other, { shards: 4 });
      const o = { metric: 'jaro', minScore: 0.8 } as const;
      expect(sorted(await collect(d.selfJoin(sharded, { ...o, require: 'any' })))).toEqual(sorted(await collect(other.selfJoin(o))));
    } finally {
      await d.close();
    }
  });
});

describe('selfJoinPlan', () => {
  it('cuts the slots into ranges of about equal estimated work, covering every slot once', () => {
    const corpus = Corpus.from(words(5000, 3, 'abcdef'), { dedupe: false });
    const b = selfJoinPlan(corpus, { metric: 'levenshtein', maxDistance: 1, minScore: 0, prefixWeight: 0.1 }, 8);
    expect(b[0]).toBe(0);
    expect(b.at(-1)).toBe(corpus.size);
    expect(b.length).toBe(9);
    for (let k = 1; k < b.length; k++) expect(b[k]).toBeGreaterThan(b[k - 1]);
    // the early (short, partner-rich) slots go in smaller ranges than the late ones
    expect(b[1] - b[0]).toBeLessThan(b[8] - b[7]);
  });

  it.each(METRICS)('the ranges of a plan, self-joined apart, give the whole self-join on each backend: %s', async (metric) => {
    const corpus = CORPORA['duplicates dropped'];
    const o = { metric, ...THRESHOLDS[metric] };
    const want = brute(corpus, metric, o);
    const { positions } = corpusInternals(corpus);
    for (const backend of addon ? (['js', 'native'] as const) : (['js'] as const)) {
      const r = resolveJoinOptions('selfJoin', { ...o, backend, threads: 2 });
      const b = selfJoinPlan(corpus, r.params, 6);
      const got: JoinPair[] = [];
      for (let k = 0; k + 1 < b.length; k++) {
        const seen: number[] = [];
        for await (const c of selfJoinChunks(corpus, { ...r, onProgress: (p) => seen.push(p.done) }, b[k], b[k + 1])) {
          for (let x = 0; x < c.left.length; x++) got.push({ i: positions![c.left[x]], j: positions![c.right[x]], score: c.scores[x] });
        }
        expect(seen.at(-1)).toBe(b[k + 1] - b[k]); // progress counts the range's rows
      }
      expect(sorted(got)).toEqual(want);
    }
  });
});
