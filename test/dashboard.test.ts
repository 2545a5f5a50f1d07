// `strdist dashboard` without a browser: exit status and message when Redis is away, actions only
// when allowed, the password file, and the library never loading express or bull-board. (The
// pages themselves are tested in chromium by test/e2e/dashboard.e2e.ts.)
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, freePort, startRedis, uniquePrefix, type TestRedis } from './helpers/redis.js';

const run = promisify(execFile);

async function strdist(args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function startDashboard(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'dashboard', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b));
  return new Promise((res, rej) => {
    child.stdout!.on('data', (b: Buffer) => {
      out += b;
      const m = /(http:\/\/\S+\/) /.exec(out);
      if (m) res({ child, url: m[1] });
    });
    child.on('exit', (code) => rej(new Error(`dashboard exited ${code}: ${err}`)));
  });
}

describe('strdist dashboard', () => {
  let redis: TestRedis;
  const dir = mkdtempSync(join(tmpdir(), 'strdist-dash-'));
  const started: ChildProcess[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const c of started) c.kill('SIGTERM');
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says Redis is unreachable and exits 2', async () => {
    const port = await freePort();
    const r = await strdist(['dashboard', '--redis', `redis://127.0.0.1:${port}`, '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`strdist dashboard: cannot reach Redis at 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`);
  });

  it('refuses an unreadable or empty password file, exit 1', async () => {
    const missing = await strdist(['dashboard', '--redis', redis.url, '--auth', `ops:${join(dir, 'nope')}`]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--auth: cannot read the password file .*nope: ENOENT/);
    writeFileSync(join(dir, 'empty'), '\n');
    const empty = await strdist(['dashboard', '--redis', redis.url, '--auth', `ops:${join(dir, 'empty')}`]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/the password file .*empty is empty/);
  });

  it('is read-only by default and takes actions with --allow-actions', async () => {
    const prefix = uniquePrefix('dash');
    const ro = await startDashboard(['--redis', redis.url, '--prefix', prefix, '--port', '0']);
    started.push(ro.child);
    const rw = await startDashboard(['--redis', redis.url, '--prefix', prefix, '--port', '0', '--allow-actions']);
    started.push(rw.child);
    for (const { url } of [ro, rw]) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/); // localhost by default
    const clean = (base: string) => fetch(`${base}queues/api/queues/any-v1/clean/completed`, { method: 'PUT' });
    expect((await clean(ro.url)).status).toBe(405);
    expect((await clean(rw.url)).status).toBe(200);
    const page = await (await fetch(ro.url)).text();
    expect(page).toContain('No live workers.');
    expect(page).toContain('read-only');
    expect(await (await fetch(`${ro.url}workers.json`)).json()).toEqual([]);
    expect((await fetch(`${ro.url}jobs/any-v1/00000000-0000-0000-0000-000000000000`)).status).toBe(404);
    expect((await fetch(`${ro.url}jobs/bogus/1`)).status).toBe(404);
  });

  it('is not in the library: no static import of the public entry reaches express or bull-board', () => {
    // walk dist/index.mjs's static imports (dynamic import() is how the CLI loads the dashboard)
    const seen = new Set<string>();
    const bare = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:^|[;\n}])\s*(?:import|export)\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+)["']/g)) {
        if (m[1].startsWith('.')) visit(resolve(dirname(file), m[1]));
        else bare.add(m[1]);
      }
    };
    visit(resolve(__dirname, '..', 'dist', 'index.mjs'));
    expect(seen.size).toBeGreaterThan(1);
    expect([...bare].filter((b) => /express|bull-board/.test(b))).toEqual([]);
    expect(bare.has('zod')).toBe(true); // the walk does see the dependencies
    // bullmq and ioredis are loaded when Redis is first used (test/string-prototype.test.ts)
    expect([...bare].filter((b) => b === 'bullmq' || b === 'ioredis')).toEqual([]);
  });
});
