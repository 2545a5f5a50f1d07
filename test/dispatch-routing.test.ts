// Capability-aware routing (`require: { arch, platform, cpuFeatures }`) and the worker recorded on
// each result, against a real redis-server and real `strdist worker` processes. Pinning to
// another architecture for real is in the mixed-fleet test (test/fleet/fleet.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend as processBackend, connect, ERROR_CODES, NoCapableWorkerError, type Dispatcher, type WorkerInfo } from '../src/index.js';
import { LocalDispatcher } from '../src/dispatch/index.js';
import { parseRoutingQueue, readRequirement, routingQueue } from '../src/dispatch/routing.js';
import { corpus } from './helpers/dispatch-suite.js';
import { WORKERS, spawnWorker, startRedis, uniquePrefix, until, type TestRedis, type WorkerProcess } from './helpers/redis.js';

const backend = WORKERS.require; // 'native' with the addon, 'any' without
const queries = ['bagle', 'chese', '😀'];
const other = process.arch === 'arm64' ? 'x64' : 'arm64';

describe('routing names', () => {
  it('gives each requirement one canonical queue name, and reads it back', () => {
    expect(routingQueue(readRequirement(undefined))).toBe('native-v1');
    expect(routingQueue(readRequirement('any'))).toBe('any-v1');
    expect(routingQueue(readRequirement({}))).toBe('native-v1');
    const r = readRequirement({ cpuFeatures: ['bmi2', 'avx2', 'avx2'], platform: 'linux', arch: 'x64' });
    const name = routingQueue(r);
    expect(name).toBe('native-v1@arch=x64,platform=linux,cpu=avx2+bmi2');
    expect(parseRoutingQueue(name)).toEqual({ ...r, kernelVersion: 1 });
    expect(parseRoutingQueue('native-v1@cpu=bmi2+avx2')).toBeUndefined(); // not canonical
    expect(parseRoutingQueue('native-v1@arch=x64,arch=arm64')).toBeUndefined();
    expect(parseRoutingQueue('native-v1')).toBeUndefined();
    expect(parseRoutingQueue('native-v1@evil=1')).toBeUndefined();
  });

  it('refuses a bad require with a RangeError naming the problem', () => {
    for (const [bad, why] of [
      ['both', /got the string "both"/],
      [{ arch: 'X64!' }, /arch must be a name/],
      [{ arch: 64 }, /arch must be a name/],
      [{ cpuFeatures: 'avx2' }, /cpuFeatures must be an array/],
      [{ cpuFeatures: ['avx2', 'a b'] }, /cpuFeatures must be an array/],
      [{ backend: 'fast' }, /backend must be "native" or "any"/],
      [{ archh: 'x64' }, /unknown key "archh"/],
      [null, /got null/],
    ] as const) {
      let err: unknown;
      try {
        readRequirement(bad);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(bad)).toBeInstanceOf(RangeError);
      expect((err as { code?: string }).code).toBe(ERROR_CODES.OPTION);
      expect((err as Error).message).toMatch(why);
    }
  });
});

describe('the embedded dispatcher', () => {
  it('runs a job pinned to this machine, records who ran it, and refuses another architecture', async () => {
    const d = new LocalDispatcher();
    // this process runs the jobs: its own backend (js under STRDIST_BACKEND=js)
    const backend = processBackend === 'native' ? 'native' : 'any';
    try {
      const ref = await d.putCorpus(corpus);
      const id = await d.call('closest', { corpus: ref.id, queries, n: 3 }, { require: { backend, arch: process.arch, platform: process.platform } });
      const got = await d.result<'closest'>(id);
      expect(got).toEqual(await corpus.closestMany(queries, { n: 3 }));
      expect(got.worker).toMatchObject({ id: `embedded-${process.pid}`, arch: process.arch, platform: process.platform });
      expect(JSON.stringify(got)).toBe(JSON.stringify(await corpus.closestMany(queries, { n: 3 })));
      const refused = d.call('closest', { corpus: ref.id, queries }, { require: { backend, arch: other } });
      await expect(refused).rejects.toThrow(NoCapableWorkerError);
      await expect(refused).rejects.toThrow(new RegExp(`lacks arch ${other}`));
    } finally {
      await d.close();
    }
  });
});

describe(`capability-named queues with ${WORKERS.backend} worker processes`, () => {
  let redis: TestRedis;
  const prefix = uniquePrefix('routing');
  let d: Dispatcher;
  const workers: WorkerProcess[] = [];
  let live: WorkerInfo[];
  beforeAll(async () => {
    redis = await startRedis();
    workers.push(spawnWorker(redis.url, prefix, WORKERS.env));
    d = connect({ redis: redis.url, prefix });
    live = await until('a live worker', async () => {
      const l = await d.workers();
      return l.length >= 1 ? l : undefined;
    });
  }, 30_000);
  afterAll(async () => {
    await d?.close();
    const codes = await Promise.all(workers.map((w) => w.stop()));
    expect(codes.every((c) => c === 0)).toBe(true);
    await redis?.stop();
  });

  it('records on each result the worker (id, arch) that ran it, out of JSON and deep equality', async () => {
    const ref = await d.putCorpus(corpus);
    const id = await d.call('closest', { corpus: ref.id, queries, n: 4 }, { require: backend });
    const got = await d.result<'closest'>(id, { timeoutMs: 20_000 });
    const local = await corpus.closestMany(queries, { n: 4 });
    expect(got).toEqual(local);
    expect(JSON.stringify(got)).toBe(JSON.stringify(local));
    expect(got.worker).toEqual({ id: live[0].id, arch: process.arch, platform: process.platform, backend: WORKERS.backend });
    expect(Object.keys(got)).toEqual(['0', '1', '2']);
  });

  it('routes a pinned job through a capability-named queue that the matching worker joins', async () => {
    const ref = await d.putCorpus(corpus);
    const require = { backend, arch: process.arch, platform: process.platform };
    const id = await d.call('closest', { corpus: ref.id, queries, n: 2, metric: 'levenshtein' }, { require });
    const queue = `${backend}-v1@arch=${process.arch},platform=${process.platform}`;
    expect(id.startsWith(`${queue}/`)).toBe(true);
    const got = await d.result<'closest'>(id, { timeoutMs: 20_000 });
    expect(got).toEqual(await corpus.closestMany(queries, { n: 2, metric: 'levenshtein' }));
    expect(got.worker?.arch).toBe(process.arch);
    expect(await d.status(id)).toBe('completed');
    // the worker lists the queue in its record
    await until('the queue in the record', async () => (await d.workers())[0].queues.includes(queue));
  });

  it('a worker started later joins the capability-named queues already in use', async () => {
    const late = spawnWorker(redis.url, prefix, WORKERS.env);
    workers.push(late);
    const queue = `${backend}-v1@arch=${process.arch},platform=${process.platform}`;
    const rec = await until('the second worker', async () => (await d.workers()).find((w) => w.pid === late.child.pid));
    // its first record already lists it: it read the registry before its first heartbeat
    expect(rec.queues).toContain(queue);
  });

  it.runIf(WORKERS.backend === 'native')('pins cpu features the workers have, and names those they lack', async () => {
    const ref = await d.putCorpus(corpus);
    const has = live[0].cpuFeatures;
    expect(has.length).toBeGreaterThan(0);
    const id = await d.call('closest', { corpus: ref.id, queries, n: 2 }, { require: { cpuFeatures: [has[0]] } });
    expect((await d.result<'closest'>(id, { timeoutMs: 20_000 })).worker?.backend).toBe('native');
    const refused = d.call('closest', { corpus: ref.id, queries }, { require: { cpuFeatures: [has[0], 'sve2_future'] } });
    await expect(refused).rejects.toThrow(NoCapableWorkerError);
    await expect(refused).rejects.toThrow(/no live worker with the native kernel v1, cpu features \S+, sve2_future; live: .*lacks cpu feature sve2_future\)/);
  });

  it('refuses another architecture with NoCapableWorkerError naming what is missing', async () => {
    const ref = await d.putCorpus(corpus);
    const call = d.call('closest', { corpus: ref.id, queries }, { require: { backend, arch: other } });
    await expect(call).rejects.toThrow(NoCapableWorkerError);
    await expect(call).rejects.toThrow(new RegExp(`no live worker with .*arch ${other}; live: linux-${process.arch} .*\\(lacks arch ${other}\\)`));
    const err = await call.catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe(ERROR_CODES.NO_CAPABLE_WORKER);
    await expect(d.call('closest', { corpus: ref.id, queries }, { require: { platform: 'win32', backend } })).rejects.toThrow(/lacks platform win32/);
  });
});
