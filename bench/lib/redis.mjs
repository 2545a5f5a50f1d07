// Loopback Redis and worker processes for the dispatch benchmark: a redis-server of its own on
// a free port (or REDIS_URL), `strdist worker` processes, and a raw BullMQ worker whose processor
// returns at once. Everything started here is stopped by stopAll(), also when the process exits.
//
// Run as a script, this file is the raw worker:
//   node bench/lib/redis.mjs raw-worker URL PREFIX QUEUE [REPLY]   (prints "ready" when it listens)
// REPLY `null` (the default) returns null; `match:V` returns, without searching, a closest result
// in strdist's wire format of protocol version V: each query's one match is word 0, score 1.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const thisFile = fileURLToPath(import.meta.url);
export const CLI = fileURLToPath(new URL('../../dist/cli.mjs', import.meta.url));

/** Children still running, killed (SIGKILL) if this process exits without stopping them. */
const live = new Set();
let exitHook = false;
function track(child) {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const c of live) {
        try {
          c.kill('SIGKILL');
        } catch {}
      }
    });
  }
  return child;
}

export async function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/** Resolves when the child exits (at once if it already has); SIGKILL after `graceMs`. */
export async function stopChild(child, signal = 'SIGTERM', graceMs = 10_000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

async function ping(url) {
  const { Redis } = await import('ioredis');
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => {});
  try {
    await r.connect();
    await r.ping();
    return true;
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

/**
 * REDIS_URL when set (nothing started, nothing stopped); otherwise a redis-server of its own on
 * a free port, no persistence. `{ url, external, version, stop() }`.
 */
export async function startRedis({ env = process.env } = {}) {
  if (env.REDIS_URL) {
    if (!(await ping(env.REDIS_URL))) throw new Error(`REDIS_URL ${env.REDIS_URL} does not answer PING`);
    return { url: env.REDIS_URL, external: true, version: null, stop: async () => {} };
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'strdist-bench-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  const child = track(
    spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', join(dir, 'redis.log')],
      { stdio: 'ignore' },
    ),
  );
  const spawnError = new Promise((_, rej) =>
    child.once('error', (err) =>
      rej(new Error(`cannot start redis-server (${err.code ?? err.message}): install it (Debian: apt-get install redis-server) or set REDIS_URL`)),
    ),
  );
  spawnError.catch(() => {});
  const stop = async () => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  try {
    for (;;) {
      const up = await Promise.race([ping(url), spawnError]);
      if (up) break;
      if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode} (log: ${join(dir, 'redis.log')})`);
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer within 10 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  let version = null;
  try {
    const { Redis } = await import('ioredis');
    const r = new Redis(url);
    version = /redis_version:(\S+)/.exec(await r.info('server'))?.[1] ?? null;
    r.disconnect();
  } catch {}
  return { url, external: false, version, pid: child.pid, stop };
}

/** Deletes every key under `prefix:` (for a Redis this benchmark did not start). */
export async function deletePrefix(url, prefix) {
  const { Redis } = await import('ioredis');
  const r = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, batch] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (batch.length) await r.unlink(...batch);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}

function collectStderr(child) {
  let err = '';
  child.stderr?.on('data', (d) => {
    if (err.length < 20_000) err += d.toString();
  });
  return () => err;
}

/** `strdist worker --redis URL --prefix P --require-native` as a process of its own. */
export function spawnStrdistWorker(url, prefix, extra = []) {
  const child = track(
    spawn(process.execPath, [CLI, 'worker', '--redis', url, '--prefix', prefix, '--require-native', ...extra], {
      env: { ...process.env, STRDIST_BACKEND: 'native' },
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
  const stderr = collectStderr(child);
  return { child, pid: child.pid, stderr, stop: () => stopChild(child) };
}

/** The raw BullMQ worker (this file as a script); resolves once it listens. */
export async function spawnRawWorker(url, prefix, queue, timeoutMs = 15_000, reply = 'null') {
  const child = track(
    spawn(process.execPath, [thisFile, 'raw-worker', url, prefix, queue, reply], { stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  const stderr = collectStderr(child);
  await new Promise((res, rej) => {
    let out = '';
    const timer = setTimeout(() => rej(new Error(`raw BullMQ worker not ready within ${timeoutMs} ms: ${stderr()}`)), timeoutMs);
    child.stdout.on('data', (d) => {
      out += d.toString();
      if (out.includes('ready')) {
        clearTimeout(timer);
        res();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`raw BullMQ worker exited with code ${code}: ${stderr()}`));
    });
  });
  return { child, pid: child.pid, stderr, stop: () => stopChild(child) };
}

/** Polls `probe` until it returns something truthy. */
export async function until(what, probe, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A BullMQ worker whose processor returns at once, until SIGTERM or SIGINT. */
async function rawWorkerMain([url, prefix, queue, reply = 'null']) {
  const { Worker } = await import('bullmq');
  const u = new URL(url);
  const connection = { host: u.hostname, port: Number(u.port || 6379), maxRetriesPerRequest: null };
  if (u.password) connection.password = decodeURIComponent(u.password);
  if (u.username) connection.username = decodeURIComponent(u.username);
  if (u.pathname.length > 1) connection.db = Number(u.pathname.slice(1));
  const version = /^match:(\d+)$/.exec(reply)?.[1];
  if (reply !== 'null' && !version) throw new Error(`raw worker: REPLY must be null or match:VERSION, got ${reply}`);
  const b64 = (a) => Buffer.from(a.buffer).toString('base64');
  const match = (job) => {
    const q = job.data.args.queries.length;
    const wire = { v: Number(version), corpus: job.data.args.corpus };
    return { ...wire, counts: b64(new Uint32Array(q).fill(1)), indices: b64(new Uint32Array(q)), scores: b64(new Float64Array(q).fill(1)) };
  };
  const worker = new Worker(queue, version ? async (job) => match(job) : async () => null, { connection, prefix, concurrency: 1 });
  worker.on('error', (err) => process.stderr.write(`raw worker: ${err.message}\n`));
  await worker.waitUntilReady();
  const stop = async () => {
    await worker.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdout.write('ready\n');
}

if (process.argv[1] === thisFile && process.argv[2] === 'raw-worker') {
  rawWorkerMain(process.argv.slice(3)).catch((err) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exit(1);
  });
}
