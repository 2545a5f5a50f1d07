import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/** The repository root: its dist/ is the built package the tests below consume. */
export const ROOT = resolve(__dirname, '..', '..');

/**
 * A temporary application folder with this package installed as node_modules/strdist (a link
 * to the repository, whose dist/ is built) and @types/node beside it, as a consumer would have.
 */
export function appDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `strdist-${prefix}-`));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'strdist'), 'dir');
  symlinkSync(join(ROOT, 'node_modules', '@types'), join(dir, 'node_modules', '@types'), 'dir');
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const exec = promisify(execFile);

/** Runs node (or another program) and returns its exit code and output without throwing. */
export async function run(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; program?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(options.program ?? process.execPath, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      maxBuffer: 16 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(err) };
  }
}
