// The Redis ACL the README gives for a strdist deployment ("Running Redis for strdist"), read
// from the README itself and set on a real redis-server: a worker and a client that log in as
// that user pass the whole dispatcher suite, capability-pinned jobs included, and the worker
// logs no refused command.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Dispatcher } from '../src/dispatch/index.js';
import { corpus, dispatcherSuite } from './helpers/dispatch-suite.js';
import { WORKERS, spawnWorker, startRedis, uniquePrefix, until, type TestRedis, type WorkerProcess } from './helpers/redis.js';

/** The ACL rules of the README's bullet that starts "An ACL user needs", for `prefix`. */
function readmeAclRules(prefix: string): string[] {
  const readme = readFileSync(resolve(__dirname, '..', 'README.md'), 'utf8');
  const bullet = /^- An ACL user needs[\s\S]*?(?=^- |^#)/m.exec(readme)?.[0];
  if (!bullet) throw new Error('README.md has no bullet starting "An ACL user needs"');
  // rules in backticks: key patterns and channels written with <prefix>, and +commands
  const rules = [...bullet.matchAll(/`([^`]+)`/g)]
    .flatMap((m) => m[1].split(/\s+/))
    .filter((r) => r.startsWith('+') || (/^[~&]/.test(r) && r.includes('<prefix>')))
    .map((r) => r.replaceAll('<prefix>', prefix));
  return [...new Set(rules)];
}

describe('a Redis user with only the README\'s ACL rules', () => {
  const prefix = uniquePrefix('acl');
  let redis: TestRedis;
  let admin: Redis;
  let d: Dispatcher;
  let worker: WorkerProcess;
  const rules = readmeAclRules(prefix);

  beforeAll(async () => {
    redis = await startRedis({ own: true }); // never a shared REDIS_URL: this adds a user
    admin = new Redis(redis.url);
    await admin.call('ACL', 'SETUSER', 'strdist-acl', 'reset', 'on', '>acl-s3cret', ...rules);
    const url = `redis://strdist-acl:acl-s3cret@127.0.0.1:${redis.port}`;
    worker = spawnWorker(url, prefix, WORKERS.env);
    d = connect({ redis: url, prefix });
    await until('a live worker', async () => ((await d.workers()).length >= 1 ? true : undefined));
  }, 30_000);
  afterAll(async () => {
    await d?.close();
    expect(await worker?.stop()).toBe(0);
    admin?.disconnect();
    await redis?.stop();
  });

  it('the README names key patterns, channels and commands', () => {
    expect(rules).toContain(`~${prefix}:*`);
    expect(rules.some((r) => r.startsWith('&'))).toBe(true);
    expect(rules.some((r) => r.startsWith('+@'))).toBe(true);
  });

  it('the user is refused what its rules leave out', async () => {
    const user = new Redis(`redis://strdist-acl:acl-s3cret@127.0.0.1:${redis.port}`, { maxRetriesPerRequest: 0 });
    try {
      await expect(user.set('another-deployment:key', '1')).rejects.toThrow(/NOPERM/);
      await expect(user.call('CONFIG', 'GET', 'maxmemory')).rejects.toThrow(/NOPERM/);
    } finally {
      user.disconnect();
    }
  });

  dispatcherSuite(() => d, WORKERS.require);

  it.runIf(WORKERS.backend === 'native')('a job pinned to a capability-named queue is announced, joined and run', async () => {
    const ref = await d.putCorpus(corpus);
    const require = { backend: 'native' as const, arch: process.arch, platform: process.platform };
    const id = await d.call('closest', { corpus: ref.id, queries: ['bagle'], n: 2 }, { require });
    expect(await d.result(id, { timeoutMs: 20_000 })).toEqual([await corpus.closest('bagle', { n: 2 })]);
  });

  it('the worker logged no refused command', () => {
    expect(worker.stderr()).not.toMatch(/NOPERM|no permissions|failed/i);
  });
});
