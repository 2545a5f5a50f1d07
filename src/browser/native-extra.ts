// src/backend/native-extra.ts for the browser build: there is no addon, so never a native kernel
// (backend/extra.ts asks for one only after nativeAddon(), which throws here first).
import type { ExtraKernel } from '../kernel.js';
import { nativeAddon } from './backend.js';

export type ExtraAddon = never;

export function nativeExtraKernel(_addon: ExtraAddon): ExtraKernel {
  return nativeAddon();
}
