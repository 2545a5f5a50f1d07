// strdist as the benchmarks see it: the public API, plus native-only and js-only APIs built
// from the same wrapper (dist/internal.mjs), all in one process.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export async function loadStrdist() {
  const dist = new URL('../../dist/', import.meta.url);
  for (const file of ['index.mjs', 'internal.mjs']) {
    if (!existsSync(new URL(file, dist))) {
      throw new Error(
        `dist/${file} is missing: build strdist first (npm install, or npm run build, at the repository root)`,
      );
    }
  }
  const pub = await import(new URL('index.mjs', dist).href);
  const internal = await import(new URL('internal.mjs', dist).href);

  let native = null;
  let nativeUnavailable = null;
  try {
    const { addon } = internal.loadAddon();
    native = internal.createMetrics(internal.nativeKernel(addon), { pairwiseJsBelow: 0 });
  } catch (err) {
    nativeUnavailable = err instanceof Error ? err.message.split('\n')[0] : String(err);
  }
  const js = internal.createMetrics(internal.jsKernel);

  return {
    /** The public API exactly as users import it. */
    pub,
    /** Every call to the addon, whatever the length (null when the addon does not load). */
    native,
    nativeUnavailable,
    /** Every call to the TypeScript kernel. */
    js,
    backend: pub.backend,
    pairwiseJsBelow: pub.PAIRWISE_JS_BELOW,
    capability: pub.capability(),
  };
}
