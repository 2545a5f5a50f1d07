// `strdist join` and `strdist dedupe`: the built CLI as a real process, its output checked
// against the library. (With --redis: test/join-dispatch.test.ts.)
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { Corpus } from '../src/corpus.js';

const run = promisify(execFile);
const cli = resolve(__dirname, '..', 'dist', 'cli.mjs');
const dir = mkdtempSync(join(tmpdir(), 'strdist-join-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function strdist(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { maxBuffer: 1 << 26 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const left = ['apple', 'bagel', 'zzz', 'chese', '', 'apple', 'caf\u00e9', '\u{1F600}a'];
const right = ['apple', 'apply', 'bagels', 'cheese', 'chess', 'apple', 'cafe', '\u{1F600}b', 'bagel'];
const L = join(dir, 'left.txt');
const R = join(dir, 'right.txt');
writeFileSync(L, left.join('\n') + '\n');
writeFileSync(R, right.join('\n') + '\n');

async function libraryRows(o: { metric: 'levenshtein' | 'jaroWinkler'; maxDistance?: number; minScore?: number }) {
  const rows = [];
  const queries = Corpus.from(left.filter((w) => w !== ''), { dedupe: false });
  for await (const r of Corpus.from(right).join(queries, o)) rows.push(r);
  return rows;
}

describe('strdist join / dedupe', () => {
  it('join --jsonl prints the library rows, one a line; nothing on a non-TTY stderr', async () => {
    const r = await strdist(['join', L, R, '--metric', 'jaroWinkler', '--min-score', '0.85', '--jsonl']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toEqual(await libraryRows({ metric: 'jaroWinkler', minScore: 0.85 }));
  });

  it('join prints tab-separated pairs: query, word, score, query line, word line', async () => {
    const r = await strdist(['join', L, R, '--metric', 'levenshtein', '--max-distance', '1']);
    expect(r.code).toBe(0);
    const expected = (await libraryRows({ metric: 'levenshtein', maxDistance: 1 })).flatMap((row) =>
      row.matches.map((m) => `${row.query}\t${m.word}\t${m.score}\t${row.queryIndex}\t${m.index}`),
    );
    expect(r.stdout.trim().split('\n')).toEqual(expected);
    expect(expected).toContain('apple\tapply\t1\t0\t1');
  });

  it('dedupe prints the clusters; --jsonl with --singletons names every line once', async () => {
    const r = await strdist(['dedupe', R, '--metric', 'levenshtein', '--max-distance', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('apple\tapply\tapple\nbagels\tbagel\n');
    const j = await strdist(['dedupe', R, '--metric', 'levenshtein', '--max-distance', '1', '--jsonl', '--singletons']);
    const clusters = j.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(clusters.map((c) => c.members)).toEqual([[0, 1, 5], [2, 8], [3], [4], [6], [7]]);
    expect(clusters[1]).toEqual({ representative: 2, members: [2, 8], words: ['bagels', 'bagel'] });
  });

  it('a threshold is required; a bad one is refused by the library rule', async () => {
    const r = await strdist(['join', L, R, '--metric', 'levenshtein']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/join: a threshold is required: give a finite maxDistance/);
    const d = await strdist(['dedupe', R, '--min-score', '1.5']);
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/--min-score.*must be a number in \[0, 1\], got (number )?1\.5/);
  });
});
