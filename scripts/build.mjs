// Builds dist/: ESM and CJS bundles with esbuild, declarations with tsc (.d.ts and .d.cts).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
};

await Promise.all([
  build({ ...common, entryPoints: { index: 'src/index.ts', internal: 'src/internal.ts' }, format: 'esm', outExtension: { '.js': '.mjs' }, outdir: dist }),
  build({
    ...common,
    entryPoints: { index: 'src/index.ts' },
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
    outdir: dist,
    // import.meta.url does not exist in CommonJS: give it the file's own URL.
    define: { 'import.meta.url': '__strdist_import_meta_url' },
    banner: { js: "const __strdist_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  }),
  build({
    ...common,
    entryPoints: { cli: 'src/cli.ts' },
    format: 'esm',
    outExtension: { '.js': '.mjs' },
    outdir: dist,
    banner: { js: '#!/usr/bin/env node' },
  }),
]);

const require = createRequire(import.meta.url);
const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });

// CommonJS consumers get .d.cts twins whose relative imports point at .cjs names.
function twin(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, entry.name);
    if (entry.isDirectory()) twin(file);
    else if (entry.name.endsWith('.d.ts')) {
      const text = readFileSync(file, 'utf8').replace(/(from\s+['"]\.{1,2}\/[^'"]*?)\.js(['"])/g, '$1.cjs$2');
      writeFileSync(file.replace(/\.d\.ts$/, '.d.cts'), text);
    }
  }
}
twin(dist);
