import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { addon } from './helpers/backends.js';
import { cliMessage } from '../src/cli-message.js';
import { RedisUnavailableError } from '../src/errors.js';

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
    const r = await strdist(['distance', '--metric', 'soundex', 'a', 'b']); // hamming is a metric since issue 12
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/argument 'soundex' is invalid/);
  });

  it('info says which backend is loaded', async () => {
    const r = await strdist(['info', '--json']);
    expect(r.code).toBe(0);
    const cap = JSON.parse(r.stdout);
    expect(cap.backend).toBe(process.env.STRDIST_BACKEND === 'js' || !addon ? 'js' : 'native');
    const human = await strdist(['info']);
    expect(human.stdout).toMatch(/^backend\s+(native|js)/m);
  });

  it('has --help for every command', async () => {
    for (const args of [['--help'], ['distance', '--help'], ['closest', '--help'], ['info', '--help']]) {
      const r = await strdist(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: strdist/);
    }
  });

  describe('closest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strdist-cli-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const lines = join(dir, 'words.txt');
    const counted = join(dir, 'counted.txt');
    const queries = join(dir, 'queries.txt');
    writeFileSync(lines, 'bagel\nbagels\nbarge\ncheese\ncheesed\n');
    writeFileSync(counted, '10 bagel\n7 label\n3 cheese\n');
    writeFileSync(queries, 'bagle\n\nchees\n');

    it('searches the bundled English list by default', async () => {
      const r = await strdist(['closest', 'bagel', 'cheese', '-n', '5']);
      expect(r.code).toBe(0);
      const out = r.stdout.trim().split('\n');
      expect(out).toHaveLength(2);
      expect(out[0]).toMatch(/^bagel: bagel 1\.0000, bagels 0\.9444, /);
      expect(out[1]).toMatch(/^cheese: cheese 1\.0000, /);
      expect(out[0].split(', ')).toHaveLength(5);
    });

    it('prints JSON identical to the library result', async () => {
      const r = await strdist(['closest', '--json', '-n', '3', '--metric', 'levenshtein', '--corpus', lines, 'bagle']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual([
        {
          query: 'bagle',
          matches: [
            { word: 'bagel', score: 2, index: 0 },
            { word: 'bagels', score: 2, index: 1 },
            { word: 'barge', score: 2, index: 2 },
          ],
        },
      ]);
    });

    it('reads a counted corpus when asked, and a queries file', async () => {
      const r = await strdist(['closest', '--json', '-n', '1', '--format', 'counted', '--corpus', counted, '--queries', queries]);
      expect(r.code).toBe(0);
      const res = JSON.parse(r.stdout) as { query: string; matches: { word: string }[] }[];
      expect(res.map((x) => [x.query, x.matches[0].word])).toEqual([['bagle', 'bagel'], ['chees', 'cheese']]);
    });

    it('takes the cutoffs with the library rules (one table for API, tasks and CLI)', async () => {
      const lev = await strdist(['closest', '--json', '-n', 'Infinity', '-m', 'levenshtein', '--max-distance', '1', '--corpus', lines, 'bagel']);
      expect(lev.code).toBe(0);
      const words = (JSON.parse(lev.stdout) as { matches: { word: string }[] }[])[0].matches.map((m) => m.word);
      expect(words).toEqual(['bagel', 'bagels']);
      const bad = await strdist(['closest', '--min-score', '2', '--corpus', lines, 'bagel']);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toMatch(/--min-score <s>' argument '2' is invalid. must be a number in \[0, 1\], got number 2/);
      const conflict = await strdist(['closest', '-m', 'levenshtein', '--min-score', '0.5', '--corpus', lines, 'bagel']);
      expect(conflict.code).not.toBe(0);
      expect(conflict.stderr).toMatch(/minScore is for similarity metrics; use maxDistance with levenshtein/);
    });

    it('reads a file as lines by default: house numbers stay', async () => {
      const addresses = join(dir, 'addresses.txt');
      writeFileSync(addresses, '221 Baker Street\n10 Downing Street\n');
      const r = await strdist(['closest', '--json', '-n', '1', '--corpus', addresses, '221 Baker St']);
      expect(r.code).toBe(0);
      const res = JSON.parse(r.stdout) as { matches: { word: string; index: number }[] }[];
      expect(res[0].matches[0]).toMatchObject({ word: '221 Baker Street', index: 0 });
    });

    it('reads a corpus from a URL', async () => {
      const server = createServer((_req, res) => res.end('alpha\nbeta\ngamma\n'));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/w.txt`;
        const r = await strdist(['closest', '-n', '1', '--corpus', url, 'betta']);
        expect(r).toMatchObject({ code: 0, stdout: 'betta: beta 0.9333\n' });
      } finally {
        server.close();
      }
    });

    it('fails clearly without queries or with a bad -n', async () => {
      expect((await strdist(['closest', '--corpus', lines])).stderr).toMatch(/give query words, or --queries FILE/);
      const bad = await strdist(['closest', '-n', '-1', 'x']);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toMatch(/must be a non-negative integer or Infinity, got number -1/);
      expect((await strdist(['closest', '-n', 'ten', 'x'])).stderr).toMatch(/got number NaN/);
    });
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

describe('the line the CLI prints for the error that ended a command', () => {
  const cause = new Error('connect ECONNREFUSED 127.0.0.1:6390');
  it('RedisUnavailableError with jobs that may have been queued: what became of them, not the API\'s result() advice', () => {
    const one = cliMessage(new RedisUnavailableError('127.0.0.1:6390', cause, ['native-v1/a1']));
    expect(one).toBe(
      'strdist: Redis at 127.0.0.1:6390 is not reachable: connect ECONNREFUSED 127.0.0.1:6390; 1 job of this command (native-v1/a1) ' +
        'may have been queued before it went and may still run: running the command again queues it again',
    );
    const many = cliMessage(new RedisUnavailableError('127.0.0.1:6390', cause, ['q/1', 'q/2', 'q/3', 'q/4', 'q/5']));
    expect(many).toMatch(/; 5 jobs of this command \(q\/1, q\/2, q\/3 and 2 more\) may have been queued .* queues them again$/);
    expect(many).not.toMatch(/result\(\)/);
    // the library's message still speaks to a program
    expect(new RedisUnavailableError('127.0.0.1:6390', cause, ['q/1']).message).toMatch(/ask result\(\) for the error's jobIds/);
  });
  it('any other error: its message, prefixed once', () => {
    expect(cliMessage(new RedisUnavailableError('127.0.0.1:6390', cause))).toBe('strdist: Redis at 127.0.0.1:6390 is not reachable: connect ECONNREFUSED 127.0.0.1:6390');
    expect(cliMessage(new Error('strdist worker: no Redis'))).toBe('strdist worker: no Redis');
    expect(cliMessage('plain')).toBe('strdist: plain');
  });
});
