// issue 12: hostile arguments over the added metrics and their options (pad, weights),
// scoreMany with the added metrics, extract/extractOne and closest*, in child processes: the
// same value or the same coded TypeError/RangeError on both backends, never a crash; and the
// addon's new exports called directly with anything return or throw a coded error. Runs dist/.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/errors.js';
import { addon, nativeOnly } from './helpers/backends.js';

const root = resolve(__dirname, '..');
const child = join(root, 'test', 'fixtures', 'hostile-extra-child.mjs');
const codes = new Set<string>(Object.values(ERROR_CODES));

interface Line {
  label: string;
  value?: unknown;
  threw?: string;
  message?: string;
  code?: string;
  typeOrRange?: boolean;
}

function run(backend: 'native' | 'js', extraEnv: Record<string, string> = {}): Line[] {
  const r = spawnSync(process.execPath, [child], {
    env: { ...process.env, STRDIST_BACKEND: backend, ...extraEnv },
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    timeout: 120_000,
  });
  expect({ status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({ status: 0, signal: null, stderr: '' });
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
}

function checkErrors(lines: Line[]): void {
  for (const l of lines) {
    if (l.threw === undefined || l.threw === 'Boom') continue;
    expect(l, l.label).toMatchObject({ typeOrRange: true });
    expect(codes.has(l.code ?? ''), `${l.label}: code ${l.code}`).toBe(true);
    expect(l.message, l.label).toMatch(/^[\w.]+: /);
  }
}

function byLabel(lines: Line[], label: string): Line {
  const l = lines.find((x) => x.label === label);
  expect(l, label).toBeDefined();
  return l!;
}

function checkRules(lines: Line[]): void {
  expect(lines.length).toBeGreaterThan(5000);
  expect(lines.filter((l) => l.threw === undefined).length).toBeGreaterThan(1000);
  // The new rules, as the README states them.
  expect(byLabel(lines, 'levenshtein(weights.insert -1)')).toMatchObject({
    threw: 'RangeError', code: ERROR_CODES.OPTION, message: 'levenshtein: weights.insert must be an integer in [0, 1048576], got number -1',
  });
  expect(byLabel(lines, 'levenshtein(weights.substitute 1.5)')).toMatchObject({ threw: 'RangeError', code: ERROR_CODES.OPTION });
  expect(byLabel(lines, 'levenshtein(weights.delete 2**20+1)')).toMatchObject({ threw: 'RangeError', code: ERROR_CODES.OPTION });
  // kitten -> sitting: two substitutions and one insertion
  expect(byLabel(lines, 'levenshtein(weights.insert 2**20)')).toMatchObject({ value: 2 ** 20 + 2 });
  expect(byLabel(lines, 'levenshtein("kitten", "sitting", options#5 {replace:1})')).toMatchObject({
    threw: 'RangeError', code: ERROR_CODES.OPTION,
  });
  expect(byLabel(lines, 'levenshtein("kitten", "sitting", options#5 {insert:2,delete:2,substitute:5})')).toMatchObject({ value: 10 });
  expect(byLabel(lines, 'levenshtein(weights.insert undefined)')).toMatchObject({ value: 3 });
  expect(byLabel(lines, 'hamming("kitten", "sitting", options#4 true)')).toMatchObject({ value: 3 });
  expect(byLabel(lines, 'hamming("kitten", "sitting", options#4 false)')).toMatchObject({
    threw: 'RangeError', code: ERROR_CODES.LENGTH_MISMATCH,
    message: 'hamming: a and b must have the same length in code points unless pad is true, got 6 and 7',
  });
  expect(byLabel(lines, 'hamming("kitten", "sitting", options#4 1)')).toMatchObject({ threw: 'RangeError', code: ERROR_CODES.OPTION });
  expect(byLabel(lines, 'osa("kitten", "sitting", options#4 true)')).toMatchObject({ threw: 'TypeError', code: ERROR_CODES.UNKNOWN_OPTION });
  expect(byLabel(lines, 'scoreMatrix(osa)')).toMatchObject({ threw: 'RangeError', code: ERROR_CODES.OPTION });
  expect(byLabel(lines, 'closest(bagel, osa, maxDistance 1)').value).toEqual([
    { word: 'bagel', score: 0, index: 0 }, { word: 'bagels', score: 1, index: 1 },
  ]);
}

const describeNative = nativeOnly('hostile arguments over the added metrics compared with the native backend');
describeNative('hostile arguments over the added metrics (child processes)', () => {
  it('native and TypeScript give the same value or the same coded error, and never crash', () => {
    const native = run('native');
    const js = run('js');
    expect(js.map((l) => l.label)).toEqual(native.map((l) => l.label));
    for (let i = 0; i < native.length; i++) expect(native[i], native[i].label).toEqual(js[i]);
    checkErrors(native);
    checkRules(native);
  });

  it("the addon's new exports, called directly with anything, return or throw a coded error", () => {
    const lines = run('native', { STRDIST_HOSTILE_ADDON: '1' });
    expect(lines.length).toBeGreaterThan(1000);
    checkErrors(lines);
    expect(lines.filter((l) => l.threw === undefined).length).toBeGreaterThan(100);
  });
});

if (!addon) {
  describe('hostile arguments over the added metrics (child processes)', () => {
    it('TypeScript gives a value or a coded error, and never crashes', () => {
      const js = run('js');
      checkErrors(js);
      checkRules(js);
    });
  });
}
