// TypeScript consumers of the built package, one CommonJS (.cts) and one ES module (.mts),
// compiled by tsc with node16 and nodenext resolution against dist/ and then run.
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appDir, ROOT, run } from './helpers/app-dir.js';

const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const app = appDir('consumers');
afterAll(() => app.remove());
for (const f of ['consumer.cts', 'consumer.mts', 'tsconfig.json']) cpSync(join(__dirname, 'consumers', f), join(app.dir, f));
const backend = JSON.parse((await run([join(ROOT, 'dist', 'cli.mjs'), 'info', '--json'])).stdout).backend;

// node16 checks every declaration file too (strdist's and its dependencies'), as a strict
// consumer would; nodenext with skipLibCheck, as most do (and three times faster).
describe.each([
  ['node16', false],
  ['nodenext', true],
])('TypeScript consumers, module %s, skipLibCheck %s', (mode, skipLibCheck) => {
  it('the .cts and .mts consumers compile without errors and run', async () => {
    const out = join(app.dir, `out-${mode}`);
    const flags = ['--module', mode, '--moduleResolution', mode, '--skipLibCheck', String(skipLibCheck), '--outDir', out];
    const built = await run([tsc, '-p', app.dir, ...flags]);
    expect(built.stdout + built.stderr).toBe('');
    expect(built.code).toBe(0);
    // The CommonJS consumer really requires the package; the ES module one imports it.
    expect(readFileSync(join(out, 'consumer.cjs'), 'utf8')).toMatch(/require\("strdist"\)/);
    for (const [file, kind] of [['consumer.cjs', 'cjs'], ['consumer.mjs', 'esm']]) {
      const r = await run([join(out, file), app.dir]);
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toEqual({
        kind,
        d: 3,
        best: 'bagels',
        matrix: [3],
        code: 'ERR_STRDIST_CORPUS_FORMAT',
        isError: true,
        backend,
      });
    }
  });
});
