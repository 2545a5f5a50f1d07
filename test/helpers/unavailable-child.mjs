// A client process with no handlers of its own: it queues a job, then (after the parent stops
// Redis) makes every client call and prints how each ended, as one JSON line. An unhandled
// rejection or a crash shows as a non-zero exit code; a hang as a missing line.
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { connect, Corpus } from '../../dist/index.mjs';

const [url, prefix] = process.argv.slice(2);
const d = connect({ redis: url, prefix });
const corpus = Corpus.from(['bagel', 'barge', 'cheese']);
const ref = await d.putCorpus(corpus);
// a live worker record that no process serves: the job is queued and waits
const raw = new Redis(url);
await raw.zadd(`${prefix}:workers`, Date.now() + 3_600_000, 'w1');
await raw.hset(`${prefix}:workers:records`, 'w1', JSON.stringify({
  id: 'w1', hostname: 'h', pid: 1, queues: ['native-v1'], concurrency: 1, startedAt: 1, heartbeatAt: 1,
  selfTest: 'passed', backend: 'native', kernelVersion: 1,
}));
raw.disconnect();
const id = await d.call('closest', { corpus: ref.id, queries: ['bagel'] });
const waiting = d.result(id, { timeoutMs: 60_000 }).then(
  () => ({ ok: true }),
  (e) => ({ code: e.code, ms: Date.now() - stoppedAt }),
);
let stoppedAt = 0;
console.log('ready');
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const until = async (want) => {
  for (;;) {
    const { value, done } = await lines.next();
    if (done || value === want) return;
  }
};
{
  await until('stopped');
  stoppedAt = Date.now();
  const timed = async (name, run) => {
    const t = Date.now();
    try {
      await run();
      return [name, { ok: true, ms: Date.now() - t }];
    } catch (e) {
      return [name, { code: e.code, ms: Date.now() - t, message: e.message }];
    }
  };
  const calls = [
    ['result', () => d.result(id, { timeoutMs: 30_000 })],
    ['join', () => d.join([id], { timeoutMs: 30_000 })],
    ['status', () => d.status(id)],
    ['call', () => d.call('closest', { corpus: ref.id, queries: ['bagel'] })],
    ['map', () => d.map('closest', [{ corpus: ref.id, queries: ['bagel'] }])],
    ['putCorpus', () => d.putCorpus(Corpus.from(['other']))],
    ['workers', () => d.workers()],
    ['cancel', () => d.cancel(id)],
    ['kill', () => d.kill(id)],
    ['deleteCorpus', () => d.deleteCorpus(ref.id)],
    ['fetchCorpus', () => d.fetchCorpus(`v2-sha256:${'d'.repeat(64)}`)], // not looked up yet: asks Redis
  ];
  const out = Object.fromEntries(await Promise.all(calls.map(([n, run]) => timed(n, run))));
  out.waiting = await waiting;
  console.log(JSON.stringify(out));
}
// then Redis comes back: the same client works again
{
  await until('started');
  const t = Date.now();
  let error;
  for (;;) {
    try {
      await d.putCorpus(corpus);
      break;
    } catch (e) {
      error = e.code;
      if (Date.now() - t > 10_000) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  console.log(JSON.stringify({ back: Date.now() - t < 10_000, ms: Date.now() - t, error }));
}
await d.close();
