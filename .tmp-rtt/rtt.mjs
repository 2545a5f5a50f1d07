import { spawn } from 'node:child_process';
import { Queue, QueueEvents } from 'bullmq';
import { connect, Corpus } from '/work/wt-dispatch/dist/index.mjs';
const port = 26000 + Math.floor(Math.random() * 1000);
const url = `redis://127.0.0.1:${port}`;
const rs = spawn('redis-server', ['--port', String(port), '--save', ''], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));
const prefix = 'rtt';
const w = spawn(process.execPath, ['/work/wt-dispatch/dist/cli.mjs', 'worker', '--redis', url, '--prefix', prefix], { stdio: 'inherit', env: { ...process.env, STRDIST_BACKEND: 'native' } });
const raw = spawn(process.execPath, ['/work/wt-dispatch/bench/lib/redis.mjs', 'raw-worker', url, 'rawp', 'rawq'], { stdio: ['ignore', 'pipe', 'inherit'] });
const d = connect({ redis: url, prefix });
const corpus = Corpus.from(Array.from({ length: 1000 }, (_, i) => `w${i}x${(i * 7919) % 1000}`));
for (;;) { try { if ((await d.workers()).length) break; } catch {} await new Promise((r) => setTimeout(r, 100)); }
const ref = await d.putCorpus(corpus);
const q = new Queue('rawq', { connection: { host: '127.0.0.1', port }, prefix: 'rawp' });
const ev = new QueueEvents('rawq', { connection: { host: '127.0.0.1', port }, prefix: 'rawp' });
await ev.waitUntilReady();
await new Promise((r) => setTimeout(r, 1500));
const ns = () => Number(process.hrtime.bigint());
const S = [], R = [], C = [], W = [], X = [], A = [], B = [];
const nq = new Queue('native-v1', { connection: { host: '127.0.0.1', port }, prefix });
const nev = new QueueEvents('native-v1', { connection: { host: '127.0.0.1', port }, prefix });
await nev.waitUntilReady();
const { randomUUID } = await import('node:crypto');
for (let i = 0; i < 600; i++) {
  let t = ns();
  const id = await d.call('closest', { corpus: ref.id, queries: ['w12x3'], n: 1 });
  const t1 = ns();
  await d.result(id);
  const t2 = ns();
  if (i >= 100) { S.push(t2 - t); C.push(t1 - t); W.push(t2 - t1); }
  t = ns();
  const sj = await nq.add('closest', { v: 2, kernel: 1, task: 'closest', require: 'native', args: { corpus: ref.id, queries: ['w12x3'], n: 1 } }, { jobId: randomUUID(), ...(process.env.OPTS ? { attempts: 3, backoff: { type: 'exponential', delay: 250 }, removeOnComplete: { age: 3600, count: 20000 }, removeOnFail: { age: 86400, count: 20000 }, ...(process.env.OPTS === '2' ? { sizeLimit: 4194304 } : {}) } : {}) });
  const ta = ns();
  await d.result(`native-v1/${sj.id}`);
  if (i >= 100) { X.push(ns() - t); A.push(ta - t); B.push(ns() - ta); }
  t = ns();
  const job = await q.add('x', { i });
  await job.waitUntilFinished(ev, 30000);
  if (i >= 100) R.push(ns() - t);
}
const p = (a, f) => (a.sort((x, y) => x - y)[Math.floor(f * a.length)] / 1e6).toFixed(3);
console.log(`strdist p50 ${p(S, .5)} (call ${p(C, .5)} + result ${p(W, .5)}) p99 ${p(S, .99)}; raw p50 ${p(R, .5)} p99 ${p(R, .99)}; raw add + strdist result p50 ${p(X, .5)} (add ${p(A, .5)} + result ${p(B, .5)})`);
await d.close(); await q.close(); await ev.close();
w.kill('SIGKILL'); raw.kill('SIGKILL'); rs.kill('SIGKILL');
process.exit(0);
