// Where the strdist package is on disk, and its version. This code does not always sit in the
// package: an application may bundle it (esbuild, webpack) into a file of its own, far from
// node_modules/strdist, or into CommonJS output where import.meta is empty. Nothing here throws
// at import time because of where the code ended up.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Set by scripts/build.mjs (esbuild `define`); absent when the sources run directly (tests). */
declare const __STRDIST_VERSION__: string | undefined;
const INJECTED = typeof __STRDIST_VERSION__ === 'string' ? __STRDIST_VERSION__ : undefined;

function readPackage(dir: string): { name?: string; version?: string } | undefined {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
  } catch {
    return undefined;
  }
}

/**
 * The file this code runs from: `import.meta.url` in ESM, `__filename` in CommonJS, or
 * undefined when a bundler left neither (CommonJS output of an ESM source, bundled into ESM).
 */
export function codeLocation(): string | undefined {
  const url = (import.meta as { url?: unknown }).url;
  if (typeof url === 'string' && url.startsWith('file:')) return fileURLToPath(url);
  if (typeof __filename === 'string') return __filename;
  return undefined;
}

interface Located {
  dir?: string;
  version?: string;
  /** Why dir is missing. */
  why?: string;
}
let found: Located | undefined;

function locate(): Located {
  if (found) return found;
  const from = codeLocation();
  // In the package (src/ under a test runner, dist/ when installed): walk up to its package.json.
  for (let dir = from ? dirname(from) : undefined; dir; ) {
    const pkg = readPackage(dir);
    if (pkg?.name === 'strdist') return (found = { dir, version: pkg.version });
    const up = dirname(dir);
    dir = up === dir ? undefined : up;
  }
  // Bundled into an application: the package may still be installed where Node finds it.
  const where = from ?? 'an application bundle';
  let dir: string;
  try {
    dir = dirname(createRequire(from ?? join(process.cwd(), 'index.js')).resolve('strdist/package.json'));
  } catch {
    return (found = {
      why:
        `strdist was bundled into ${where} and the strdist package, which holds the native binary, cannot be ` +
        `found from there: install strdist in the application's node_modules (see the README, "Bundling")`,
    });
  }
  const version = readPackage(dir)?.version;
  if (INJECTED && version !== INJECTED) {
    return (found = {
      why: `strdist ${INJECTED} was bundled into ${where}, but the strdist package found at ${dir} is version ${version}: install the same version`,
    });
  }
  return (found = { dir, version });
}

/** The package version: injected at build time, else read from the package's package.json. */
export const VERSION: string = INJECTED ?? locate().version ?? '0.0.0';

/**
 * The folder of the installed strdist package (the one holding its package.json and the
 * native binary), or undefined when it cannot be found, e.g. strdist was bundled into an
 * application that runs with no node_modules/strdist beside it.
 */
export function packageDir(): string | undefined {
  return locate().dir;
}

/** Why packageDir() is undefined, in words for `capability().nativeUnavailable`. */
export function packageDirMissing(): string {
  return locate().why ?? 'the strdist package folder cannot be found';
}

/** The package root and version, for the CLI (which runs from the package). */
export function packageRoot(): { dir: string; version: string } {
  const dir = packageDir();
  if (!dir) throw new Error('strdist: ' + packageDirMissing());
  return { dir, version: VERSION };
}
