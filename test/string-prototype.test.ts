// Importing strdist must not slow the rest of the process. ioredis declares a class that extends
// String, which turns V8's String.prototype into a dictionary-mode (slow) object: every string
// method call in the process then takes a slow path (a loop over word pairs ran 5x slower). The
// dispatch loads bullmq and ioredis only when Redis is used, and then makes String.prototype fast
// again. Checked in a child process with V8's %HasFastProperties (--allow-natives-syntax).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, uniquePrefix, type TestRedis } from './helpers/redis.js';

const DIST = resolve(__dirname, '..', 'dist', 'index.mjs');

function child(source: string, env: NodeJS.ProcessEnv = {}): { lines: string[]; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', source], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return { lines: r.stdout.trim().split('\n'), stderr: r.stderr, status: r.status };
}

describe('String.prototype stays fast', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('after importing strdist and using it without Redis: neither bullmq nor ioredis is loaded', () => {
    const r = child(`
      import { createRequire } from 'node:module';
      const s = await import(${JSON.stringify(DIST)});
      s.levenshtein('kitten', 'sitting');
      const d = s.connect();
      const ref = await d.putCorpus(s.Corpus.from(['alpha', 'beta']));
      await d.result(await d.call('closest', { corpus: ref.id, queries: ['alpah'] }));
      await d.close();
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((f) => /node_modules[\\\\/](ioredis|bullmq)[\\\\/]/.test(f));
      console.log(%HasFastProperties(String.prototype));
      console.log(loaded.length);
    `);
    expect(r.stderr).toBe('');
    expect(r.lines).toEqual(['true', '0']);
  });

  it('after a worker and a client have run a job through Redis', () => {
    const prefix = uniquePrefix('fast-string');
    const r = child(`
      const s = await import(${JSON.stringify(DIST)});
      const w = await s.startWorker({ redis: ${JSON.stringify(redis.url)}, prefix: ${JSON.stringify(prefix)}, threads: 1 });
      const d = s.connect({ redis: ${JSON.stringify(redis.url)}, prefix: ${JSON.stringify(prefix)} });
      const ref = await d.putCorpus(s.Corpus.from(['alpha', 'beta']));
      for (let i = 0; i < 50 && (await d.workers()).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      const [matches] = await d.result(await d.call('closest', { corpus: ref.id, queries: ['alpah'], n: 1 }));
      console.log(%HasFastProperties(String.prototype));
      console.log(matches[0].word);
      await d.close();
      await w.close();
    `);
    expect(r.stderr).toBe('');
    expect(r.lines).toEqual(['true', 'alpha']);
  });
});
