#!/usr/bin/env node
// The dispatch's acceptance run under faults (issue 10, "Done when"): a batch of 5,000 queries
// over the 663k-word list (Debian wamerican-insane) on 2 worker processes, with one fault in
// the middle of each run:
//   sigstop  Redis stopped with SIGSTOP for 10 s, then SIGCONT
//   aof      Redis killed with SIGKILL and restarted on its AOF
//   rolling  a rolling SIGTERM restart of both workers
// The client is a process of its own without handlers (scripts/faults-client.mjs): it rides out
// RedisUnavailableError by asking again. Every run must end with the client's exit code 0 and
// results identical to the local closestMany; jobs started twice are counted from the queue's
// events. Prints one line per run and writes bench/results/faults.json.
//
//   node scripts/faults.mjs [--runs sigstop,aof,rolling] [--queries 5000]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { Corpus } from '../dist/index.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(root, 'dist', 'cli.mjs');
const CLIENT = join(root, 'scripts', 'faults-client.mjs');
const WORDS = '/usr/share/dict/american-english-insane';

const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const RUNS = opt('runs', 'sigstop,aof,rolling').split(',');
const QUERIES = Number(opt('queries', '5000'));
const PER_JOB = 25;
const N = 10;
const METRIC = 'jaro';

const live = new Set();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});
function track(child) {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

async function until(what, probe, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** redis-server with AOF (fsync always) on a port and directory of its own. */
async function redisServer() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'strdist-faults-'));
  const url = `redis://127.0.0.1:${port}`;
  const r = { url, port, dir, child: null };
  r.start = async () => {
    r.child = track(
      spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always'], {
        stdio: 'ignore',
      }),
    );
    await until('redis', async () => {
      const c = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      c.on('error', () => {});
      try {
        await c.connect();
        return (await c.ping()) === 'PONG';
      } finally {
        c.disconnect();
      }
    });
  };
  r.stop = async (signal = 'SIGTERM') => {
    if (!r.child || r.child.exitCode !== null) return;
    const exited = new Promise((res) => r.child.once('exit', res));
    r.child.kill('SIGCONT');
    r.child.kill(signal);
    await exited;
  };
  await r.start();
  return r;
}

function worker(url, prefix) {
  const child = track(spawn(process.execPath, [CLI, 'worker', '--redis', url, '--prefix', prefix], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, STRDIST_BACKEND: 'native' } }));
  let log = '';
  child.stderr.on('data', (d) => (log += d));
  return { child, log: () => log };
}

async function stopWorker(w) {
  if (w.child.exitCode !== null) return { code: w.child.exitCode, ms: 0 };
  const t = Date.now();
  const exited = new Promise((r) => w.child.once('exit', (code) => r(code)));
  w.child.kill('SIGTERM');
  return { code: await exited, ms: Date.now() - t };
}

async function liveWorkers(redis, prefix) {
  const now = Date.now();
  return (await redis.zrangebyscore(`${prefix}:workers`, now, '+inf')).length;
}

function sameResults(a, b) {
  if (a.length !== b.length) return false;
  for (let q = 0; q < a.length; q++) {
    if (a[q].length !== b[q].length) return false;
    for (let i = 0; i < a[q].length; i++) {
      const x = a[q][i];
      const y = b[q][i];
      if (x.word !== y.word || !Object.is(x.score, y.score) || x.index !== y.index) return false;
    }
  }
  return true;
}

async function runOne(kind, queries, expected) {
  const redis = await redisServer();
  const prefix = `faults-${kind}-${process.pid}`;
  const workers = [worker(redis.url, prefix), worker(redis.url, prefix)];
  const probe = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 200, commandTimeout: 1_000 });
  probe.on('error', () => {});
  const starts = new Map();
  const events = new QueueEvents('native-v1', { connection: { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null }, prefix });
  events.on('error', () => {});
  events.on('active', ({ jobId }) => starts.set(jobId, (starts.get(jobId) ?? 0) + 1));
  await events.waitUntilReady();
  await until('2 workers', async () => (await liveWorkers(probe, prefix)) === 2);

  const out = join(redis.dir, 'results.json');
  const client = track(spawn(process.execPath, [CLIENT, redis.url, prefix, out, String(PER_JOB), String(N), METRIC], { stdio: ['pipe', 'pipe', 'pipe'] }));
  let clientErr = '';
  let clientOut = '';
  client.stderr.on('data', (d) => (clientErr += d));
  client.stdout.on('data', (d) => (clientOut += d));
  const clientExit = new Promise((r) => client.once('exit', (code, signal) => r({ code, signal })));
  client.stdin.end(JSON.stringify(queries));

  const jobs = Math.ceil(queries.length / PER_JOB);
  const completed = () => probe.zcard(`${prefix}:native-v1:completed`);
  await until('a third of the batch', async () => (await completed()) >= jobs / 3, 300_000);
  const faultAt = Date.now();
  let fault = '';
  if (kind === 'sigstop') {
    redis.child.kill('SIGSTOP');
    await sleep(10_000);
    redis.child.kill('SIGCONT');
    fault = 'Redis SIGSTOP 10 s';
  } else if (kind === 'aof') {
    await redis.stop('SIGKILL');
    await sleep(1_000);
    await redis.start();
    fault = 'Redis SIGKILL, restarted on AOF after 1 s';
  } else if (kind === 'rolling') {
    const exits = [];
    for (let i = 0; i < 2; i++) {
      exits.push(await stopWorker(workers[i]));
      workers.push(worker(redis.url, prefix));
      await until('the replacement worker', async () => (await liveWorkers(probe, prefix)) === 2);
    }
    fault = `rolling SIGTERM restart (worker exits ${exits.map((e) => `${e.code} in ${e.ms} ms`).join(', ')})`;
  }
  const faultEnd = Date.now();
  // recovered: the first job completed after the fault ended
  const doneAtEnd = await completed().catch(() => 0);
  let firstAfter = null;
  await until('a completion after the fault', async () => {
    if ((await completed()) > doneAtEnd || client.exitCode !== null) return (firstAfter = Date.now());
    return false;
  }, 300_000).catch(() => {});
  const exit = await clientExit;
  const finishedAt = Date.now();
  let results = null;
  try {
    results = JSON.parse(readFileSync(out, 'utf8'));
  } catch {}
  const report = JSON.parse(clientOut.trim().split('\n').at(-1) || '{}');
  const count = (re) => workers.reduce((n, w) => n + (w.log().match(re)?.length ?? 0), 0);
  const handedBack = count(/running job handed back to the queue/g);
  // locked by a worker that never received it (a reply lost as Redis died), handed back after the reconnect
  const reclaimed = count(/which never received it/g);
  const row = {
    run: kind,
    fault,
    queries: queries.length,
    jobs,
    clientExit: exit.code,
    clientSignal: exit.signal,
    clientCrashed: exit.code !== 0 ? 1 : 0,
    clientStderr: clientErr.slice(0, 500),
    identical: results !== null && sameResults(results, expected),
    wrongQueries: results ? results.filter((r, q) => !sameResults([r], [expected[q]])).length : queries.length,
    jobsLost: report.lost ?? null,
    resultRetries: report.retries ?? null,
    jobsStartedTwice: [...starts.values()].filter((n) => n > 1).length,
    handedBack,
    reclaimed,
    faultMs: faultEnd - faultAt,
    batchMs: report.ms ?? null,
    /** From the end of the fault to the first job completed after it. */
    recoverMs: firstAfter === null ? null : firstAfter - faultEnd,
    /** From the end of the fault to the batch's end. */
    restMs: finishedAt - faultEnd,
  };
  await events.close().catch(() => {});
  probe.disconnect();
  await Promise.all(workers.map(stopWorker));
  await redis.stop();
  rmSync(redis.dir, { recursive: true, force: true });
  return row;
}

const words = readFileSync(WORDS, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
const corpus = Corpus.from(words);
// Seeded queries: corpus words and one-letter edits of them.
let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const queries = Array.from({ length: QUERIES }, (_, i) => {
  const w = corpus.at(Math.floor(rand() * corpus.size));
  if (i % 2 === 0 || w.length < 3) return w;
  const p = Math.floor(rand() * w.length);
  return w.slice(0, p) + 'etaoinshr'[Math.floor(rand() * 9)] + w.slice(p + 1);
});
const t0 = Date.now();
const expected = (await corpus.closestMany(queries, { n: N, metric: METRIC })).map((ms) => ms.map(({ word, score, index }) => ({ word, score, index })));
console.log(`local closestMany: ${queries.length} queries over ${corpus.size} words in ${Date.now() - t0} ms`);

const rows = [];
for (const kind of RUNS) {
  const row = await runOne(kind, queries, expected);
  rows.push(row);
  console.log(
    `${row.run}: ${row.fault}; client exit ${row.clientExit}, identical ${row.identical} (${row.wrongQueries} wrong), ` +
      `lost ${row.jobsLost}, started twice ${row.jobsStartedTwice}, handed back ${row.handedBack}, never received and handed back ${row.reclaimed}, result() asked again ${row.resultRetries}, ` +
      `batch ${row.batchMs} ms; first completion ${row.recoverMs} ms after the fault ended, batch done ${row.restMs} ms after`,
  );
  if (row.clientStderr) console.log(`  client stderr: ${row.clientStderr}`);
}
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'faults.json'), JSON.stringify({ date: new Date().toISOString(), rows }, null, 2) + '\n');
const bad = rows.filter((r) => r.clientCrashed || !r.identical || r.jobsLost);
if (bad.length) {
  console.error(`FAILED: ${bad.map((r) => r.run).join(', ')}`);
  process.exitCode = 1;
}
