// The install script (scripts/install.mjs) in a copy of the package: it keeps a binary that
// loads, builds otherwise, and never fails the install when the build fails; the package then
// says why at run time. node-gyp is replaced by a stand-in (npm_config_node_gyp, as npm passes it).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, run } from './helpers/app-dir.js';
import { addon, assertNativeAbsenceIsLegitimate } from './helpers/backends.js';

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of the package without any binary, and a stand-in node-gyp that logs its calls. */
function copy(gyp: 'fails' | 'builds nothing') {
  const dir = mkdtempSync(join(tmpdir(), 'strdist-install-'));
  made.push(dir);
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  cpSync(join(ROOT, 'scripts', 'install.mjs'), join(dir, 'scripts', 'install.mjs'));
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const log = join(dir, 'gyp.log');
  const fake = join(dir, 'fake-node-gyp.cjs');
  writeFileSync(
    fake,
    `require('fs').appendFileSync(${JSON.stringify(log)}, process.argv.slice(2).join(' ') + '\\n');\n` +
      (gyp === 'fails' ? `console.error('gyp ERR! stack Error: not found: make'); process.exit(1);\n` : ''),
  );
  const install = (env: NodeJS.ProcessEnv = {}) =>
    run([join(dir, 'scripts', 'install.mjs')], { cwd: dir, env: { npm_config_node_gyp: fake, ...env } });
  const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
  return { dir, install, calls };
}

describe('the install script', () => {
  it('exits 0 with one clear warning when node-gyp fails, and the package then says why', async () => {
    const c = copy('fails');
    const r = await c.install();
    expect(r.code).toBe(0);
    expect(c.calls()).toEqual(['rebuild']);
    expect(r.stderr).toContain('gyp ERR! stack Error: not found: make');
    expect(r.stderr).toMatch(
      /strdist: the native addon is not available \(node-gyp rebuild exited with code 1\)\. No prebuilt binary matches this platform .* g\+\+ or clang, make and python3\. strdist is installed anyway and runs on its TypeScript backend.*run `npm rebuild strdist`\./s,
    );

    const info = await run([join(c.dir, 'dist', 'cli.mjs'), 'info', '--json'], { env: { STRDIST_BACKEND: 'auto' } });
    const cap = JSON.parse(info.stdout);
    expect(cap.backend).toBe('js');
    expect(cap.nativeUnavailable).toMatch(/^No native build was found for platform=.*: no prebuild in .*prebuilds matches this platform and none was built at install time .*install a C\+\+ toolchain \(g\+\+ or clang, make, python3\) and run `npm rebuild strdist`/);
    const text = await run([join(c.dir, 'dist', 'cli.mjs'), 'info'], { env: { STRDIST_BACKEND: 'auto' } });
    expect(text.stdout).toMatch(/^backend\s+js \(native unavailable: No native build was found .*npm rebuild strdist/m);

    const loud = await run(['--input-type=module', '-e', `import(${JSON.stringify(join(c.dir, 'dist', 'index.mjs'))}).catch((e) => console.log(e.code + ' ' + e.message))`], {
      env: { STRDIST_BACKEND: 'native' },
    });
    expect(loud.stdout).toMatch(/^ERR_STRDIST_NATIVE_UNAVAILABLE strdist: STRDIST_BACKEND=native but the native binary cannot load: No native build was found/);
  });

  it('exits 0 with the warning when node-gyp succeeds but leaves no binary that loads', async () => {
    const c = copy('builds nothing');
    const r = await c.install();
    expect(r.code).toBe(0);
    expect(c.calls()).toEqual(['rebuild']);
    expect(r.stderr).toMatch(/strdist: the native addon is not available \(the binary node-gyp built does not load\)/);
  });

  // Needs a binary that loads to copy; an install without one checks why it has none instead.
  if (addon) {
    // Where node-gyp-build finds it in this run (build/Release, or prebuilds/ with PREBUILDS_ONLY).
    const binary = addon.path;
    it('keeps a binary that loads without building, unless asked to build from source', async () => {
      const c = copy('fails');
      mkdirSync(dirname(join(c.dir, relative(ROOT, binary))), { recursive: true });
      cpSync(binary, join(c.dir, relative(ROOT, binary)));
      const r = await c.install();
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(c.calls()).toEqual([]);
      const fromSource = await c.install({ npm_config_build_from_source: 'true' });
      expect(fromSource.code).toBe(0);
      expect(c.calls()).toEqual(['rebuild']);
    });
  } else {
    it('keeping a binary that loads: needs the native addon, which this install legitimately lacks', assertNativeAbsenceIsLegitimate);
  }
});
