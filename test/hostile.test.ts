// Hostile arguments over every public export, on both backends, in child processes: each call
// returns the same value on both backends or throws the same TypeError/RangeError (with a
// `code`), and no call crashes the process. Errors the caller's own objects raise (a getter or
// a proxy trap that throws) pass through unchanged. Runs the built package (dist/).
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/errors.js';
import { addon, nativeOnly } from './helpers/backends.js';

const root = resolve(__dirname, '..');
const child = join(root, 'test', 'fixtures', 'hostile-child.mjs');
const codes = new Set<string>(Object.values(ERROR_CODES));

interface Line {
  label: string;
  value?: unknown;
  threw?: string;
  message?: string;
  code?: string;
  typeOrRange?: boolean;
}

/** Runs the child on one backend, optionally under `ulimit -v` (KiB); it must exit cleanly. */
function run(backend: 'native' | 'js', ulimitKiB?: number): Line[] {
  const node = JSON.stringify(process.execPath);
  const cmd = `${ulimitKiB ? `ulimit -v ${ulimitKiB}; ` : ''}exec ${node} ${JSON.stringify(child)}`;
  const r = spawnSync('bash', ['-c', cmd], {
    env: { ...process.env, STRDIST_BACKEND: backend },
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    timeout: 300_000,
  });
  expect({ status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({ status: 0, signal: null, stderr: '' });
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
}

function checkErrors(lines: Line[]): void {
  for (const l of lines) {
    if (l.threw === undefined || l.threw === 'Boom') continue; // returned, or the caller's own error
    expect(l, l.label).toMatchObject({ typeOrRange: true });
    expect(codes.has(l.code ?? ''), `${l.label}: code ${l.code}`).toBe(true);
    // says where: the function (`scoreMany: …`) or the task (`bad arguments for task closest: …`)
    expect(l.message, l.label).toMatch(/^([\w.]+|bad arguments for task \w+): /);
  }
}

/** The run is not vacuous: plenty of calls compute, plenty are refused, each kind of error occurs. */
function checkCoverage(lines: Line[]): void {
  expect(lines.length).toBeGreaterThan(5000);
  expect(lines.filter((l) => l.threw === undefined).length).toBeGreaterThan(300);
  const seen = new Set(lines.map((l) => l.code).filter(Boolean));
  for (const c of [ERROR_CODES.ARGUMENT, ERROR_CODES.UNKNOWN_OPTION, ERROR_CODES.OPTION, ERROR_CODES.TASK_ARGUMENT]) {
    expect(seen.has(c), c).toBe(true);
  }
}

// The comparison with native, and the memory limit (a native concern), need the addon; without
// it, the TypeScript backend alone is held to the same rules.
const describeNative = nativeOnly('hostile arguments compared with the native backend, and under ulimit -v');
describeNative('hostile arguments over the public API (child processes)', () => {
  it('native and TypeScript give the same value or the same coded error, and never crash', () => {
    const native = run('native');
    const js = run('js');
    expect(js.map((l) => l.label)).toEqual(native.map((l) => l.label));
    for (let i = 0; i < native.length; i++) expect(native[i], native[i].label).toEqual(js[i]);
    checkErrors(native);
    checkCoverage(native);
  });

  it('behaves the same under a memory limit (ulimit -v)', () => {
    const limited = run('native', 6_000_000);
    const free = run('js');
    expect(limited).toEqual(free);
  });
});

if (!addon) {
  describe('hostile arguments over the public API (child processes)', () => {
    it('TypeScript gives a value or a coded error, and never crashes', () => {
      const js = run('js');
      checkErrors(js);
      checkCoverage(js);
    });
  });
}
