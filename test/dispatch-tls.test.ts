// TLS as the README gives it ("Running Redis for strdist"): a redis-server that speaks only TLS,
// with a certificate of a test CA made here by openssl; a worker on a `rediss://` URL (trusting
// the CA through NODE_EXTRA_CA_CERTS) and a client on ioredis options with `tls: { ca }` run a
// search; a client that does not trust the CA is refused, typed, and never talks in clear.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, RedisUnavailableError, type Dispatcher } from '../src/dispatch/index.js';
import { corpus } from './helpers/dispatch-suite.js';
import { WORKERS, freePort, spawnWorker, uniquePrefix, until, waitForRedis, type WorkerProcess } from './helpers/redis.js';

/** A CA and a server certificate for 127.0.0.1 signed by it (P-256 keys: made in milliseconds). */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', '/CN=strdist test CA');
  openssl('req', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(file('ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-out', file('server.pem'), '-days', '2', '-extfile', file('ext.cnf'));
  return { ca: file('ca.pem'), cert: file('server.pem'), key: file('server.key') };
}

describe('Redis over TLS', () => {
  const prefix = uniquePrefix('tls');
  const dir = mkdtempSync(join(tmpdir(), 'strdist-tls-'));
  let server: ChildProcess;
  let port: number;
  let certs: { ca: string; cert: string; key: string };
  let worker: WorkerProcess;
  let d: Dispatcher;

  beforeAll(async () => {
    certs = makeCertificates(dir);
    port = await freePort();
    server = spawn('redis-server', [
      '--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
      '--tls-cert-file', certs.cert, '--tls-key-file', certs.key, '--tls-ca-cert-file', certs.ca, '--tls-auth-clients', 'no',
    ], { stdio: 'ignore' });
    const tls = { ca: readFileSync(certs.ca) };
    await waitForRedis({ host: '127.0.0.1', port, tls });
    worker = spawnWorker(`rediss://127.0.0.1:${port}`, prefix, { ...WORKERS.env, NODE_EXTRA_CA_CERTS: certs.ca });
    d = connect({ redis: { host: '127.0.0.1', port, tls }, prefix });
    await until('a live worker', async () => ((await d.workers()).length >= 1 ? true : undefined));
  }, 30_000);
  afterAll(async () => {
    await d?.close();
    expect(await worker?.stop()).toBe(0);
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('a worker on a rediss:// URL and a client with tls options run a search', async () => {
    const ref = await d.putCorpus(corpus);
    const id = await d.call('closest', { corpus: ref.id, queries: ['bagle', 'chese'], n: 3 }, { require: WORKERS.require });
    expect(await d.result(id, { timeoutMs: 20_000 })).toEqual(await corpus.closestMany(['bagle', 'chese'], { n: 3 }));
    expect(worker.stderr()).not.toMatch(/error/i);
  });

  it('a client that does not trust the server certificate is refused with RedisUnavailableError, saying why', async () => {
    const untrusting = connect({ redis: `rediss://127.0.0.1:${port}`, prefix });
    try {
      const err = await untrusting.workers().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RedisUnavailableError);
      expect((err as Error).message).toMatch(/not reachable: .*certificate/); // says why
    } finally {
      await untrusting.close();
    }
  });

  it('the TLS port does not answer in clear text', async () => {
    const clear = connect({ redis: `redis://127.0.0.1:${port}`, prefix });
    try {
      expect(await clear.workers().catch((e: unknown) => e)).toBeInstanceOf(RedisUnavailableError);
    } finally {
      await clear.close();
    }
  });
});
