// The CLI's issue-12 parts (built dist/): `strdist editops` and `closest --processor`.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = join(resolve(__dirname, '..'), 'dist', 'cli.mjs');

async function strdist(args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const dir = mkdtempSync(join(tmpdir(), 'strdist-cli-editops-'));
const file = join(dir, 'words.txt');
writeFileSync(file, 'Straße\nHOUSE\nmouse\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Every run starts at once (each is a process start, slow on a loaded machine); tests read them.
// The option checks themselves (metric, processor) are tested in-process in editops/processors.
const RUNS = {
  script: ['editops', 'kitten', 'sitting'],
  json: ['editops', '--json', '--metric', 'indel', 'ab', 'aC', '--processor', 'lowercase'],
  help: ['--help'],
  closest: ['closest', '-c', file, '-m', 'levenshtein', '-n', '1', '--processor', 'casefold', 'STRASSE', 'house'],
  badProcessor: ['closest', '--processor', 'upper', 'x'],
};
type Result = Awaited<ReturnType<typeof strdist>>;
const results = {} as Record<keyof typeof RUNS, Result>;
beforeAll(async () => {
  await Promise.all(Object.entries(RUNS).map(async ([k, args]) => (results[k as keyof typeof RUNS] = await strdist(args))));
}, 60_000);

describe('strdist editops', () => {
  it('prints the script, the distance and the aligned strings', async () => {
    const r = results.script;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      ['replace   0   0  k -> s', 'replace   4   4  e -> i', 'insert    6   6  + g', 'distance 3', '', 'kitten-', 'sitting', 'r   r i', ''].join('\n'),
    );
  });

  it('--json with --metric indel and --processor', async () => {
    const r = results.json;
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      metric: 'indel',
      processor: 'lowercase',
      a: 'ab',
      b: 'aC',
      distance: 2,
      editops: [
        ['insert', 1, 1],
        ['delete', 1, 2],
      ],
      opcodes: [
        ['equal', 0, 1, 0, 1],
        ['insert', 1, 1, 1, 2],
        ['delete', 1, 2, 2, 2],
      ],
    });
  });

  it('is in --help', async () => {
    expect(results.help.stdout).toMatch(/^ {2}editops \[options\] <a> <b>/m);
  });
});

describe('strdist closest --processor', () => {
  it('processes the queries and the corpus words, and prints the words as given', async () => {
    const r = results.closest;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('STRASSE: Straße 0\nhouse: HOUSE 0\n');
  });

  it('rejects an unknown processor', async () => {
    const r = results.badProcessor;
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/argument 'upper' is invalid/);
  });
});
