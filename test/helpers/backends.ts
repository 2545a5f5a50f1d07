import { jsKernel, loadAddon, nativeKernel } from '../../src/backend/index.js';
import type { Kernel } from '../../src/kernel.js';
import { createMetrics, type Metrics } from '../../src/metrics.js';

/** The native kernel, loaded directly (whatever STRDIST_BACKEND says): it must load here. */
export const native: Kernel = nativeKernel(loadAddon().addon);
export const js: Kernel = jsKernel;

/** Both backends behind the one wrapper, for `describe.each`. Native never routes to js. */
export const backends: [string, Metrics][] = [
  ['native', createMetrics(native, { pairwiseJsBelow: 0 })],
  ['js', createMetrics(js)],
];
