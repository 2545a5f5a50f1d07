// The backends THIS install has: the TypeScript one always, the native one when its addon loads.
// Tests build their lists of cases from these, so a machine without a compiler (no prebuild, no
// build/) runs every TypeScript case and, in place of each native-only suite, one test that the
// absence is legitimate. STRDIST_EXPECT_NATIVE=1 (set by CI) turns that absence into a failure,
// so CI can never pass by silently losing the native backend.
import { describe, expect, it } from 'vitest';
import { jsKernel, loadAddon, nativeKernel, selectBackend } from '../../src/backend/index.js';
import { isMissingBinary, type LoadedAddon } from '../../src/backend/native.js';
import { capability } from '../../src/index.js';
import type { Kernel } from '../../src/kernel.js';
import { createMetrics, type Metrics } from '../../src/metrics.js';

export type BackendName = 'native' | 'js';

/** The addon loaded directly (whatever STRDIST_BACKEND says), or why there is none. */
function tryLoad(): { loaded?: LoadedAddon; reason?: string } {
  try {
    return { loaded: loadAddon() };
  } catch (err) {
    if (!isMissingBinary(err)) throw err; // a binary that exists but does not load is a real failure
    return { reason: (err as Error).message };
  }
}
const attempt = tryLoad();

/** The loaded addon and its path, when this install has one. */
export const addon: LoadedAddon | undefined = attempt.loaded;
/** The native kernel when the addon loads here. */
export const native: Kernel | undefined = addon && nativeKernel(addon.addon);
export const js: Kernel = jsKernel;

/** Every kernel this install has, native first. */
export const kernels: Kernel[] = native ? [native, js] : [js];
/** Their names, for `it.each` over the public `backend` option. */
export const backendNames: BackendName[] = kernels.map((k) => k.name);

/** Every backend behind the one wrapper, for `describe.each`. Native never routes to js. */
export const backends: [BackendName, Metrics][] = kernels.map((k) => [
  k.name,
  k === native ? createMetrics(k, { pairwiseJsBelow: 0 }) : createMetrics(k),
]);

/**
 * The body of the test that stands in for a native-only suite on an install without the addon:
 * the absence is legitimate only when CI does not expect native, and the package says why it
 * has no native backend and how to get one.
 */
export function assertNativeAbsenceIsLegitimate(): void {
  expect(addon).toBeUndefined();
  expect(process.env.STRDIST_EXPECT_NATIVE, 'STRDIST_EXPECT_NATIVE=1 but the native addon did not load').not.toBe('1');
  // With STRDIST_BACKEND=js the process-wide reason is that setting; ask what auto would say.
  const why = process.env.STRDIST_BACKEND === 'js' ? selectBackend('auto').reason : capability().nativeUnavailable;
  expect(capability().backend).toBe('js');
  expect(why).toBe(attempt.reason);
  expect(why).toMatch(/^No native build was found for platform=.*none was built at install time/);
  expect(why).toMatch(/install a C\+\+ toolchain .* and run `npm rebuild strdist`/);
}

/**
 * `describe` for suites that exist only for the addon, which they receive. With the addon it is
 * `describe`; without it, the first call registers ONE test, named after `what`, asserting the
 * absence is legitimate (one per file or group, however many native suites it has), and the
 * suites are left out.
 */
export function nativeOnly(what: string): (name: string, fn: (loaded: LoadedAddon) => void) => void {
  let registered = false;
  return (name, fn) => {
    if (addon) return describe(name, () => fn(addon));
    if (registered) return;
    registered = true;
    it(`${what}: needs the native addon, which this install legitimately lacks`, assertNativeAbsenceIsLegitimate);
  };
}
