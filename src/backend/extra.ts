// issue 12: the kernel of the added metrics for a backend.
import type { ExtraKernel } from '../kernel.js';
import { backendState, nativeAddon } from './index.js';
import { jsExtraKernel } from './js-extra.js';
import { nativeExtraKernel, type ExtraAddon } from './native-extra.js';

let cached: { addon: unknown; kernel: ExtraKernel } | undefined;

/** The added metrics' kernel of `backend` (default: the process backend). */
export function extraKernel(backend: 'native' | 'js' = backendState().kernel.name): ExtraKernel {
  if (backend === 'js') return jsExtraKernel;
  const addon = nativeAddon();
  if (cached?.addon !== addon) cached = { addon, kernel: nativeExtraKernel(addon as unknown as ExtraAddon) };
  return cached.kernel;
}
