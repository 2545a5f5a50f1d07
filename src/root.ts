import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: { dir: string; version: string } | undefined;

/**
 * The package's root folder (the one holding its package.json), found by walking up from this
 * module. Works from src/ under a test runner and from the bundles in dist/.
 */
export function packageRoot(): { dir: string; version: string } {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'strdist') return (cached = { dir, version: pkg.version ?? '0.0.0' });
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('strdist: cannot find the package root from ' + import.meta.url);
    dir = up;
  }
}
