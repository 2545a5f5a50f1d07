// strdist bundled into an application with esbuild (the README's "Bundling"), and the shape of
// the package's own bundles: every error class defined once in the ESM build, and instanceof
// and codes agreeing across the ESM and CommonJS entry points.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appDir, ROOT, run } from './helpers/app-dir.js';

const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
// What the package itself reports when run from node_modules, in this run's environment.
const installed = JSON.parse((await run([join(ROOT, 'dist', 'cli.mjs'), 'info', '--json'])).stdout);

const app = appDir('bundle');
afterAll(() => app.remove());

// The application: imports strdist (dynamically, so a loud failure is caught and reported).
const esmSource = `
try {
  const s = await import('strdist');
  const c = s.capability();
  console.log(JSON.stringify({ d: s.levenshtein('kitten', 'sitting'), backend: s.backend, version: c.version, binary: c.binary && c.binary.path, why: c.nativeUnavailable }));
} catch (e) {
  console.log(JSON.stringify({ error: e.code, message: e.message }));
}
`;
const cjsSource = `
let s;
try {
  s = require('strdist');
} catch (e) {
  console.log(JSON.stringify({ error: e.code, message: e.message }));
}
if (s) {
  const c = s.capability();
  console.log(JSON.stringify({ d: s.levenshtein('kitten', 'sitting'), backend: s.backend, version: c.version, binary: c.binary && c.binary.path, why: c.nativeUnavailable }));
}
`;
writeFileSync(join(app.dir, 'app.mjs'), esmSource);
writeFileSync(join(app.dir, 'app.cjs'), cjsSource);
// As the README says: CommonJS dependencies (BullMQ, ioredis) bundled into ESM output need a require.
const requireBanner = "import { createRequire as __strdistCreateRequire } from 'node:module'; const require = __strdistCreateRequire(import.meta.url);";

const bundles = [
  { name: 'ESM app, ESM output', entry: 'app.mjs', format: 'esm', out: 'app.bundle.mjs', banner: requireBanner },
  { name: 'CommonJS app, CommonJS output', entry: 'app.cjs', format: 'cjs', out: 'app.bundle.cjs' },
  // esbuild takes the ESM entry for import(), and import.meta is empty in CommonJS output.
  { name: 'ESM app, CommonJS output', entry: 'app.mjs', format: 'cjs', out: 'app.esm-in.cjs', wrap: true },
] as const;

async function bundle(b: (typeof bundles)[number]): Promise<string> {
  const outfile = join(app.dir, 'dist', b.out);
  let entry = join(app.dir, b.entry);
  if ('wrap' in b) {
    // Top-level await is not allowed in CommonJS output: the same code in an async function.
    entry = join(app.dir, 'app-wrapped.mjs');
    writeFileSync(entry, `(async () => {${esmSource}})();`);
  }
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: app.dir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: b.format,
    outfile,
    banner: 'banner' in b ? { js: b.banner } : undefined,
    logLevel: 'silent',
  });
  expect(result.errors).toEqual([]);
  // strdist itself is in the bundle, not loaded from node_modules at run time.
  expect(readFileSync(outfile, 'utf8')).toContain('PAIRWISE_JS_BELOW');
  return outfile;
}

describe.each(bundles)('an application bundled with esbuild: $name', (b) => {
  it('runs beside node_modules/strdist with the backend the package reports', async () => {
    const file = await bundle(b);
    const r = await run([file], { cwd: app.dir });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ d: 3, backend: installed.backend, version });
    expect(out.binary).toBe(installed.binary?.path ?? null);
  });

  it('runs on the TypeScript backend, saying why, when moved away from node_modules', async () => {
    const file = await bundle(b);
    expect(existsSync(join(tmpdir(), 'node_modules'))).toBe(false);
    // A folder with no node_modules anywhere above it.
    const dir = mkdtempSync(join(tmpdir(), 'strdist-away-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const away = join(dir, b.out);
    copyFileSync(file, away);
    const r = await run([away], { cwd: dir, env: { STRDIST_BACKEND: 'auto' } });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ d: 3, backend: 'js', version, binary: null });
    expect(out.why).toMatch(/^strdist was bundled into .*strdist-away-.* the strdist package, which holds the native binary, cannot be found/);

    const loud = await run([away], { cwd: dir, env: { STRDIST_BACKEND: 'native' } });
    expect(JSON.parse(loud.stdout)).toMatchObject({
      error: 'ERR_STRDIST_NATIVE_UNAVAILABLE',
      message: expect.stringMatching(/^strdist: STRDIST_BACKEND=native but the native binary cannot load: strdist was bundled into/),
    });
  });
});

describe('an application bundle beside another version of strdist', () => {
  it('runs on the TypeScript backend and names both versions', async () => {
    const file = await bundle(bundles[0]);
    const dir = mkdtempSync(join(tmpdir(), 'strdist-other-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'node_modules', 'strdist'), { recursive: true });
    writeFileSync(
      join(dir, 'node_modules', 'strdist', 'package.json'),
      JSON.stringify({ name: 'strdist', version: '9.9.9', exports: { './package.json': './package.json' } }),
    );
    copyFileSync(file, join(dir, 'app.mjs'));
    const r = await run([join(dir, 'app.mjs')], { cwd: dir, env: { STRDIST_BACKEND: 'auto' } });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ d: 3, backend: 'js', version, binary: null });
    expect(out.why).toMatch(new RegExp(`^strdist ${version.replace(/\./g, '\\.')} was bundled into .* but the strdist package found at .* is version 9\\.9\\.9`));
  });
});

describe("the package's own bundles", () => {
  it('the ESM entries (index, internal, cli) share one copy of the error classes', () => {
    const files = [join(ROOT, 'dist'), join(ROOT, 'dist', 'chunks')].flatMap((d) =>
      readdirSync(d).filter((f) => f.endsWith('.mjs')).map((f) => join(d, f)),
    );
    const defining = files.filter((f) => readFileSync(f, 'utf8').includes('"ERR_STRDIST_CORPUS_FORMAT"'));
    expect(defining).toHaveLength(1);
    expect(defining[0]).toContain(join('dist', 'chunks'));
  });

  it('an error thrown by one entry point is instanceof the class of the other, with the same code', async () => {
    const script = join(app.dir, 'identity.mjs');
    writeFileSync(
      script,
      `
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
const esm = await import('strdist');
const cjs = createRequire(import.meta.url)('strdist');
const bad = ${JSON.stringify(join(app.dir, 'bad.txt'))};
writeFileSync(bad, Buffer.from([0x61, 0x0a, 0xff, 0xfe, 0x0a]));
const caught = async (p) => { try { await p; } catch (e) { return e; } throw new Error('no error'); };
const fromCjs = await caught(cjs.Corpus.fromFile(bad));
const fromEsm = await caught(esm.Corpus.fromFile(bad));
const taskCjs = await caught(cjs.connect().call('nope', {}));
const taskEsm = await caught(esm.connect().call('nope', {}));
console.log(JSON.stringify({
  distinctClasses: cjs.CorpusFormatError !== esm.CorpusFormatError,
  cjsInEsm: fromCjs instanceof esm.CorpusFormatError,
  esmInCjs: fromEsm instanceof cjs.CorpusFormatError,
  codes: [fromCjs.code, fromEsm.code],
  taskCjsInEsm: taskCjs instanceof esm.TaskArgumentError && taskCjs instanceof TypeError,
  taskEsmInCjs: taskEsm instanceof cjs.TaskArgumentError,
  taskCodes: [taskCjs.code, taskEsm.code],
  notConfused: !(fromCjs instanceof esm.TaskArgumentError) && !(taskEsm instanceof cjs.CorpusFormatError),
}));
`,
    );
    const r = await run([script], { cwd: app.dir });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      distinctClasses: true,
      cjsInEsm: true,
      esmInCjs: true,
      codes: ['ERR_STRDIST_CORPUS_FORMAT', 'ERR_STRDIST_CORPUS_FORMAT'],
      taskCjsInEsm: true,
      taskEsmInCjs: true,
      taskCodes: ['ERR_STRDIST_TASK_ARGUMENT', 'ERR_STRDIST_TASK_ARGUMENT'],
      notConfused: true,
    });
  });
});
