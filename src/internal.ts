/**
 * Internals for the benchmarks and tests in this repository (not part of the public API, not
 * in the package's exports map): both kernels, side by side, in one process.
 */
export { jsKernel, loadAddon, nativeKernel, selectBackend } from './backend/index.js';
export { createMetrics } from './metrics.js';
export { METRIC_IDS, METRICS, KERNEL_VERSION } from './kernel.js';
export type { Kernel, Metric } from './kernel.js';
// issue 12
export { createExtraMetrics } from './metrics-extra.js';
export { jsExtraKernel } from './backend/js-extra.js';
export { nativeExtraKernel } from './backend/native-extra.js';
