// Where the dispatch round trip's gap to raw BullMQ lies: strdist's client and a raw BullMQ
// client (add + waitUntilFinished), each against strdist's worker and against a raw BullMQ
// worker that returns a valid closest result at once (word 0, score 1: no search), the four
// pairs timed in blocks of calls alternated in one run, on one redis-server of its own.
//
//   node bench/dispatch-cross.mjs [--calls 2000] [--block 10] [--warm 1500]
//
// The same tiny job as the dispatch workload's round trip (one query, n=1, jaro, a 1,000-word
// corpus). The raw worker is listed to strdist's client under the record of a strdist worker
// that ran on its prefix (copied before that worker stopped): a client sends jobs only to the
// queues of live workers. Prints each pair's p50 and mean per call, and the CPU a call of each
// worker process (from /proc).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadWords, sampleWords } from './lib/data.mjs';
import { spawnRawWorker, spawnStrdistWorker, startRedis, until } from './lib/redis.mjs';

const { values } = parseArgs({
  options: { calls: { type: 'string', default: '2000' }, block: { type: 'string', default: '10' }, warm: { type: 'string', default: '1500' } },
});
const CALLS = Number(values.calls);
const BLOCK = Number(values.block);
const METRIC = 'jaro';

const { connect, Corpus } = await import('../dist/index.mjs');
const { Queue, QueueEvents } = await import('bullmq');
const { Redis } = await import('ioredis');

const redis = await startRedis();
const u = new URL(redis.url);
const connection = { host: u.hostname, port: Number(u.port) };
const admin = new Redis(redis.url);
const small = loadWords('wamerican');
const tiny = Corpus.from(sampleWords(small, 1000, 'dispatch-tiny-corpus'), { dedupe: false });
const queries = sampleWords(small, 64, 'dispatch-tiny-queries');
/** CPU seconds (user + system) a process has used, in µs. */
const cpu = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10_000;
};

const pairs = [];
const stops = [];
for (const kind of ['strdist', 'raw']) {
  const prefix = `cross-${kind}-${process.pid}`;
  const d = connect({ redis: redis.url, prefix });
  let worker = spawnStrdistWorker(redis.url, prefix);
  await until(`a strdist worker on ${prefix}`, async () => (await d.workers()).length >= 1, 30_000);
  const ref = await d.putCorpus(tiny);
  const [record] = await d.workers();
  const queue = record.queues[0];
  // the protocol version (of the job data and the result), from a job of the real worker
  const first = await d.call('closest', { corpus: ref.id, queries: ['a'], n: 1, metric: METRIC }, { require: 'native' });
  await d.result(first);
  const version = JSON.parse(await admin.hget(`${prefix}:${queue}:${first.split('/')[1]}`, 'returnvalue')).v;
  if (kind === 'raw') {
    // the real worker's record kept (as live for an hour), the worker itself replaced
    const json = await admin.hget(`${prefix}:workers:records`, record.id);
    await worker.stop();
    await admin.zadd(`${prefix}:workers`, Date.now() + 3_600_000, record.id);
    await admin.hset(`${prefix}:workers:records`, record.id, json);
    worker = await spawnRawWorker(redis.url, prefix, queue, 15_000, `match:${version}`);
  }
  stops.push(() => d.close(), () => worker.stop());
  const q = new Queue(queue, { connection: { ...connection, maxRetriesPerRequest: 1 }, prefix });
  const events = new QueueEvents(queue, { connection: { ...connection, maxRetriesPerRequest: null }, prefix });
  await events.waitUntilReady();
  stops.push(() => events.close(), () => q.close());
  const args = (i) => ({ corpus: ref.id, queries: [queries[i % queries.length]], n: 1, metric: METRIC });
  pairs.push({
    name: `strdist client, ${kind} worker`,
    pid: worker.pid,
    one: async (i) => d.result(await d.call('closest', args(i), { require: 'native' }), { timeoutMs: 30_000 }),
  });
  pairs.push({
    name: `raw BullMQ client, ${kind} worker`,
    pid: worker.pid,
    one: async (i) => {
      const job = await q.add('closest', { v: version, kernel: record.kernelVersion, task: 'closest', args: args(i), require: 'native' }, { removeOnComplete: { age: 3600, count: 20_000 } });
      return job.waitUntilFinished(events, 30_000);
    },
  });
}

// warm-up calls per pair: V8 optimizes both clients' and workers' code only after many calls
for (const p of pairs) for (let i = 0; i < Number(values.warm); i++) await p.one(i);
const acc = pairs.map(() => ({ lat: [], cpu: 0 }));
for (let b = 0; b < CALLS / BLOCK; b++) {
  for (let k = 0; k < pairs.length; k++) {
    const at = (b + k) % pairs.length; // a different pair first each block
    const p = pairs[at];
    const c0 = cpu(p.pid);
    for (let i = 0; i < BLOCK; i++) {
      const t0 = process.hrtime.bigint();
      await p.one(b * BLOCK + i);
      acc[at].lat.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    acc[at].cpu += cpu(p.pid) - c0;
  }
}
const p50 = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
console.log(`dispatch round trip crossed: ${CALLS} calls per pair in blocks of ${BLOCK}, 1 query, n=1, ${METRIC}, 1,000-word corpus`);
const base = p50(acc[3].lat);
for (const [i, p] of pairs.entries()) {
  const a = acc[i];
  const mean = a.lat.reduce((s, x) => s + x, 0) / a.lat.length;
  console.log(
    `  ${p.name.padEnd(33)} p50 ${p50(a.lat).toFixed(0).padStart(5)} µs (${(p50(a.lat) / base).toFixed(2)}x raw/raw), mean ${mean.toFixed(0).padStart(5)} µs; worker CPU ${(a.cpu / a.lat.length).toFixed(0)} µs a call`,
  );
}
for (const stop of stops.reverse()) await stop().catch(() => {});
admin.disconnect();
await redis.stop();
process.exit(0);
