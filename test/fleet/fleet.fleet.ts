// The mixed fleet: one x64 worker (this repository's build), one arm64 worker (the packed tarball
// installed for arm64, running on the arm64 Node.js under qemu-aarch64: scripts/arm64.sh) and one
// x64 worker whose binary fails its self-test (a deliberately wrong binary), all on one real
// redis-server. `npm run test:fleet` (vitest.fleet.config.ts); needs `npm run prebuild:all`,
// qemu-user and the cross toolchain's arm64 libraries.
//
// STRDIST_ARM64_APP: a folder where `scripts/arm64.sh test` (or `install`) installed the tarball;
// without it the test packs and installs one itself (a few minutes more).
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Corpus } from '../../src/corpus.js';
import { connect, NoCapableWorkerError, type Dispatcher, type WorkerInfo } from '../../src/dispatch/index.js';
import type { ClosestResult } from '../../src/tasks.js';
import { CLI, NATIVE, spawnWorker, startRedis, uniquePrefix, until, type TestRedis, type WorkerProcess } from '../helpers/redis.js';

const ROOT = resolve(__dirname, '..', '..');
const ARM64_PREBUILD = join(ROOT, 'prebuilds', 'linux-arm64', 'strdist.glibc.node');
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const exec = promisify(execFile);

// A real word list: every 8th word of the bundled one (13k words).
const words = gunzipSync(readFileSync(join(ROOT, 'data', 'words.txt.gz')))
  .toString('utf8')
  .split('\n')
  .filter((w, i) => w && i % 8 === 0);
const corpus = Corpus.from(words);

let tmp: string;
let redis: TestRedis;
const prefix = uniquePrefix('fleet');
let d: Dispatcher;
let x64: WorkerProcess;
let wrong: WorkerProcess;
let arm64: ChildProcess;
let arm64Log = '';
let fleet: { x64: WorkerInfo; arm64: WorkerInfo; wrong: WorkerInfo };

/** The app folder with the tarball installed for arm64 (scripts/arm64.sh). */
function arm64App(): string {
  const given = process.env.STRDIST_ARM64_APP;
  if (given) {
    if (!existsSync(join(given, 'node_modules', 'strdist', 'package.json'))) {
      throw new Error(`STRDIST_ARM64_APP=${given} has no node_modules/strdist: run STRDIST_ARM64_APP=${given} scripts/arm64.sh test`);
    }
    return given;
  }
  const pack = spawnSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', tmp], { cwd: ROOT, encoding: 'utf8' });
  if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  const app = join(tmp, 'arm64-app');
  const r = spawnSync('bash', [join(ROOT, 'scripts', 'arm64.sh'), 'install', app, join(tmp, pack.stdout.trim().split('\n').at(-1)!)], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`scripts/arm64.sh install failed: ${r.stderr}`);
  return app;
}

/**
 * A copy of this package whose only binary is the wrong one (test/fleet/wrong-addon.c, built
 * here with the host's cc against Node's headers) in the prebuild slot.
 */
function wrongPackage(): string {
  const pkg = join(tmp, 'wrong', 'node_modules', 'strdist');
  mkdirSync(join(pkg, 'prebuilds', 'linux-x64'), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(pkg, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'), 'dir');
  const include = join(process.execPath, '..', '..', 'include', 'node');
  const cc = spawnSync(
    'cc',
    ['-shared', '-fPIC', '-O1', `-I${include}`, '-I/usr/include/node', join(__dirname, 'wrong-addon.c'), '-o', join(pkg, 'prebuilds', 'linux-x64', 'strdist.glibc.node')],
    { encoding: 'utf8' },
  );
  if (cc.status !== 0) throw new Error(`building the wrong binary failed: ${cc.stderr}`);
  return pkg;
}

beforeAll(async () => {
  expect(existsSync(ARM64_PREBUILD), 'run npm run prebuild:all first').toBe(true);
  tmp = mkdtempSync(join(tmpdir(), 'strdist-fleet-'));
  const app = arm64App();
  const wrongPkg = wrongPackage();
  redis = await startRedis({ own: true });
  // the arm64 worker first: it is the slowest to start
  arm64 = spawn(
    join(app, '.bin', 'node'),
    ['node_modules/strdist/dist/cli.mjs', 'worker', '--redis', redis.url, '--prefix', prefix, '--require-native', '--threads', '2'],
    { cwd: app, env: { ...process.env, PATH: join(app, '.bin') }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  arm64.stderr!.on('data', (b: Buffer) => (arm64Log += b.toString()));
  x64 = spawnWorker(redis.url, prefix, NATIVE, ['--require-native']);
  wrong = (() => {
    const child = spawn(process.execPath, [join(wrongPkg, 'dist', 'cli.mjs'), 'worker', '--redis', redis.url, '--prefix', prefix], {
      env: { ...process.env, STRDIST_BACKEND: 'auto' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    return {
      child,
      stderr: () => err,
      stop: async () => {
        if (child.exitCode !== null) return child.exitCode;
        const exited = new Promise<number | null>((r) => child.once('exit', r));
        child.kill('SIGTERM');
        return exited;
      },
    };
  })();
  d = connect({ redis: redis.url, prefix });
  const live = await until(
    'three live workers (the arm64 one under qemu is slow to start)',
    async () => {
      if (arm64.exitCode !== null) throw new Error(`the arm64 worker exited (${arm64.exitCode}): ${arm64Log}`);
      const l = await d.workers();
      return l.length >= 3 ? l : undefined;
    },
    240_000,
  );
  const find = (p: (w: WorkerInfo) => boolean) => {
    const w = live.find(p);
    if (!w) throw new Error(`missing worker in ${JSON.stringify(live)}`);
    return w;
  };
  fleet = {
    x64: find((w) => w.pid === x64.child.pid),
    arm64: find((w) => w.arch === 'arm64'),
    wrong: find((w) => w.pid === wrong.child.pid),
  };
  await d.putCorpus(corpus);
}, 600_000);

afterAll(async () => {
  await d?.close();
  const stopArm64 = async () => {
    if (!arm64 || arm64.exitCode !== null) return arm64?.exitCode;
    const exited = new Promise<number | null>((r) => arm64.once('exit', r));
    arm64.kill('SIGTERM');
    return exited;
  };
  const codes = await Promise.all([x64?.stop(), wrong?.stop(), stopArm64()]);
  await redis?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  expect(codes).toEqual([0, 0, 0]);
}, 60_000);

describe('a mixed fleet: x64, arm64 under qemu, and a worker with a wrong binary', () => {
  it('strdist workers lists each with platform, arch, binary sha256 and kernel version', async () => {
    const { stdout: json } = await exec(process.execPath, [CLI, 'workers', '--redis', redis.url, '--prefix', prefix, '--json']);
    const list = JSON.parse(json) as WorkerInfo[];
    expect(list).toHaveLength(3);
    const byId = new Map(list.map((w) => [w.id, w]));
    const a = byId.get(fleet.arm64.id)!;
    expect(a).toMatchObject({ platform: 'linux', arch: 'arm64', libc: 'glibc', backend: 'native', kernelVersion: 1, queues: ['native-v1', 'any-v1'] });
    expect(a.binary!.sha256).toBe(sha256(ARM64_PREBUILD));
    expect(a.binary!.path).toMatch(/node_modules\/strdist\/prebuilds\/linux-arm64\/strdist\.glibc\.node$/);
    expect(a.cpuFeatures).toContain('neon');
    const x = byId.get(fleet.x64.id)!;
    expect(x).toMatchObject({ platform: 'linux', arch: 'x64', backend: 'native', kernelVersion: 1, queues: ['native-v1', 'any-v1'] });
    expect(x.binary!.sha256).toBe(sha256(x.binary!.path));
    expect(x.binary!.sha256).not.toBe(a.binary!.sha256);
    const { stdout: text } = await exec(process.execPath, [CLI, 'workers', '--redis', redis.url, '--prefix', prefix]);
    expect(text).toContain(`${fleet.arm64.id}  native kernel v1  linux-arm64-glibc  queues native-v1,any-v1`);
    expect(text).toContain(`sha256:${a.binary!.sha256.slice(0, 12)}`);
    expect(text).toContain(`${fleet.x64.id}  native kernel v1  linux-x64-glibc  queues native-v1,any-v1`);
    expect(text).toMatch(new RegExp(`${fleet.wrong.id}  js kernel v1  linux-x64-glibc  queues any-v1 .* native unavailable: self-test failed: levenshtein`));
  });

  it('the worker whose binary fails its self-test serves no native queue and says why', () => {
    expect(fleet.wrong.backend).toBe('js');
    expect(fleet.wrong.queues).toEqual(['any-v1']);
    expect(fleet.wrong.nativeUnavailable).toMatch(/^self-test failed: levenshtein\("kitten", "sitting"\) = 42, expected 3 \(binary .*wrong.*strdist\.glibc\.node\)$/);
    const lines = wrong.stderr().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(lines.find((l) => l.level === 40 && /self-test/.test(l.msg))?.msg).toMatch(
      /^native backend self-test failed: levenshtein\("kitten", "sitting"\) = 42, expected 3 \(binary .*\); serving "any" jobs with the js backend$/,
    );
  });

  /**
   * Runs a batch of jobs of four queries each (enough work per job that one worker cannot drain
   * the batch before the other takes a job), checks every result against the local search,
   * returns the results with who ran them.
   */
  async function batch(queries: string[], require: Parameters<Dispatcher['map']>[2]): Promise<ClosestResult[]> {
    const metric = 'jaroWinkler' as const;
    const groups = queries.map((q, i) => [q, ...[1, 2, 3].map((k) => words[(i * 131 + k * 4099) % words.length].slice(1) + 'e')]);
    const ids = await d.map('closest', groups.map((g) => ({ corpus: corpus.id, queries: g, n: 5, metric })), require);
    const got = await d.join<'closest'>(ids, { timeoutMs: 180_000 });
    for (let i = 0; i < groups.length; i++) expect(got[i], groups[i].join()).toEqual(await corpus.closestMany(groups[i], { n: 5, metric }));
    return got;
  }
  const queries = Array.from({ length: 24 }, (_, i) => words[(i * 977) % words.length].slice(0, 3 + (i % 6)) + 'ae'[i % 2]);

  it('a native batch spreads over both architectures, only to native workers, with results identical to local closestMany', async () => {
    const got = await batch(queries, { require: 'native' });
    const ran = got.map((r) => r.worker);
    for (const w of ran) expect([fleet.x64.id, fleet.arm64.id]).toContain(w?.id);
    expect(new Set(ran.map((w) => w?.arch))).toEqual(new Set(['x64', 'arm64']));
    for (const w of ran) expect(w).toEqual(w!.arch === 'arm64' ? { id: fleet.arm64.id, arch: 'arm64', platform: 'linux', backend: 'native' } : { id: fleet.x64.id, arch: 'x64', platform: 'linux', backend: 'native' });
  });

  it('require: { arch } pins jobs to one architecture, both ways; cpuFeatures too', async () => {
    for (const arch of ['arm64', 'x64']) {
      const got = await batch(queries.slice(0, 4), { require: { arch } });
      expect(got.map((r) => r.worker?.arch)).toEqual(['', '', '', ''].map(() => arch));
    }
    const neon = await batch(queries.slice(4, 6), { require: { cpuFeatures: ['neon'] } });
    expect(neon.map((r) => r.worker?.id)).toEqual([fleet.arm64.id, fleet.arm64.id]);
    const records = await d.workers();
    expect(records.find((w) => w.id === fleet.arm64.id)!.queues).toEqual(
      expect.arrayContaining(['native-v1@arch=arm64', 'native-v1@cpu=neon']),
    );
    expect(records.find((w) => w.id === fleet.x64.id)!.queues).not.toContain('native-v1@arch=arm64');
    expect(records.find((w) => w.id === fleet.wrong.id)!.queues).toEqual(['any-v1']);
  });

  it('NoCapableWorkerError names what the live workers lack', async () => {
    const err = await d
      .call('closest', { corpus: corpus.id, queries: ['a'] }, { require: { arch: 'arm64', cpuFeatures: ['avx512bw'] } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoCapableWorkerError);
    const message = (err as Error).message;
    expect(message).toMatch(/^no live worker with the native kernel v1, arch arm64, cpu feature avx512bw; live: /);
    expect(message).toMatch(/linux-arm64 native kernel v1 \(lacks cpu feature avx512bw\)/);
    expect(message).toMatch(/linux-x64 js kernel v1 \(lacks the native kernel, arch arm64, cpu feature avx512bw\)/);
  });

  it('an "any" batch may run anywhere, the js fallback included, with the same results', async () => {
    const got = await batch(queries, { require: 'any' });
    for (const r of got) expect([fleet.x64.id, fleet.arm64.id, fleet.wrong.id]).toContain(r.worker?.id);
  });
});
