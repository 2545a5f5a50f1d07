// issue 12: `strdist distance --metric M` for the added metrics, with --pad and --weights i,d,s,
// and `strdist --help` naming the metrics. Runs the built CLI (dist/cli.mjs); each process
// costs most of a second of start-up, so the calls are few and run side by side.
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ALL_METRICS } from '../src/kernel.js';

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

describe('strdist distance with the added metrics', () => {
  it('prints the metric, --pad for hamming, --weights i,d,s for levenshtein', async () => {
    const [osa, dl, ratio, padded, unpadded, weighted, badWeights, wrongMetric, help, top, processed] = await Promise.all([
      strdist(['distance', '--metric', 'osa', 'ca', 'abc']),
      strdist(['distance', '-m', 'damerauLevenshtein', 'ca', 'abc']),
      strdist(['distance', '-m', 'ratio', '--json', 'ca', 'abc']),
      strdist(['distance', '-m', 'hamming', '--pad', 'abc', 'abxd']),
      strdist(['distance', '-m', 'hamming', 'abc', 'abxd']),
      strdist(['distance', '--weights', '1,3,1', '--json', 'abc', '']),
      strdist(['distance', '--weights', '1,-1,2', 'a', 'b']),
      strdist(['distance', '-m', 'jaro', '--weights', '1,1,1', 'a', 'b']),
      strdist(['distance', '--help']),
      strdist(['--help']),
      strdist(['distance', '-m', 'osa', '--processor', 'lowercase', '--json', 'CA', 'ac']),
    ]);
    expect(JSON.parse(processed.stdout)).toEqual({ metric: 'osa', processor: 'lowercase', a: 'CA', b: 'ac', score: 1 });
    expect(osa).toMatchObject({ code: 0, stdout: '3\n' });
    expect(dl).toMatchObject({ code: 0, stdout: '2\n' });
    expect(JSON.parse(ratio.stdout)).toEqual({ metric: 'ratio', a: 'ca', b: 'abc', score: 0.4 });
    expect(padded).toMatchObject({ code: 0, stdout: '2\n' });
    expect(unpadded.code).not.toBe(0);
    expect(unpadded.stderr).toMatch(/hamming: a and b must have the same length in code points unless pad is true, got 3 and 4/);
    // abc -> '': three deletions at 3 each
    expect(JSON.parse(weighted.stdout)).toEqual({ metric: 'levenshtein', a: 'abc', b: '', score: 9 });
    expect(badWeights.code).not.toBe(0);
    expect(badWeights.stderr).toMatch(/option '--weights <i,d,s>' argument '1,-1,2' is invalid/);
    expect(wrongMetric.stderr).toMatch(/--weights is for levenshtein, not jaro/);
    const text = help.stdout.replace(/\s+/g, ' ');
    for (const m of ALL_METRICS) expect(text).toContain(`"${m}"`);
    expect(text).toContain('--pad');
    expect(text).toContain('--weights <i,d,s>');
    expect(text).toContain('--processor <p>');
    expect(top.stdout.replace(/\s+/g, ' ')).toMatch(/Hamming, optimal string alignment, Damerau-Levenshtein/);
  });
});
