// The fuzzy join over the dispatch: real redis-server, real `strdist worker` processes. Remote
// and sharded joins equal the local corpus.join; cancelling one stops its jobs.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Corpus } from '../src/corpus.js';
import { connect, type Dispatcher } from '../src/dispatch/index.js';
import type { FuzzyJoinOptions, JoinRow } from '../src/join.js';
import { CLI, WORKERS, spawnWorker, startRedis, uniquePrefix, until, type TestRedis, type WorkerProcess } from './helpers/redis.js';

function words(n: number, seed: number, alphabet = 'abcdefg'): string[] {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let w = '';
    const len = 2 + Math.floor(rnd() * 6);
    for (let k = 0; k < len; k++) w += alphabet[Math.floor(rnd() * alphabet.length)];
    if (rnd() < 0.05) w += '\u{1F600}'; // astral
    out.push(w);
  }
  return out;
}

const corpus = Corpus.from(words(3000, 7));
const queries = words(1500, 99);

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
const byQuery = (rows: JoinRow[]) => [...rows].sort((a, b) => a.queryIndex - b.queryIndex);

const cases: [string, FuzzyJoinOptions][] = [
  ['levenshtein <= 1', { metric: 'levenshtein', maxDistance: 1 }],
  ['jaroWinkler >= 0.9', { metric: 'jaroWinkler', minScore: 0.9 }],
];

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe(`fuzzyJoin through Redis with two ${WORKERS.backend} worker processes`, () => {
  const prefix = uniquePrefix('join');
  let d: Dispatcher;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    workers.push(spawnWorker(redis.url, prefix, WORKERS.env), spawnWorker(redis.url, prefix, WORKERS.env));
    d = connect({ redis: redis.url, prefix });
    await until('2 live workers', async () => ((await d.workers()).length >= 2 ? true : undefined));
  }, 30_000);
  afterAll(async () => {
    await d?.close();
    expect(await Promise.all(workers.map((w) => w.stop()))).toEqual([0, 0]);
  });

  it.each(cases)('remote and 3-shard joins equal the local one: %s', { timeout: 30_000 }, async (_label, o) => {
    const local = await collect(corpus.join(queries, o));
    expect(local.length).toBeGreaterThan(100);
    const ref = await d.putCorpus(corpus);
    const progress: number[] = [];
    const remote = await collect(d.fuzzyJoin(ref, queries, { ...o, chunkSize: 400, require: WORKERS.require, onProgress: (p) => progress.push(p.done) }));
    expect(byQuery(remote)).toEqual(local);
    expect(progress.at(-1)).toBe(queries.length);
    expect(progress).toHaveLength(4); // one report per chunk

    // a sharded corpus (another list: a corpus id is stored either whole or sharded)
    const other = Corpus.from([...corpus.words, 'zzzz']);
    const sharded = await d.putCorpus(other, { shards: 3 });
    expect(sharded.shards).toBe(3);
    const remoteSharded = await collect(d.fuzzyJoin(sharded, queries, { ...o, chunkSize: 700, require: WORKERS.require }));
    expect(byQuery(remoteSharded)).toEqual(await collect(other.join(queries, o)));
  });

  it('a Corpus as the queries keeps its positions; a missing threshold is refused before anything is queued', async () => {
    const ref = await d.putCorpus(corpus);
    const q = Corpus.from(['abc', 'abd', 'abc', 'gfe']);
    const o = { metric: 'levenshtein', maxDistance: 1 } as const;
    expect(byQuery(await collect(d.fuzzyJoin(ref, q, { ...o, require: WORKERS.require })))).toEqual(await collect(corpus.join(q, o)));
    expect(() => d.fuzzyJoin(ref, q, { metric: 'levenshtein' })).toThrow(/bad arguments for task join: arguments: a threshold is required: maxDistance/);
  });

  it('strdist join --redis streams the same rows as the library', { timeout: 20_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strdist-join-'));
    try {
      writeFileSync(join(dir, 'left.txt'), queries.slice(0, 300).join('\n') + '\n');
      writeFileSync(join(dir, 'right.txt'), corpus.words.join('\n') + '\n');
      const args = [CLI, 'join', join(dir, 'left.txt'), join(dir, 'right.txt'), '--metric', 'levenshtein', '--max-distance', '1', '--jsonl'];
      const { stdout } = await promisify(execFile)(process.execPath, [...args, '--redis', redis.url, '--prefix', prefix, '--require', WORKERS.require, '--shards', '2']);
      const rows = stdout.trim().split('\n').map((l) => JSON.parse(l) as JoinRow);
      const q = Corpus.from(queries.slice(0, 300), { dedupe: false });
      // the file's words are the corpus's distinct words: positions are their lines
      expect(byQuery(rows)).toEqual(await collect(Corpus.from(corpus.words).join(q, { metric: 'levenshtein', maxDistance: 1 })));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an abort cancels the chunks in flight, and the queue drains', { timeout: 30_000 }, async () => {
    const big = Corpus.from(words(30_000, 3, 'abcd'));
    const ref = await d.putCorpus(big);
    const ac = new AbortController();
    let rows = 0;
    const run = (async () => {
      for await (const _ of d.fuzzyJoin(ref, big.words.slice(0, 20_000), { metric: 'levenshtein', maxDistance: 2, chunkSize: 1000, inflight: 10, require: WORKERS.require, signal: ac.signal })) {
        if (++rows === 1) ac.abort(new Error('enough'));
      }
    })();
    await expect(run).rejects.toThrow('enough');
    const queue = new Queue(WORKERS.queue, { connection: { host: '127.0.0.1', port: redis.port }, prefix });
    try {
      await until('no join job waiting or running', async () => {
        const c = await queue.getJobCounts('active', 'waiting', 'prioritized', 'waiting-children');
        return c.active + c.waiting + c.prioritized + c['waiting-children'] === 0 ? true : undefined;
      });
      const completed = (await queue.getJobs(['completed'], 0, 1000)).filter((j) => j.name === 'join' && j.data.args.corpus === ref.id);
      // of the 11 chunks queued (10, and one more after the first), the ones not done were cancelled
      expect(completed.length).toBeLessThan(10);
    } finally {
      await queue.close();
    }
  });
});

describe('fuzzyJoin in process (the embedded dispatcher)', () => {
  it('whole and sharded equal the local join', async () => {
    const d = connect();
    try {
      const o = { metric: 'jaro', minScore: 0.85 } as const;
      const require = 'any'; // it runs on this process's backend, whichever that is
      const ref = await d.putCorpus(corpus);
      expect(byQuery(await collect(d.fuzzyJoin(ref, queries.slice(0, 500), { ...o, chunkSize: 128, require })))).toEqual(await collect(corpus.join(queries.slice(0, 500), o)));
      const other = Corpus.from([...corpus.words, 'qq']);
      const sharded = await d.putCorpus(other, { shards: 4 });
      expect(byQuery(await collect(d.fuzzyJoin(sharded, queries.slice(0, 500), { ...o, chunkSize: 128, require })))).toEqual(await collect(other.join(queries.slice(0, 500), o)));
    } finally {
      await d.close();
    }
  });
});
