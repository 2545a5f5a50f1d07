// Builds dist/: ESM and CJS bundles with esbuild, declarations with tsc (.d.ts and .d.cts).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, 'dist');
const require = createRequire(import.meta.url);
const ts = require('typescript');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
rmSync(dist, { recursive: true, force: true });

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  // The version travels inside the code, so a bundled copy knows it without a package.json.
  define: { __STRDIST_VERSION__: JSON.stringify(version) },
};

await Promise.all([
  // One ESM build for the public entry, the internals and the CLI: what they share (the error
  // classes, the backend, the corpus) lives in shared chunks, loaded once per process.
  build({
    ...common,
    entryPoints: { index: 'src/index.ts', internal: 'src/internal.ts', cli: 'src/cli.ts' },
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    outdir: dist,
  }),
  build({
    ...common,
    entryPoints: { index: 'src/index.ts' },
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
    outdir: dist,
    // CommonJS has no import.meta: src/root.ts then uses __filename.
    define: { ...common.define, 'import.meta.url': 'undefined' },
  }),
]);

// The browser build (the `browser` export condition): the TypeScript backend alone, one
// self-contained ESM file. src/browser/ stands in for the modules that need Node: the backend
// loader, the word-list readers, node:crypto (a SHA-256 of our own, so corpus ids match Node's),
// node:os, and zod (only the dispatch's task schemas use it, lazily). Any other Node built-in
// fails the build.
const browserShims = {
  name: 'strdist-browser-shims',
  setup(b) {
    const shim = (file) => ({ path: join(root, 'src', 'browser', file) });
    b.onResolve({ filter: /^node:crypto$/ }, () => shim('sha256.ts'));
    b.onResolve({ filter: /^node:os$/ }, () => shim('os.ts'));
    b.onResolve({ filter: /^zod$/ }, () => shim('zod.ts'));
    b.onResolve({ filter: /\/backend\/index\.js$/ }, (args) => (args.importer.includes(join('src', 'browser')) ? undefined : shim('backend.ts')));
    // the same module named from inside src/backend/ (issue 12's backend/extra.ts)
    b.onResolve({ filter: /^\.\/index\.js$/ }, (args) => (args.importer.endsWith(join('src', 'backend', 'extra.ts')) ? shim('backend.ts') : undefined));
    b.onResolve({ filter: /^\.\/native-extra\.js$/ }, (args) => (args.importer.endsWith(join('src', 'backend', 'extra.ts')) ? shim('native-extra.ts') : undefined));
    b.onResolve({ filter: /\/corpus-source\.js$/ }, (args) => (args.importer.includes(join('src', 'browser')) ? undefined : shim('corpus-source.ts')));
    b.onResolve({ filter: /^node:|^(fs|os|path|crypto|zlib|util|worker_threads|module|url)$/ }, (args) => ({
      errors: [{ text: `the browser build may not import ${args.path} (from ${args.importer})` }],
    }));
  },
};
const browserBuild = await build({
  ...common,
  // in a folder of its own: self-contained, it is never loaded next to the Node entries' chunks
  entryPoints: ['src/browser.ts'],
  platform: 'browser',
  target: ['es2022'],
  packages: undefined,
  format: 'esm',
  minify: true,
  metafile: true,
  outfile: join(dist, 'browser', 'index.mjs'),
  plugins: [browserShims],
  inject: [join(root, 'src', 'browser', 'immediate.ts')],
});
for (const input of Object.keys(browserBuild.metafile.inputs)) {
  if (/(^|\/)src\/(dispatch|backend\/native|corpus-source|capability|root)\b/.test(input)) throw new Error(`browser build: ${input} must not be in it`);
}

// The CLI is run as a program: a shebang line, and the source map moved down one line with it.
const cli = join(dist, 'cli.mjs');
writeFileSync(cli, '#!/usr/bin/env node\n' + readFileSync(cli, 'utf8'));
const map = JSON.parse(readFileSync(cli + '.map', 'utf8'));
map.mappings = ';' + map.mappings;
writeFileSync(cli + '.map', JSON.stringify(map));
chmodSync(cli, 0o755);

const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });

/**
 * The .d.cts twin of a .d.ts file: every relative module specifier that names a .js file is
 * renamed to .cjs, wherever it appears (import and export declarations, and inline
 * `import('...')` types), so a CommonJS consumer's types resolve to .d.cts files only.
 */
function cjsDeclaration(text, fileName = 'index.d.ts') {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
  const edits = [];
  const visit = (node) => {
    let spec;
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) spec = node.moduleSpecifier;
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) spec = node.argument.literal;
    else if (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name)) spec = node.name;
    if (spec && ts.isStringLiteral(spec) && /^\.{1,2}\/.*\.js$/.test(spec.text)) {
      // The literal's text without its quotes ends with ".js": replace those three characters.
      const end = spec.getEnd() - 1;
      edits.push([end - 3, end]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  let out = text;
  for (const [start, end] of edits.sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + '.cjs' + out.slice(end);
  return out;
}

function twin(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, entry.name);
    if (entry.isDirectory()) twin(file);
    else if (entry.name.endsWith('.d.ts')) {
      writeFileSync(file.replace(/\.d\.ts$/, '.d.cts'), cjsDeclaration(readFileSync(file, 'utf8'), file));
    }
  }
}
twin(dist);
