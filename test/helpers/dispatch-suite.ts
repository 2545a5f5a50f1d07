// The API tests every dispatcher passes, embedded or over Redis.
import { expect, it } from 'vitest';
import { Corpus } from '../../src/corpus.js';
import { EXTRA_METRICS, METRICS } from '../../src/kernel.js';
import {
  JobCancelledError,
  LIMITS,
  TaskArgumentError,
  UnknownCorpusError,
  UnknownJobError,
  type Dispatcher,
  type Requirement,
} from '../../src/dispatch/index.js';

export const words = [
  'bagel', 'bagels', 'barge', 'cheese', 'cheesed', 'label', 'naïve', 'naive', '😀 smile', 'zebra', 'bagel', 'ba',
  ...Array.from({ length: 300 }, (_, i) => `w${(i * 7919).toString(36)}`),
];
export const corpus = Corpus.from(words);
const queries = ['bagle', 'chese', 'naive', '😀', '', 'zz'];

/** `require` is what every call of the suite asks for. */
export function dispatcherSuite(get: () => Dispatcher, require: Requirement = 'native'): void {
  it('stores a corpus once, by its content id', async () => {
    const d = get();
    const a = await d.putCorpus(corpus);
    const b = await d.putCorpus(Corpus.from(words)); // the same list again, made anew
    expect(a).toEqual({ id: corpus.id, size: corpus.size, shards: 1 });
    expect(b).toEqual(a);
  });

  it('returns exactly the local results, for every metric', async () => {
    const d = get();
    const ref = await d.putCorpus(corpus);
    for (const metric of METRICS) {
      const id = await d.call('closest', { corpus: ref.id, queries, n: 5, metric }, { require });
      expect(typeof id).toBe('string');
      const local = await corpus.closestMany(queries, { n: 5, metric });
      expect(await d.result(id, { timeoutMs: 20_000 })).toEqual(local);
      expect(await d.status(id)).toBe('completed');
    }
  });

  it('maps many jobs and joins them in order', async () => {
    const d = get();
    const ref = await d.putCorpus(corpus);
    const argsList = queries.map((q, i) => ({ corpus: ref.id, queries: [q], n: 1 + i, metric: 'jaroWinkler' as const }));
    const ids = await d.map('closest', argsList, { require });
    expect(ids).toHaveLength(queries.length);
    const got = await d.join<'closest'>(ids, { timeoutMs: 20_000 });
    for (let i = 0; i < queries.length; i++) {
      expect(got[i]).toEqual(await corpus.closestMany([queries[i]], { n: 1 + i, metric: 'jaroWinkler' }));
    }
  });

  it('join waits for every job; with settled: true it reports each outcome', async () => {
    const d = get();
    const ref = await d.putCorpus(corpus);
    const ok = await d.call('closest', { corpus: ref.id, queries: ['bagle'], n: 2 }, { require });
    const missing = `native-v1/${'1'.repeat(8)}-1111-4111-8111-${'1'.repeat(12)}`;
    const settled = await d.join<'closest'>([ok, missing], { timeoutMs: 20_000, settled: true });
    expect(settled[0]).toEqual({ status: 'fulfilled', value: await corpus.closestMany(['bagle'], { n: 2 }) });
    expect(settled[1].status).toBe('rejected');
    expect((settled[1] as { reason: Error }).reason).toBeInstanceOf(UnknownJobError);
    await expect(d.join([ok, missing], { timeoutMs: 20_000 })).rejects.toThrow(UnknownJobError);
  });

  it('rejects bad payloads at once, before anything is queued', async () => {
    const d = get();
    const ref = await d.putCorpus(corpus);
    await expect(d.call('nope' as never, {} as never)).rejects.toThrow(/unknown task "nope"; known tasks: closest, join, selfJoin$/);
    await expect(d.call('mergeClosest' as never, { n: 1, metric: 'jaro' } as never)).rejects.toThrow(/unknown task "mergeClosest"/);
    await expect(d.call('closest', { corpus: ref.id, queries: 'bagel' } as never)).rejects.toThrow(TaskArgumentError);
    await expect(d.call('closest', { corpus: ref.id, queries: [1] } as never)).rejects.toThrow(/queries\.0: /);
    await expect(d.call('closest', { corpus: ref.id, queries: ['a'], n: -1 }, { require })).rejects.toThrow(/n: /);
    // cross-field rules fail on the client, at once (they once passed and were retried on the worker)
    await expect(d.call('closest', { corpus: ref.id, queries: ['a'], metric: 'levenshtein', minScore: 0.5 }, { require })).rejects.toThrow(
      /minScore is for similarity metrics; use maxDistance with levenshtein/,
    );
    await expect(d.call('closest', { corpus: ref.id, queries: ['a'], metric: 'jaro', maxDistance: 2 }, { require })).rejects.toThrow(TaskArgumentError);
    // maxDistance: Infinity (no cutoff) survives the trip through JSON
    const inf = await d.call('closest', { corpus: ref.id, queries: ['bagel'], metric: 'levenshtein', maxDistance: Infinity, n: 3 }, { require });
    expect(await d.result(inf, { timeoutMs: 20_000 })).toEqual(await corpus.closestMany(['bagel'], { metric: 'levenshtein', n: 3 }));
    await expect(d.call('closest', { corpus: ref.id, queries: ['a'], indexOffset: 5 } as never, { require })).rejects.toThrow(/indexOffset/);
    await expect(d.call('closest', { corpus: ref.id, queries: ['a'], metric: 'soundex' } as never)).rejects.toThrow(/metric: /); // hamming is a metric since issue 12
    await expect(d.call('closest', { corpus: ref.id, queries: ['a'], extra: 1 } as never)).rejects.toThrow(/extra/);
    // a result is bounded: queries x n per job
    const wide = Array.from({ length: 1_001 }, () => 'a');
    await expect(d.call('closest', { corpus: ref.id, queries: wide, n: 100 }, { require })).rejects.toThrow(
      /queries x n may be at most 100000 per job, got 1001 x 100; split them with map\(\)/,
    );
    const many = Array.from({ length: LIMITS.queriesPerJob + 1 }, () => 'a');
    await expect(d.call('closest', { corpus: ref.id, queries: many }, { require })).rejects.toThrow(/at most 10000 queries per job/);
    await expect(d.call('closest', { corpus: ref.id, queries: ['x'.repeat(LIMITS.queryLength + 1)] }, { require })).rejects.toThrow(
      /at most 1000 UTF-16 units/,
    );
    await expect(d.call('closest', { corpus: 'v2-sha256:nothex', queries: ['a'] }, { require })).rejects.toThrow(/must be a corpus id/);
    // ids of strdist 0.1 (words joined by newlines) are refused, never mixed up with new ones
    await expect(d.call('closest', { corpus: 'sha256:' + '0'.repeat(64), queries: ['a'] }, { require })).rejects.toThrow(/must be a corpus id/);
    const unknown = 'v2-sha256:' + '0'.repeat(64);
    await expect(d.call('closest', { corpus: unknown, queries: ['a'] }, { require })).rejects.toThrow(UnknownCorpusError);
    await expect(d.call('closest', { corpus: unknown, queries: ['a'] }, { require })).rejects.toThrow(/unknown corpus v2-sha256:0000/);
  });

  it('searches a corpus stored in 2, 3 and 7 shards exactly like the whole one', async () => {
    const d = get();
    // duplicates spread over the list: Match.index is the position in the list given, remotely
    // and across shards too
    const extra = Array.from({ length: 500 }, (_, i) => `bag${i % 350}el`);
    const big = Corpus.from([...words, ...extra, ...words]);
    expect(big.size).toBeLessThan(words.length * 2 + extra.length);
    for (const shards of [1, 2, 3, 7]) {
      const ref = await d.putCorpus(big, { shards });
      expect(ref).toEqual({ id: big.id, size: big.size, shards });
      const positions = (await d.join<'closest'>([await d.call('closest', { corpus: ref.id, queries: ['bag349el'], n: 1 }, { require })]))[0];
      expect(positions[0][0]).toMatchObject({ word: 'bag349el', index: words.length + 349 });
      const ids = await d.map(
        'closest',
        METRICS.map((metric) => ({ corpus: ref.id, queries, n: 7, metric })),
        { require },
      );
      const got = await d.join<'closest'>(ids, { timeoutMs: 30_000 });
      for (let m = 0; m < METRICS.length; m++) {
        expect(got[m], `${shards} shards, ${METRICS[m]}`).toEqual(await big.closestMany(queries, { n: 7, metric: METRICS[m] }));
      }
    }
    await expect(d.putCorpus(big, { shards: 0 })).rejects.toThrow(/shards must be an integer in \[1, 1024\]/);
    await d.deleteCorpus(big.id);
    await expect(d.call('closest', { corpus: big.id, queries: ['a'] }, { require })).rejects.toThrow(/unknown corpus/);
  });

  // issue 12: the added metrics (and pad) through the task, on a sharded corpus too.
  it('runs closest with every added metric, whole and in 3 shards, like corpus.closestMany', async () => {
    const d = get();
    for (const shards of [1, 3]) {
      const ref = await d.putCorpus(corpus, { shards });
      const args = EXTRA_METRICS.map((metric) => ({
        corpus: ref.id, queries, n: 5, metric, ...(metric.startsWith('hamming') ? { pad: true } : {}),
      }));
      const got = await d.join<'closest'>(await d.map('closest', args, { require }), { timeoutMs: 30_000 });
      for (let m = 0; m < args.length; m++) {
        const { corpus: _id, queries: q, ...o } = args[m];
        expect(got[m], `${shards} shards, ${args[m].metric}`).toEqual(await corpus.closestMany(q, o));
      }
    }
  });

  it('an unknown job id is a clear error', async () => {
    const d = get();
    await expect(d.status('any/00000000-0000-0000-0000-000000000000')).rejects.toThrow(UnknownJobError);
    await expect(d.result('garbage')).rejects.toThrow(UnknownJobError);
  });

  it('cancels a waiting job and a running one', async () => {
    const d = get();
    // a slow job: many long queries against a corpus of long words
    const slow = Corpus.from(Array.from({ length: 3000 }, (_, i) => `${'abcdefghij'.repeat(8)}${i}`));
    const ref = await d.putCorpus(slow);
    const long = Array.from({ length: LIMITS.queriesPerJob }, (_, i) => `${'jihgfedcba'.repeat(9)}${i}`);
    // one job per worker slot keeps every worker busy; one more has to wait
    const slots = (await d.workers()).reduce((n, w) => n + w.concurrency, 0);
    const ids = await d.map(
      'closest',
      Array.from({ length: slots + 1 }, () => ({ corpus: ref.id, queries: long, metric: 'levenshtein' as const })),
      { require },
    );
    const waiting = ids[slots];
    const running = ids.slice(0, slots);
    const deadline = Date.now() + 10_000;
    const states = async () => Promise.all(running.map((id) => d.status(id)));
    while ((await states()).some((s) => s !== 'active') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await states()).toEqual(running.map(() => 'active'));
    expect(await d.status(waiting)).toBe('waiting');
    expect(await d.kill(waiting)).toBe(true);
    expect(await d.status(waiting)).toBe('cancelled');
    await expect(d.result(waiting, { timeoutMs: 5_000 })).rejects.toThrow(JobCancelledError);
    for (const id of running) expect(await d.kill(id)).toBe(true);
    for (const id of running) {
      await expect(d.result(id, { timeoutMs: 10_000 })).rejects.toThrow(JobCancelledError);
      expect(await d.status(id)).toBe('cancelled');
    }
    expect(await d.kill(running[0])).toBe(false); // already finished
    // and the worker keeps serving
    const ok = await d.call('closest', { corpus: ref.id, queries: ['abc'], n: 1 }, { require });
    expect(await d.result(ok, { timeoutMs: 20_000 })).toHaveLength(1);
  });

  it('lists its workers with their capability records', async () => {
    const list = await get().workers();
    expect(list.length).toBeGreaterThan(0);
    for (const w of list) {
      expect(w.package).toBe('strdist');
      expect(w.selfTest).toBe('passed');
      expect(w.queues).toContain('any-v1');
      expect(typeof w.id).toBe('string');
    }
  });
}
