import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(__dirname, '..');
const cli = join(root, 'dist', 'cli.mjs');

async function strdist(args: string[], env: NodeJS.ProcessEnv = {}, bin = cli) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('strdist CLI (built dist/)', () => {
  it('distance kitten sitting prints 3', async () => {
    const r = await strdist(['distance', 'kitten', 'sitting']);
    expect(r).toMatchObject({ code: 0, stdout: '3\n' });
  });

  it('distance with --metric and --json', async () => {
    const r = await strdist(['distance', '--metric', 'jaroWinkler', '--json', 'MARTHA', 'MARHTA']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ metric: 'jaroWinkler', a: 'MARTHA', b: 'MARHTA', score: 0.9611111111111111 });
  });

  it('rejects an unknown metric with a clear message', async () => {
    const r = await strdist(['distance', '--metric', 'hamming', 'a', 'b']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/argument 'hamming' is invalid/);
  });

  it('info says which backend is loaded', async () => {
    const r = await strdist(['info', '--json']);
    expect(r.code).toBe(0);
    const cap = JSON.parse(r.stdout);
    expect(cap.backend).toBe(process.env.STRDIST_BACKEND === 'js' ? 'js' : 'native');
    const human = await strdist(['info']);
    expect(human.stdout).toMatch(/^backend\s+(native|js)/m);
  });

  it('has --help for every command', async () => {
    for (const args of [['--help'], ['distance', '--help'], ['info', '--help']]) {
      const r = await strdist(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: strdist/);
    }
  });

  describe('in a copy of the package with no binary', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strdist-nobin-'));
    cpSync(join(root, 'package.json'), join(dir, 'package.json'));
    cpSync(join(root, 'dist'), join(dir, 'dist'), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const bin = join(dir, 'dist', 'cli.mjs');

    it('auto falls back to js and says why', async () => {
      const r = await strdist(['info', '--json'], { STRDIST_BACKEND: 'auto' }, bin);
      expect(r.code).toBe(0);
      const cap = JSON.parse(r.stdout);
      expect(cap.backend).toBe('js');
      expect(cap.nativeUnavailable).toMatch(/No native build was found/);
      expect((await strdist(['distance', 'kitten', 'sitting'], { STRDIST_BACKEND: 'auto' }, bin)).stdout).toBe('3\n');
    });

    it('native fails loudly with the loader reason', async () => {
      const r = await strdist(['info'], { STRDIST_BACKEND: 'native' }, bin);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/STRDIST_BACKEND=native but the native binary cannot load: No native build was found/);
    });
  });
});
